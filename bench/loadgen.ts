/**
 * A small SMTP load generator over raw sockets, for what smtp-source cannot
 * measure: per-message accept latency at a fixed offered rate (open loop, so
 * a slow server cannot slow the clock down and hide its own latency), and
 * mails that differ from each other (unique Message-ID, send time headers).
 * It speaks like smtp-source: one command at a time, no pipelining.
 */
import { connect, type Socket } from 'node:net';
import { ReplySplitter, toReply, type Reply } from '../test/helpers/smtp.js';

export type { Reply };

/** One SMTP connection; `send` runs one transaction and resolves with its DATA reply. */
export class SmtpClient {
  private readonly splitter = new ReplySplitter();
  private waiting?: (r: Reply) => void;
  private failed?: Error;
  private readonly ready: Reply[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static async open(port: number, host = '127.0.0.1'): Promise<SmtpClient> {
    const socket = connect(port, host);
    const c = new SmtpClient(socket);
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    await c.expect(220);
    await c.command('EHLO loadgen.bench.test', 250);
    return c;
  }

  /** MAIL, RCPT, DATA, the mail, "."; returns the final reply and how long it took after the dot. */
  async send(from: string, to: string, mail: Buffer): Promise<{ reply: Reply; afterDotMs: number }> {
    await this.command(`MAIL FROM:<${from}>`, 250);
    await this.command(`RCPT TO:<${to}>`, 250);
    await this.command('DATA', 354);
    this.socket.write(mail);
    const t = performance.now();
    this.socket.write('.\r\n');
    const reply = await this.next();
    return { reply, afterDotMs: performance.now() - t };
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT', 221);
    } catch {
      // the server may close first
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async command(line: string, want: number): Promise<Reply> {
    this.socket.write(line + '\r\n');
    return this.expect(want, line);
  }

  private async expect(want: number, after = 'connect'): Promise<Reply> {
    const r = await this.next();
    if (r.code !== want) throw new Error(`after ${after}: ${r.text}`);
    return r;
  }

  private next(): Promise<Reply> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.rejectWaiting = reject;
    });
  }

  private rejectWaiting?: (e: Error) => void;

  private fail(e: Error): void {
    this.failed ??= e;
    const rej = this.rejectWaiting;
    this.waiting = this.rejectWaiting = undefined;
    rej?.(e);
  }

  private onData(d: string): void {
    for (const lines of this.splitter.push(d)) {
      const r = toReply(lines);
      const w = this.waiting;
      this.waiting = this.rejectWaiting = undefined;
      if (w) w(r);
      else this.ready.push(r);
    }
  }
}

export interface MailSpec {
  from: string;
  /** One recipient for every mail, or the i-th mail's. */
  to: string | ((i: number) => string);
  /** The mail for the i-th message, dot-stuffed, CRLF line ends, without the final dot line. */
  body: (i: number) => Buffer;
}

export interface RunResult {
  sent: number;
  refused: number;
  elapsedMs: number;
  /** Time from the final "." to the DATA reply, per accepted mail (ms). */
  afterDot: number[];
  /** Time from when the mail was due to be sent (open loop) or started (closed loop) to its DATA reply (ms). */
  total: number[];
  errors: string[];
}

/** Closed loop: `sessions` kept connections send `count` mails as fast as the server answers. */
export async function runClosed(port: number, sessions: number, count: number, spec: MailSpec): Promise<RunResult> {
  const res: RunResult = { sent: 0, refused: 0, elapsedMs: 0, afterDot: [], total: [], errors: [] };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: sessions }, async () => {
    const c = await SmtpClient.open(port);
    try {
      for (let i = next++; i < count; i = next++) await one(c, i, performance.now(), spec, res);
    } finally {
      await c.quit();
    }
  }));
  res.elapsedMs = performance.now() - t0;
  return res;
}

/**
 * Open loop: mail i is due at t0 + i/rate; a pool of kept connections takes
 * them in order. Latency counts from the due time, so queueing behind a slow
 * reply is part of it (no coordinated omission).
 */
export async function runOpen(port: number, rate: number, count: number, pool: number, spec: MailSpec): Promise<RunResult> {
  const res: RunResult = { sent: 0, refused: 0, elapsedMs: 0, afterDot: [], total: [], errors: [] };
  const clients = await Promise.all(Array.from({ length: pool }, () => SmtpClient.open(port)));
  let next = 0;
  const t0 = performance.now() + 20;
  try {
    await Promise.all(clients.map(async (c) => {
      for (let i = next++; i < count; i = next++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        await one(c, i, due, spec, res);
      }
    }));
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
  }
  res.elapsedMs = performance.now() - t0;
  return res;
}

async function one(c: SmtpClient, i: number, due: number, spec: MailSpec, res: RunResult): Promise<void> {
  const { reply, afterDotMs } = await c.send(spec.from, typeof spec.to === 'string' ? spec.to : spec.to(i), spec.body(i));
  if (reply.code !== 250) {
    res.refused++;
    if (res.errors.length < 5) res.errors.push(reply.text);
    return;
  }
  res.sent++;
  res.afterDot.push(afterDotMs);
  res.total.push(performance.now() - due);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
