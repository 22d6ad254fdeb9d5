import { rm } from 'node:fs/promises';
import { SMTPServer } from 'smtp-server';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { freePort } from '../helpers/process.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { dsnFields, partOfType } from './mime.js';

/**
 * Delivery status notifications as a client gets them: mail sent over real
 * SMTP with nodemailer's dsn option, the SMSC simulator, the reports read
 * back from the bridge's outbox. The bridge runs on a clock the test moves.
 */
const D = suite('notify :: delivery status notifications end to end');

const MINUTE = 60_000;

interface Run { b: TestBridge; sim: ScriptedSimulator; clock: { skew: number } }

async function withRun(fn: (run: Run) => Promise<void>): Promise<void> {
  const clock = { skew: 0 };
  const sim = new ScriptedSimulator('simulator');
  const b = await startTestBridge({}, undefined, { connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew) });
  try {
    await fn({ b, sim, clock });
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

async function send(b: TestBridge, to: string, dsn: { notify: string[]; ret?: 'full' | 'headers' }, extra: Record<string, unknown> = {}): Promise<string> {
  const info = await mailer(b.port).sendMail({
    from: 'erp@acme.test', to: `${to}@sms.localhost`, subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
    dsn: { id: 'ENV-9', recipient: 'erp@acme.test', ...dsn }, ...extra,
  });
  return queuedAs(info.response);
}

async function report(b: TestBridge, file: string): Promise<Buffer> {
  return Buffer.from(await waitFor(file, async () => (await outboxFiles(b)).get(file)), 'utf8');
}

const field = (raw: Buffer, name: string) => dsnFields(partOfType(raw, 'message/delivery-status').body).find((f) => f.name === name)?.value;

D('Arrival-Date after retries :: when the mail was received, not when the last failed attempt put the SMS back in the queue', () => withRun(async ({ b, sim, clock }) => {
  sim.behaviour = 'temporary';
  const id = await send(b, '+4915112345690', { notify: ['success'] });
  const sms = () => b.store.get(`${id}.1`)!;
  await waitFor('a failed attempt', () => sms().attempts === 1);
  clock.skew = 10 * MINUTE;
  await waitFor('a second failed attempt, 10 minutes later', () => sms().attempts === 2);
  sim.behaviour = 'ok';
  clock.skew = 20 * MINUTE;
  const raw = await report(b, `${id}.1.delivered@mail2sms.localhost.eml`);
  const receivedAt = new Date(sms().mail.receivedAt);
  const lastAccepted = sms().history.filter((e) => e.status === 'accepted').at(-1)!.at;
  assert.ok(Date.parse(lastAccepted) - receivedAt.getTime() >= 10 * MINUTE, 'the SMS was put back in the queue 10 minutes after it came');
  assert.is(field(raw, 'Arrival-Date'), receivedAt.toUTCString().replace(/GMT$/, '+0000'));
  assert.is(field(raw, 'Action'), 'delivered');
}));

/** A relay for the bridge's confirmations that answers 451 to MAIL FROM while `refusing`, and keeps what it took. */
async function relay(): Promise<{ port: number; refusing: boolean; received: string[]; close(): Promise<void> }> {
  const port = await freePort();
  const r = { port, refusing: false, received: [] as string[], close: () => new Promise<void>((done) => server.close(() => done())) };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onMailFrom(_a, _s, cb) {
      cb(r.refusing ? Object.assign(new Error('relay busy, try again later'), { responseCode: 451 }) : undefined);
    },
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { r.received.push(Buffer.concat(chunks).toString('latin1')); cb(); });
    },
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return r;
}

D('delay report owed, the relay refusing it, and the SMS delivered just after :: only the delivery report goes, the delay report is recorded as not sent', async () => {
  const mx = await relay();
  const clock = { skew: 0 };
  const sim = new ScriptedSimulator('simulator', { deliveryDelayMs: 3_600_000 });
  const b = await startTestBridge({ notify: { transport: 'smtp', relay: { host: '127.0.0.1', port: mx.port }, retrySeconds: [60] } }, undefined, {
    connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew),
  });
  try {
    const id = await send(b, '+4915112345691', { notify: ['delay', 'success'] });
    const sms = () => b.store.get(`${id}.1`)!;
    const confirmation = (stage: string) => sms().confirmations.find((c) => c.stage === stage);
    await waitFor('the SMS with the carrier', () => sms().status === 'submitted');
    mx.refusing = true;
    clock.skew = 31 * MINUTE;
    await waitFor('the delay report refused by the relay', () => confirmation('delayed')?.lastError);
    sim.report(sms().history.find((e) => e.connectorMessageId)!.connectorMessageId!, 'delivered');
    await waitFor('the SMS delivered', () => sms().status === 'delivered');
    mx.refusing = false;
    clock.skew = 33 * MINUTE;
    await waitFor('both settled', () => confirmation('delayed')?.sentAt && confirmation('delivered')?.sentAt);
    assert.is(confirmation('delayed')!.where, 'not sent: delivered before it went');
    assert.equal(mx.received.map((m) => /^Message-ID: <([^>]+)>/m.exec(m)?.[1]), [`${id}.1.delivered@mail2sms.localhost`], 'only the delivery report');
    assert.ok(b.events.some((e) => e.evt === 'delay-report-dropped' && e.msgId === `${id}.1` && e.status === 'delivered'), 'logged');
  } finally {
    await b.stop();
    await mx.close();
    await rm(b.dir, { recursive: true, force: true });
  }
});

D.run();
