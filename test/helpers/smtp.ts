import { connect } from 'node:net';
import nodemailer from 'nodemailer';

export interface Reply {
  code: number;
  /** Full reply text, lines joined with \n. */
  text: string;
}

/** A minimal raw SMTP client: reads the greeting, sends each line, collects one reply per line. */
export async function chat(port: number, lines: string[], opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<Reply[]> {
  // localAddress: any 127.x.y.z can be the source on Linux, which lets tests act as different trusted networks.
  const socket = connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  socket.setEncoding('utf8');
  let buf = '';
  const waiting: Array<(r: Reply) => void> = [];
  const ready: Reply[] = [];
  let current: string[] = [];
  socket.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      current.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const r = { code: Number(line.slice(0, 3)), text: current.join('\n') };
        current = [];
        const w = waiting.shift();
        if (w) w(r);
        else ready.push(r);
      }
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

/** A real client: nodemailer over loopback, no TLS. */
export function mailer(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: false });
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
