import { connect } from 'node:net';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { replyProblem } from '../helpers/reply.js';
import { chat, dataLines, ReplySplitter } from '../helpers/smtp.js';
import { TimeoutsOnCue } from '../helpers/timers.js';

/**
 * Hostile input, case by case, each asserting the answer (the fuzz test
 * covers the random rest). Limits that would refuse before the message is
 * read are raised, so each case reaches the part of the bridge it aims at.
 * The session deadline keeps its default here: a 3 s one (for the slow drip,
 * which has a bridge of its own) cut the 10,000 pipelined commands off with
 * 421 on a busy machine, and the test then waited for replies that could
 * never come.
 */
const OPEN = { limits: { messagesPerMinute: 0, perNumberPerHour: 0, brake: { newNumbersPerWindow: 0 } } };
const H = suite('smtp hostile input', {} as { b: TestBridge });
H.before(async (ctx) => {
  ctx.b = await startTestBridge(OPEN);
});
H.after(async ({ b }) => stopTestBridge(b));

/**
 * Writes everything at once (pipelining) and collects the replies, each as
 * its lines. Fails when the server closes the connection first, or answers
 * nothing for `stallMs`: a guard against a hang, not a limit on the whole
 * exchange, which takes as long as the machine needs.
 */
function pipelined(port: number, payload: Buffer, replies: number, stallMs = 30_000): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    const out: string[][] = [];
    const splitter = new ReplySplitter();
    const where = () => `${Math.max(out.length - 1, 0)} of ${replies} replies, the last ${JSON.stringify(out.at(-1))}`;
    const stalled = () => setTimeout(() => {
      s.destroy();
      reject(new Error(`no reply for ${stallMs} ms after ${where()}`));
    }, stallMs);
    let t = stalled();
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      clearTimeout(t);
      t = stalled();
      for (const reply of splitter.push(d)) {
        out.push(reply);
        if (out.length === replies + 1) {
          clearTimeout(t);
          s.destroy();
          resolve(out.slice(1)); // without the greeting
        }
      }
    });
    s.once('data', () => s.write(payload));
    s.on('close', () => {
      clearTimeout(t);
      reject(new Error(`connection closed after ${where()}`));
    });
    s.on('error', reject);
  });
}

const text = (lines: string[]) => Buffer.from(lines.map((l) => l + '\r\n').join(''));
const mailTo = (to: string, raw: string) => ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA', ...dataLines(raw)];

H('header injection :: CR LF in X-SMS-Reference, also hidden in an encoded word, is refused with the value escaped', async ({ b }) => {
  const r = await chat(b.port, mailTo('+4915112345701', 'From: erp@acme.test\r\nX-SMS-Reference: =?UTF-8?Q?INV-1=0D=0ABcc:_victim@evil.test?=\r\n\r\nText.'));
  assert.match(r.at(-1)!.text, /^550 5\.6\.0 option X-SMS-Reference has the value "INV-1\\r\\nBcc: victim@evil\.test", which is not valid/);
  assert.is(replyProblem(r.at(-1)!.text.split('\n')), undefined);
});

H('header injection :: CR LF in the sender ID is refused', async ({ b }) => {
  const r = await chat(b.port, mailTo('+4915112345702', 'From: erp@acme.test\r\nX-SMS-Sender-ID: =?UTF-8?B?QUNNRQ0KQmNjOiB4QGV2aWwudGVzdA==?=\r\n\r\nText.'));
  assert.match(r.at(-1)!.text, /^550 5\.6\.0 option X-SMS-Sender-ID has the value "ACME\\r\\nBcc: x@evil\.test", which is not valid/);
});

H('10,000 recipients pipelined :: each answered, 100 accepted, the rest 452 4.5.3; the mail goes out to the 100', async ({ b }) => {
  const rcpts = Array.from({ length: 10_000 }, (_, i) => `RCPT TO:<+49151${String(10_000_000 + i)}@sms.localhost>`);
  const lines = ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', ...rcpts, 'DATA', 'From: erp@acme.test', '', 'An viele.', '.'];
  const replies = await pipelined(b.port, text(lines), 2 + rcpts.length + 2);
  const codes = replies.map((r) => Number(r[0].slice(0, 3)));
  assert.is(codes.slice(2, 102).filter((c) => c === 250).length, 100);
  assert.ok(replies.slice(102, 10_002).every((r) => r[0].startsWith('452 4.5.3 too many recipients: at most 100')));
  assert.match(replies.at(-1)![0], /^250 2\.0\.0 queued as \S+ \(100 SMS\)/);
  assert.equal(replies.map(replyProblem).filter(Boolean), []);
});

