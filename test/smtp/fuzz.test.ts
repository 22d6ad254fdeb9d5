import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawnBridge, type BridgeProcess } from '../helpers/process.js';
import { replyProblem } from '../helpers/reply.js';
import { ReplySplitter } from '../helpers/smtp.js';
import { mutateMessage, nestedMessage, randomCommand, type Rand } from './fuzz-input.js';
import { seeded } from '../helpers/random.js';

/**
 * Thousands of mutated messages and random command sequences against the
 * bridge as its own process, over real sockets. Every command must get a
 * reply of proper RFC 5321 syntax (or the connection closes right after a
 * 421 or 221), the process must stay up and answer a normal mail at the end,
 * and its memory must stay bounded. FUZZ_SEED=<n> replays a run; the seed
 * is in every failure message.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
// FUZZ_JOBS=<n> runs longer by hand (a soak); the default keeps npm test short.
const MAILS = Number(process.env.FUZZ_JOBS ?? 1000);
const SEQUENCES = MAILS;
const WORKERS = 8;
const REPLY_TIMEOUT_MS = 15_000;
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

type Reply = string[] | 'closed';

/** A raw SMTP connection that hands out whole replies (binary-safe: the fuzz sends any bytes). */
class Raw {
  private readonly splitter = new ReplySplitter();
  private readonly replies: Reply[] = [];
  private waiter?: (r: Reply) => void;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      this.push('closed');
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, localAddress: string): Promise<{ raw: Raw; greeting: Reply }> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const raw = new Raw(socket);
    return { raw, greeting: await raw.next() };
  }

  send(line: string | Buffer): Promise<Reply> {
    if (!this.closed) this.socket.write(Buffer.concat([Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\r\n')]));
    return this.next();
  }

  /** The message, dot-stuffed after any kind of line break, and the end-of-data line. */
  data(message: Buffer): Promise<Reply> {
    const text = message.toString('latin1').replace(/(^|\r\n|\n|\r)\./g, '$1..');
    const end = /\r\n$/.test(text) ? '.\r\n' : '\r\n.\r\n';
    if (!this.closed) this.socket.write(Buffer.from(text + end, 'latin1'));
    return this.next();
  }

  /** Streams `head` and `times` copies of `chunk` as a message (waiting for the socket to drain), then the end of data. */
  async stream(head: Buffer, chunk: Buffer, times: number): Promise<Reply> {
    const write = (b: Buffer) => new Promise<void>((resolve) => (this.socket.write(b) ? resolve() : this.socket.once('drain', resolve)));
    await write(head);
    for (let i = 0; i < times && !this.closed; i++) await write(chunk);
    await write(Buffer.from('--b--\r\n.\r\n'));
    return this.next();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private next(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      this.waiter = (r) => {
        clearTimeout(t);
        resolve(r);
      };
    });
  }

  private onData(d: string): void {
    for (const reply of this.splitter.push(d)) this.push(reply);
  }

  private push(r: Reply): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w(r);
    else this.replies.push(r);
  }
}

interface Tally { replies: number; byClass: Record<string, number>; problems: string[]; sessions: number }

const F = suite('smtp fuzz', {} as { dir: string; p: BridgeProcess; corpus: Buffer[] });
F.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-fuzz-'));
  const config = join(ctx.dir, 'config.json');
  // Limits that would answer 451 at RCPT before any message is read are off: the messages must reach the parser.
  await writeFile(config, JSON.stringify({
    // Failed logins are delayed up to 16 s by default (tested in auth.test.ts); short here, or the run would mostly wait.
    smtp: { port: 0, maxConnectionsPerIp: 50, auth: { failureDelayMs: 20, maxFailureDelayMs: 200 } },
    limits: { messagesPerMinute: 0, segmentsPerDay: 0, segmentsPerMonth: 0, perNumberPerHour: 0, brake: { newNumbersPerWindow: 0, failureRatio: 0 } },
    connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 5, sentLog: '' } }], notify: { level: 'none' }, audit: { enabled: false },
    api: { port: 0 }, store: { dir: join(ctx.dir, 'data') }, log: { level: 'info' },
  }));
  // A heap capped well below the machine's memory: a leak would end the process, which the test then sees.
  ctx.p = await spawnBridge(config, undefined, ['--max-old-space-size=160']);
  const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml'));
  ctx.corpus = [...await Promise.all(names.map((n) => readFile(join(FIXTURES, n)))), nestedMessage(3)];
});
F.after(async (ctx) => {
  ctx.p?.child.kill('SIGTERM');
  await ctx.p?.exited;
  await rm(ctx.dir, { recursive: true, force: true });
});

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024);
}

/** Runs jobs on one connection after another; a closed connection is reopened. */
async function worker(port: number, jobs: Array<(s: Session) => Promise<void>>, tally: Tally, id: number): Promise<void> {
  const session = new Session(port, tally, `127.0.1.${id + 1}`);
  for (const job of jobs) {
    await session.ensure();
    await job(session);
  }
  session.raw?.close();
}

class Session {
  raw?: Raw;
  label = '';

  constructor(private readonly port: number, private readonly tally: Tally, private readonly address: string) {}

  async ensure(): Promise<void> {
    if (this.raw && !this.raw.closed) return;
    const { raw, greeting } = await Raw.open(this.port, this.address);
    this.raw = raw;
    this.tally.sessions++;
    this.check('greeting', greeting);
  }

