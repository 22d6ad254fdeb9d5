import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/types.js';
import { outboxFiles, startTestBridge, waitFor, type DeepPartial, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { dsnFields, partOfType } from './mime.js';

/**
 * RFC 3461 NOTIFY=DELAY: a client that asked hears once that an SMS is still
 * not delivered notify.delayAfterMinutes (30) after it was due. Over real
 * SMTP (nodemailer's dsn option) to a bridge whose simulator sends no
 * delivery report unless told, on a clock the test moves forward; the reports
 * read back from the outbox. An SMS that must not get one is checked when
 * another one, due at the same time or earlier, got its own.
 */
const D = suite('notify :: delay reports (NOTIFY=DELAY)');

const MINUTE = 60_000;

interface Run { b: TestBridge; sim: ScriptedSimulator; clock: { skew: number } }

async function bridge(dir?: string, clock = { skew: 0 }, config: DeepPartial<Config> = {}): Promise<Run> {
  const sim = new ScriptedSimulator('simulator', { deliveryDelayMs: 3_600_000 });
  const b = await startTestBridge(config, dir, { connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew) });
  return { b, sim, clock };
}

/** Runs `fn` with such a bridge, stopped and its store removed afterwards. */
async function withRun(fn: (run: Run) => Promise<void>, config: DeepPartial<Config> = {}): Promise<void> {
  const run = await bridge(undefined, undefined, config);
  try {
    await fn(run);
  } finally {
    await run.b.stop();
    await rm(run.b.dir, { recursive: true, force: true });
  }
}

async function send(b: TestBridge, to: string[], notify: string[], extra: Record<string, unknown> = {}, localAddress?: string): Promise<string> {
  const info = await mailer(b.port, localAddress).sendMail({
    from: 'erp@acme.test', to: to.map((n) => `${n}@sms.localhost`), subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
    dsn: { id: 'ENV-7', notify, recipient: 'erp@acme.test' }, ...extra,
  });
  return queuedAs(info.response);
}

/** The outbox's delay reports, by file name. */
async function delayReports(b: TestBridge): Promise<Map<string, string>> {
  return new Map([...(await outboxFiles(b)).entries()].filter(([n]) => n.includes('.delayed@')));
}

const perRecipient = (raw: string) => {
  const fields = dsnFields(partOfType(Buffer.from(raw), 'message/delivery-status').body);
  const groups = [...new Set(fields.map((f) => f.group))].filter((g) => g > 0);
  return groups.map((g) => Object.fromEntries(fields.filter((f) => f.group === g).map((f) => [f.name, f.value])));
};

const owesDelay = (b: TestBridge, id: string) => b.store.get(id)!.confirmations.some((c) => c.stage === 'delayed');

const sentDelayed = (b: TestBridge) => b.events.filter((e) => e.evt === 'confirmation-sent' && e.stage === 'delayed');