H('huge header :: a 4 MB header (under the size limit) gets a proper answer, and the bridge goes on', async ({ b }) => {
  const huge = 'X-Huge: ' + 'a'.repeat(76) + ('\r\n ' + 'a'.repeat(76)).repeat(50_000);
  const r = await chat(b.port, mailTo('+4915112345703', `From: erp@acme.test\r\n${huge}\r\n\r\nNach dem Kopf.`), { timeoutMs: 30_000 });
  assert.is(replyProblem(r.at(-1)!.text.split('\n')), undefined);
  assert.ok([250, 550, 552].includes(r.at(-1)!.code), r.at(-1)!.text);
  assert.match((await chat(b.port, mailTo('+4915112345704', 'From: erp@acme.test\r\n\r\nDanach.'))).at(-1)!.text, /^250 /);
});

H('NUL bytes and control characters in the body :: the SMS goes out without them', async ({ b }) => {
  const r = await chat(b.port, mailTo('+4915112345705', 'From: erp@acme.test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo\u0000 Welt\u0007 \u001b[31mrot'));
  assert.match(r.at(-1)!.text, /^250 /);
  const sms = await waitFor('the SMS', () => b.sim.sent.find((s) => s.to === '+4915112345705'));
  assert.not.match(sms.text, /[\x00-\x09\x0b-\x1f\x7f]/);
});

H('invalid UTF-8 :: accepted with a proper answer, the SMS text is well-formed Unicode', async ({ b }) => {
  const head = text(['EHLO client.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345706@sms.localhost>', 'DATA', 'From: erp@acme.test', 'Content-Type: text/plain; charset=utf-8', '']);
  const body = Buffer.concat([Buffer.from('Ung'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from('ltig\r\n.\r\n')]);
  const replies = await pipelined(b.port, Buffer.concat([head, body]), 5);
  assert.match(replies[4][0], /^250 2\.0\.0 queued as/);
  const sms = await waitFor('the SMS', () => b.sim.sent.find((s) => s.to === '+4915112345706'));
  assert.not.match(sms.text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogates');
  assert.match(sms.text, /^Ung.*ltig$/);
});

H('slow drip inside DATA :: the session deadline cuts the message off with 421 4.4.2, nothing is stored', () => {
  // The deadline (its timer injected) runs out once the client is dripping inside DATA: with a real 3 s one, a loaded
  // machine could reach it before the 354, and the test would pass without a byte of DATA.
  const deadline = new TimeoutsOnCue(600_000);
  return withBridge({ ...OPEN, smtp: { sessionTimeoutSeconds: 600 } }, async (b) => {
    let out = '';
    let dripped = 0;
    let timer: NodeJS.Timeout | undefined;
    const s = connect({ port: b.port, host: '127.0.0.1' });
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('354 ') && !timer) timer = setInterval(() => (s.write('x'), dripped++), 100);
    });
    s.once('data', () => s.write('EHLO client.test\r\nMAIL FROM:<erp@acme.test>\r\nRCPT TO:<+4915112345708@sms.localhost>\r\nDATA\r\nFrom: erp@acme.test\r\n\r\n'));
    try {
      await waitFor('bytes dripped inside DATA', () => dripped >= 3);
      assert.is(deadline.expire(), 1, 'one session deadline, of smtp.sessionTimeoutSeconds');
      await closed;
    } finally {
      clearInterval(timer);
      s.destroy();
    }
    assert.match(out, /\r\n354 [^]*\r\n421 4\.4\.2 session time limit of 600 s reached, closing the connection\r\n$/);
    assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted' && e.to === '+4915112345708'));
  }, { sessionTimers: deadline });
});

H.run();