  /** Checks a reply; returns its code, or 0 when the connection is gone. */
  check(what: string, r: Reply): number {
    if (r === 'closed') {
      this.tally.problems.push(`${this.label}: connection closed without a reply to ${what}`);
      return 0;
    }
    this.tally.replies++;
    const problem = replyProblem(r);
    if (problem) this.tally.problems.push(`${this.label}: ${what}: ${problem}`);
    const code = Number(r[0].slice(0, 3));
    this.tally.byClass[`${String(code)[0]}xx`] = (this.tally.byClass[`${String(code)[0]}xx`] ?? 0) + 1;
    if (code === 421 || code === 221) this.raw!.close(); // the server closes these; we need not wait for it
    return code;
  }

  /** Sends one line; a 354 is answered with `body` (a short valid one when none was prepared). */
  async command(line: string | Buffer, body?: Buffer): Promise<number> {
    if (!this.raw || this.raw.closed) return 0;
    const shown = JSON.stringify(String(line).slice(0, 60));
    try {
      const code = this.check(shown, await this.raw.send(line));
      if (code === 354) return this.check(`the message after ${shown}`, await this.raw.data(body ?? Buffer.from('Subject: x\r\n\r\nkurz\r\n')));
      return code;
    } catch (e) {
      this.tally.problems.push(`${this.label}: ${shown}${body ? ` (message of ${body.length} bytes)` : ''}: ${(e as Error).message}`);
      this.raw.close();
      return 0;
    }
  }
}

/** The jobs of a run, all drawn from the seed up front, so concurrency cannot change what is sent. */
function plan(r: Rand, corpus: readonly Buffer[]): Array<(s: Session) => Promise<void>> {
  const jobs: Array<(s: Session) => Promise<void>> = [];
  for (let i = 0; i < MAILS; i++) {
    const message = mutateMessage(r, corpus);
    const to = `+491511234${String(1000 + Math.floor(r() * 9000))}`;
    jobs.push(async (s) => {
      s.label = `seed ${SEED} mail ${i}`;
      for (const c of ['RSET', 'EHLO fuzz.test', 'MAIL FROM:<clerk@acme.test>', `RCPT TO:<${to}@sms.localhost>`]) if ((await s.command(c)) !== 250) return;
      await s.command('DATA', message);
    });
  }
  for (let i = 0; i < SEQUENCES; i++) {
    const lines = Array.from({ length: 1 + Math.floor(r() * 12) }, () => ({ line: randomCommand(r), body: r() < 0.5 ? mutateMessage(r, corpus) : undefined }));
    jobs.push(async (s) => {
      s.label = `seed ${SEED} sequence ${i}`;
      for (const { line, body } of lines) if ((await s.command(line, body)) === 0) return;
    });
  }
  return jobs;
}

F('fuzz :: every command of thousands of hostile sessions gets a proper reply, memory stays bounded, the process stays up', async ({ p, corpus }) => {
  const tally: Tally = { replies: 0, byClass: {}, problems: [], sessions: 0 };
  const jobs = plan(seeded(SEED), corpus);
  const rssBefore = await rssMb(p.child.pid!);
  const started = Date.now();
  const share = Array.from({ length: WORKERS }, (_, w) => jobs.filter((_, i) => i % WORKERS === w));
  await Promise.all(share.map((j, w) => worker(p.port, j, tally, w)));
  const rssAfter = await rssMb(p.child.pid!);
  console.log(`  fuzz seed ${SEED}: ${jobs.length} jobs, ${tally.sessions} connections, ${tally.replies} replies ${JSON.stringify(tally.byClass)} in ${Date.now() - started} ms; RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`);
  assert.equal(tally.problems.slice(0, 10), [], `seed ${SEED}`);
  assert.is(p.child.exitCode, null, 'the bridge is still running');
  assert.ok(rssAfter < 400, `RSS ${rssAfter} MB`);
  const check = new Session(p.port, tally, '127.0.0.1');
  await check.ensure();
  for (const c of ['EHLO ok.test', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345600@sms.localhost>']) assert.is(await check.command(c), 250);
  assert.is(check.check('DATA', await check.raw!.send('DATA')), 354);
  const done = await check.raw!.data(Buffer.from('From: clerk@acme.test\r\nSubject: ok\r\n\r\nNach dem Sturm.\r\n'));
  assert.match((done as string[])[0], /^250 2\.0\.0 queued as/);
  check.raw!.close();
});

F('50 MB attachment :: against the 10 MB limit, 552 5.3.4 once it is all in; the process keeps within its capped heap', async ({ p }) => {
  const { raw } = await Raw.open(p.port, '127.0.0.1');
  for (const c of ['EHLO big.test', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345609@sms.localhost>', 'DATA']) assert.ok(Array.isArray(await raw.send(c)));
  const chunk = Buffer.from(('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=' + '\r\n').repeat(800));
  const head = Buffer.from('From: clerk@acme.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAnbei.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n');
  const reply = await raw.stream(head, chunk, Math.ceil((50 * 1024 * 1024) / chunk.length));
  assert.match(String(reply), /^552 5\.3\.4 /);
  assert.is(p.child.exitCode, null);
  assert.ok((await rssMb(p.child.pid!)) < 400);
  raw.close();
});

F.run();
