import { connect } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { answerUnplanned } from '../../src/smtp/unplanned.js';
import { startTestBridge, stopTestBridge, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/**
 * A dependency of an SMTP handler that throws (a bug, a broken settings
 * file): the client gets the registry's temporary InternalError, our log
 * gets the error with its stack, and the bridge goes on serving. Before,
 * smtp-server answered its own "451 4.3.0 Error: internal server error" with
 * nothing logged, and a rejection in AUTH's promise ended the process.
 */
const ACME = '127.0.0.2';
const INTERNAL = '451 4.3.0 temporary internal problem, nothing was queued; please try again later';
const PLAIN = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');

const U = suite('smtp unplanned', {} as { b: TestBridge });
U.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: [ACME], addresses: ['@acme.test'] }] as never });
  await ctx.b.users.add('clerk', 'acme', 'Secret-Pass-1');
});
U.after(async ({ b }) => stopTestBridge(b));

type Broken = { what: string; command: string; lines: string[]; at: number; breakIt: (b: TestBridge) => () => void };

/** Replaces the method `key` of `obj` by one that throws; returns the undo. */
function throwing<T extends object>(obj: T, key: keyof T, message: string): () => void {
  (obj as Record<keyof T, unknown>)[key] = () => {
    throw new Error(message);
  };
  return () => delete (obj as Partial<T>)[key];
}

/**
 * The log line of a successful login throws (a sink that fails: the audit
 * log records logins); it is written inside the promise of AUTH's password
 * check, where nothing caught it. Only that line, so that nothing else of
 * the bridge trips over the break.
 */
function loginLineThrows(b: TestBridge): () => void {
  const push = b.events.push;
  b.events.push = function (this: typeof b.events, ...items) {
    if (items.some((i) => i.evt === 'auth-succeeded')) throw new Error('log sink broke');
    return push.apply(this, items);
  };
  return () => delete (b.events as { push?: unknown }).push;
}

const CASES: Broken[] = [
  { what: 'the account policy at MAIL FROM', command: 'MAIL', lines: ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>'], at: 1,
    breakIt: (b) => throwing(b.policy, 'mailFrom', 'mailFrom broke') },
  { what: 'the recipient policy at RCPT TO (as a bad time zone did)', command: 'RCPT', lines: ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345678@sms.localhost>'], at: 2,
    breakIt: (b) => throwing(b.policy, 'recipient', 'recipient broke') },
  { what: 'the password check (synchronously)', command: 'AUTH', lines: ['EHLO client.test', `AUTH PLAIN ${PLAIN('clerk', 'Secret-Pass-1')}`], at: 1,
    breakIt: (b) => throwing(b.users, 'verify', 'verify broke') },
  { what: 'a step after the right password, in the promise (it ended the process)', command: 'AUTH', lines: ['EHLO client.test', `AUTH PLAIN ${PLAIN('clerk', 'Secret-Pass-1')}`], at: 1,
    breakIt: loginLineThrows },
];

CASES.forEach((c, i) => {
  U(`${c.command.toLowerCase()} :: ${c.what} throws :: ${INTERNAL.slice(0, 9)} from the registry, logged with its stack, and the next mail goes through`, async ({ b }) => {
    const undo = c.breakIt(b);
    let replies;
    try {
      replies = await chat(b.port, c.lines, { localAddress: ACME });
    } finally {
      undo();
    }
    assert.is(replies[c.at].text, INTERNAL);
    const logged = b.events.filter((e) => e.evt === 'smtp-handler-error').at(-1);
    assert.equal([logged?.command, logged?.ip], [c.command, ACME], JSON.stringify(logged));
    assert.match(String(logged?.stack), /broke\n\s+at /);
    const ok = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345678@sms.localhost>', 'DATA',
      ...dataLines(`From: clerk@acme.test\r\nSubject: x\r\nMessage-ID: <unplanned-${i}@acme.test>\r\n\r\nNoch da.`)], { localAddress: ACME });
    assert.match(ok.at(-1)!.text, /^250 /);
  });
});

U('connect :: an onConnect that throws :: the registry\'s 451 4.3.0 and the connection closed, logged (real smtp-server)', async () => {
  const events: Array<Record<string, unknown>> = [];
  const server = new SMTPServer({
    logger: false, disableReverseLookup: true, authOptional: true,
    onConnect: answerUnplanned('CONNECT', (evt, d) => events.push({ evt, ...d }), () => {
      throw new Error('guard broke');
    }),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.server.address() as { port: number }).port;
    assert.is(await firstLine(port), INTERNAL, 'instead of the 220 greeting');
    assert.equal(events.map((e) => [e.evt, e.command, e.error]), [['smtp-handler-error', 'CONNECT', 'guard broke']]);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

U('answer once :: an exception after the handler answered is logged, and the client keeps its one reply', async () => {
  const events: string[] = [];
  const replies: unknown[] = [];
  const handler = answerUnplanned('RCPT', (evt) => events.push(evt), (_a: unknown, _s: unknown, cb: (e?: Error | null) => void) => {
    cb();
    throw new Error('after the answer');
  });
  handler({}, { id: 'x', remoteAddress: '127.0.0.1' }, (e?: Error | null) => replies.push(e ?? 'ok'));
  assert.equal(replies, ['ok']);
  assert.equal(events, ['smtp-handler-error']);
});

/** The first line the server writes. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\r\n')) {
        s.destroy();
        resolve(buf.slice(0, buf.indexOf('\r\n')));
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(buf));
  });
}

U.run();
