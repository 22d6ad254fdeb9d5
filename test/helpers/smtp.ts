import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface Reply {
  code: number;
  /** Full reply text, lines joined with \n. */
  text: string;
}

/**
 * Cuts what an SMTP server sends into replies, whatever the chunks: each
 * reply is its lines, a multi-line one ("250-…" up to "250 …") whole. A line
 * that is not a continuation ends a reply, so a malformed line shows up as a
 * reply of its own (code NaN) instead of vanishing into the next.
 */
export class ReplySplitter {
  private buf = '';
  private lines: string[] = [];

  /** The replies `chunk` completes. */
  push(chunk: string): string[][] {
    this.buf += chunk;
    const done: string[][] = [];
    let i;
    while ((i = this.buf.indexOf('\r\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      this.lines.push(line);
      if (/^\d{3}-/.test(line)) continue;
      done.push(this.lines);
      this.lines = [];
    }
    return done;
  }
}

export const toReply = (lines: string[]): Reply => ({ code: Number(lines.at(-1)!.slice(0, 3)), text: lines.join('\n') });

/** A minimal raw SMTP client: reads the greeting, sends each line, collects one reply per line. */
export async function chat(port: number, lines: string[], opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<Reply[]> {
  // localAddress: any 127.x.y.z can be the source on Linux, which lets tests act as different trusted networks.
  const socket = connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  socket.setEncoding('utf8');
  const splitter = new ReplySplitter();
  const waiting: Array<(r: Reply) => void> = [];
  const ready: Reply[] = [];
  socket.on('data', (d: string) => {
    for (const lines of splitter.push(d)) {
      const r = toReply(lines);
      const w = waiting.shift();
      if (w) w(r);
      else ready.push(r);
    }
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const r = ready.shift();
      if (r) return resolve(r);
      const t = setTimeout(() => reject(new Error(`no SMTP reply within ${opts.timeoutMs ?? 5000} ms`)), opts.timeoutMs ?? 5000);
      waiting.push((x) => {
        clearTimeout(t);
        resolve(x);
      });
    });
  try {
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    await next(); // greeting
    const replies: Reply[] = [];
    let inBody = false;
    for (const line of lines) {
      socket.write(line + '\r\n');
      // Lines of a mail body get no reply; the final "." gets the DATA reply.
      if (inBody && line !== '.') continue;
      const r = await next();
      replies.push(r);
      inBody = !inBody && /^DATA$/i.test(line) && r.code === 354;
    }
    return replies;
  } finally {
    socket.destroy();
  }
}

/** Splits a mail into the lines `chat` sends after DATA, dot-stuffed, ending with ".". */
export function dataLines(mail: string): string[] {
  return [...mail.replace(/\r\n/g, '\n').split('\n').map((l) => (l.startsWith('.') ? '.' + l : l)), '.'];
}

/** A real client: nodemailer over loopback, no TLS; `localAddress` (any 127.x.y.z) to come from another trusted network. */
export function mailer(port: number, localAddress?: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: false, ...(localAddress ? { localAddress } : {}) });
}

/** The mail's id in the 250 that took it ("250 2.0.0 queued as <id> (n SMS)"); fails, with the reply, when there is none. */
export function queuedAs(reply: string): string {
  const id = /queued as ([0-9A-Z]+)/.exec(reply)?.[1];
  if (!id) throw new Error(`no "queued as <id>" in the reply: ${reply}`);
  return id;
}

export type SmsMail = Omit<Mail.Options, 'to'> & { localAddress?: string };

/**
 * Mails `to` (a number, sent to <number>@sms.localhost, or whole addresses)
 * as a mail client does, from clerk@acme.test with subject "x" unless `mail`
 * says otherwise, and resolves with the id of its first SMS (<mail id>.1).
 */
export async function sendSms(port: number, to: string | string[], mail: SmsMail = {}): Promise<string> {
  const { localAddress, ...message } = mail;
  const address = (n: string) => (n.includes('@') ? n : `${n}@sms.localhost`);
  const info = await mailer(port, localAddress).sendMail({ from: 'clerk@acme.test', subject: 'x', ...message, to: [to].flat().map(address) });
  return `${queuedAs(info.response)}.1`;
}


/** The SMTP reply a client got when the server refused its mail (nodemailer rejects with it); throws if the mail was accepted. */
export async function refusal(sending: Promise<unknown>): Promise<string> {
  try {
    await sending;
  } catch (e) {
    return (e as { response?: string }).response ?? String(e);
  }
  throw new Error('expected the mail to be refused');
}

/** An SMTP connection held open between commands (for tests of what a connected client sees later). */
export async function openSession(port: number): Promise<{ command(line: string): Promise<Reply>; close(): void }> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buf = '';
  const waiting: Array<(r: Reply) => void> = [];
  socket.on('data', (d: string) => {
    buf += d;
    const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buf);
    if (!m) return;
    const r = { code: Number(m[1]), text: buf.trimEnd() };
    buf = '';
    waiting.shift()?.(r);
  });
  socket.on('close', () => waiting.splice(0).forEach((w) => w({ code: 0, text: 'connection closed' })));
  const next = () => new Promise<Reply>((resolve) => waiting.push(resolve));
  const greeting = next();
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  await greeting;
  return {
    command(line) {
      const r = next();
      socket.write(line + '\r\n');
      return r;
    },
    close: () => socket.destroy(),
  };
}

/**
 * A pipelining client (RFC 2920): writes each batch of lines in one write and
 * waits for one reply per line before the next batch. Ends early, with the
 * replies so far, when the server closes the connection.
 */
export async function pipelining(port: number, batches: string[][]): Promise<{ replies: Reply[]; closed: boolean }> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setEncoding('utf8');
  const splitter = new ReplySplitter();
  const replies: Reply[] = [];
  let closed = false;
  let wake = () => {};
  socket.on('data', (d: string) => {
    for (const lines of splitter.push(d)) replies.push(toReply(lines));
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  const until = (n: number) => new Promise<void>((resolve) => {
    wake = () => (replies.length >= n || closed) && resolve();
    wake();
  });
  try {
    await until(1); // greeting
    for (const batch of batches) {
      const want = replies.length + batch.length;
      socket.write(batch.map((l) => l + '\r\n').join(''));
      await until(want);
      if (closed) break;
    }
    return { replies: replies.slice(1), closed };
  } finally {
    socket.destroy();
  }
}