D('with the carrier, no report 30 minutes after it was due :: one delay report (Action delayed, 4.4.7, Will-Retry-Until), once, also across a restart; the delivery report follows', async () => {
  let run = await bridge();
  const dir = run.b.dir;
  try {
    const id = await send(run.b, ['+4915112345671'], ['delay', 'success'], { headers: { 'X-SMS-Validity': '48h' } });
    await waitFor('the SMS with the carrier', () => run.b.store.get(`${id}.1`)?.status === 'submitted');
    run.clock.skew = 31 * MINUTE;
    const reports = await waitFor('the delay report', async () => (await delayReports(run.b)).get(`${id}.1.delayed@mail2sms.localhost.eml`));
    const mail = await simpleParser(reports);
    assert.is(mail.subject, 'SMS to +4915112345671 not delivered yet: "Mahnung"');
    assert.match(mail.text!, /^Your SMS to \+4915112345671 was due to go at .+ and is not delivered yet: it is with the carrier, whose delivery report is still outstanding\. You will get another message once it is delivered or has failed\.$/m);
    assert.is((mail.headers.get('content-type') as { value: string }).value, 'multipart/report');
    const [block] = perRecipient(reports);
    assert.equal([block.Action, block.Status, block['Final-Recipient']], ['delayed', '4.4.7', 'rfc822; +4915112345671@sms.localhost']);
    assert.ok(block['Will-Retry-Until'], 'until when it is tried: its validity');
    await waitFor('recorded as sent', () => run.b.store.get(`${id}.1`)?.confirmations.find((c) => c.stage === 'delayed')?.sentAt);

    // Later, and after a restart: no second one.
    run.clock.skew = 90 * MINUTE;
    await run.b.stop();
    run = await bridge(dir, run.clock);
    const sms = run.b.store.get(`${id}.1`)!;
    run.sim.report(sms.history.find((e) => e.connectorMessageId)!.connectorMessageId!, 'delivered');
    await waitFor('the delivery report', async () => [...(await outboxFiles(run.b)).keys()].includes(`${id}.1.delivered@mail2sms.localhost.eml`));
    assert.is(sentDelayed(run.b).length, 0, 'not sent again after the restart');
    assert.is(run.b.store.get(`${id}.1`)!.confirmations.filter((c) => c.stage === 'delayed').length, 1);
  } finally {
    await run.b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

D('counted from when it was due :: a scheduled SMS and one whose client did not ask DELAY get none when one sent at once gets its report; the scheduled one gets its own 30 minutes after its send time', () => withRun(async (run) => {
  const sendAt = new Date(Date.now() + 120 * MINUTE).toISOString();
  const scheduled = await send(run.b, ['+4915112345672'], ['delay'], { headers: { 'X-SMS-Send-At': sendAt } });
  const notAsked = await send(run.b, ['+4915112345673'], ['success', 'failure']);
  const atOnce = await send(run.b, ['+4915112345674'], ['delay']);
  await waitFor('both with the carrier', () => [notAsked, atOnce].every((m) => run.b.store.get(`${m}.1`)?.status === 'submitted'));
  run.clock.skew = 45 * MINUTE;
  await waitFor('the report of the SMS sent at once', async () => (await delayReports(run.b)).has(`${atOnce}.1.delayed@mail2sms.localhost.eml`));
  assert.equal([...(await delayReports(run.b)).keys()], [`${atOnce}.1.delayed@mail2sms.localhost.eml`], 'none for the scheduled one nor for one not asking');
  assert.equal([scheduled, notAsked].map((m) => owesDelay(run.b, `${m}.1`)), [false, false], 'nor owed');

  run.clock.skew = 125 * MINUTE;
  await waitFor('the scheduled SMS with the carrier', () => run.b.store.get(`${scheduled}.1`)?.status === 'submitted');
  run.clock.skew = 155 * MINUTE;
  const raw = await waitFor('its report, 30 minutes after its send time', async () => (await delayReports(run.b)).get(`${scheduled}.1.delayed@mail2sms.localhost.eml`));
  assert.equal(perRecipient(raw).map((f) => [f.Action, f.Status]), [['delayed', '4.4.7']]);
  assert.not.ok((await delayReports(run.b)).has(`${notAsked}.1.delayed@mail2sms.localhost.eml`));
}));

D('held for quiet hours (X-SMS-Blackout) :: counted from the end of the hold, not from acceptance', () => withRun(async (run) => {
  const blackout = `${new Date(Date.now() - MINUTE).toISOString()}/${new Date(Date.now() + 60 * MINUTE).toISOString()}`;
  const held = await send(run.b, ['+4915112345678'], ['delay'], { headers: { 'X-SMS-Blackout': blackout } });
  const atOnce = await send(run.b, ['+4915112345679'], ['delay']);
  await waitFor('the one not held with the carrier', () => run.b.store.get(`${atOnce}.1`)?.status === 'submitted');
  assert.ok(run.b.store.get(`${held}.1`)?.history.some((e) => e.until), 'held');
  run.clock.skew = 45 * MINUTE;
  await waitFor('the report of the one not held', async () => (await delayReports(run.b)).has(`${atOnce}.1.delayed@mail2sms.localhost.eml`));
  assert.not.ok((await delayReports(run.b)).has(`${held}.1.delayed@mail2sms.localhost.eml`), 'none while the hold lasts and for 30 minutes after');
  assert.not.ok(owesDelay(run.b, `${held}.1`), 'nor owed');
  run.clock.skew = 65 * MINUTE;
  await waitFor('the held SMS with the carrier', () => run.b.store.get(`${held}.1`)?.status === 'submitted');
  run.clock.skew = 95 * MINUTE;
  await waitFor('its report, 30 minutes after the hold', async () => (await delayReports(run.b)).has(`${held}.1.delayed@mail2sms.localhost.eml`));
}));

D('a restart before the report is due :: the watch is rebuilt from the store and the report comes', async () => {
  let run = await bridge();
  const dir = run.b.dir;
  try {
    const id = await send(run.b, ['+4915112345680'], ['delay']);
    await waitFor('the SMS with the carrier', () => run.b.store.get(`${id}.1`)?.status === 'submitted');
    await run.b.stop();
    run = await bridge(dir, { skew: 31 * MINUTE });
    await waitFor('the report', async () => (await delayReports(run.b)).has(`${id}.1.delayed@mail2sms.localhost.eml`));
  } finally {
    await run.b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

D('a mail to 2 numbers :: one delay report for both, a per-recipient block each', () => withRun(async (run) => {
  const id = await send(run.b, ['+4915112345675', '+4915112345676'], ['delay', 'failure']);
  await waitFor('both with the carrier', () => [1, 2].every((n) => run.b.store.get(`${id}.${n}`)?.status === 'submitted'));
  run.clock.skew = 31 * MINUTE;
  const raw = await waitFor('the report', async () => (await delayReports(run.b)).get(`${id}.1+2.delayed@mail2sms.localhost.eml`));
  const mail = await simpleParser(raw);
  assert.is(mail.subject, 'SMS to 2 numbers not delivered yet: "Mahnung"');
  assert.match(mail.text!, 'Your SMS to 2 numbers are not delivered yet, long after they were due');
  assert.equal(perRecipient(raw).map((f) => [f['Final-Recipient'], f.Action, f.Status]), [
    ['rfc822; +4915112345675@sms.localhost', 'delayed', '4.4.7'],
    ['rfc822; +4915112345676@sms.localhost', 'delayed', '4.4.7'],
  ]);
  await waitFor('logged', () => sentDelayed(run.b).length);
  assert.equal(sentDelayed(run.b).map((e) => e.msgIds), [[`${id}.1`, `${id}.2`]]);
}));

D('still with us, the connector not taking it :: the report says 4.4.1 with the last reason', () => withRun(async (run) => {
  run.sim.behaviour = 'temporary';
  const id = await send(run.b, ['+4915112345681'], ['delay']);
  await waitFor('a failed attempt', () => (run.b.store.get(`${id}.1`)?.attempts ?? 0) > 0);
  run.clock.skew = 31 * MINUTE;
  const raw = await waitFor('the report', async () => (await delayReports(run.b)).get(`${id}.1.delayed@mail2sms.localhost.eml`));
  const [block] = perRecipient(raw);
  assert.equal([block.Action, block.Status], ['delayed', '4.4.1']);
  assert.match(block['Diagnostic-Code'], /simulator is throttling/, String(block['Diagnostic-Code']));
  const text = (await simpleParser(raw)).text!;
  assert.match(text, 'it has not been handed to the carrier so far (', raw);
}));

D('a failure the carrier never confirmed, client asked NOTIFY=DELAY only :: reported as delayed (4.4.2), as it is to one asking FAILURE', () => withRun(async (run) => {
  run.sim.behaviour = 'uncertain';
  const id = await send(run.b, ['+4915112345677'], ['delay']);
  const raw = await waitFor('the report', async () => [...(await outboxFiles(run.b)).entries()].find(([n]) => n.startsWith(`${id}.1.failed@`))?.[1]);
  assert.equal(perRecipient(raw).map((f) => [f.Action, f.Status]), [['delayed', '4.4.2']]);
}));

/** An account whose clerks read German (notify language de), sending from 127.0.0.2. */
const KANZLEI = { accounts: [{ name: 'kanzlei', networks: ['127.0.0.2'], addresses: ['@acme.test'], language: 'de' }] } as DeepPartial<Config>;
const GERMAN_TIME = '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d (MEZ|MESZ)';

D('language de, with the carrier :: the delay report is German (subject, headline, labels); its delivery-status part the same fields as in English', () => withRun(async (run) => {
  const id = await send(run.b, ['+4915112345682'], ['delay'], {}, '127.0.0.2');
  await waitFor('the SMS with the carrier', () => run.b.store.get(`${id}.1`)?.status === 'submitted');
  run.clock.skew = 31 * MINUTE;
  const raw = await waitFor('the delay report', async () => (await delayReports(run.b)).get(`${id}.1.delayed@mail2sms.localhost.eml`));
  const mail = await simpleParser(raw);
  assert.is(mail.subject, 'SMS an +4915112345682 noch nicht zugestellt: „Mahnung“');
  assert.match(mail.text!, new RegExp(`^Ihre SMS an \\+4915112345682 sollte am ${GERMAN_TIME} versendet werden und ist noch nicht zugestellt: Sie liegt beim Netzbetreiber, dessen Zustellbericht noch aussteht\\. Sie erhalten eine weitere Nachricht, sobald sie zugestellt ist oder nicht zugestellt werden konnte\\.\\n`), mail.text);
  assert.match(mail.text!, '\nVerlauf:\n');
  const human = mail.text!.slice(0, mail.text!.indexOf('Reporting-MTA:'));
  assert.not.match(human, /\b(Your|History|Recipient|not delivered|due)\b/, 'no English left');
  const [block] = perRecipient(raw);
  assert.equal([block.Action, block.Status], ['delayed', '4.4.7']);
}, KANZLEI));

D('language de, still with us :: the German delay report says it could not be handed over and why', () => withRun(async (run) => {
  run.sim.behaviour = 'temporary';
  const id = await send(run.b, ['+4915112345683'], ['delay'], {}, '127.0.0.2');
  await waitFor('a failed attempt', () => (run.b.store.get(`${id}.1`)?.attempts ?? 0) > 0);
  run.clock.skew = 31 * MINUTE;
  const raw = await waitFor('the delay report', async () => (await delayReports(run.b)).get(`${id}.1.delayed@mail2sms.localhost.eml`));
  const text = (await simpleParser(raw)).text!;
  assert.match(text, /^Ihre SMS an \+4915112345683 sollte am .+ versendet werden und ist noch nicht zugestellt: Sie konnte bisher nicht an den Netzbetreiber übergeben werden \(simulator: simulator is throttling \(simulated\)\); wir versuchen es weiter\./, text);
  assert.match(text, new RegExp(`^Grund: +der Versuch ist vorerst fehlgeschlagen \\(simulator: simulator is throttling \\(simulated\\)\\); nächster Versuch am ${GERMAN_TIME}$`, 'm'), 'the wait the bridge added, in German');
  assert.equal(perRecipient(raw).map((f) => [f.Action, f.Status]), [['delayed', '4.4.1']]);
}, KANZLEI));

D.run();
