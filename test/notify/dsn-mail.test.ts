import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { testRelay } from '../helpers/relay.js';
import { mailer, queuedAs, sendSms } from '../helpers/smtp.js';
import { dsnFields, partOfType } from './mime.js';

/**
 * Delivery status notifications as a client gets them: mail sent over real
 * SMTP with nodemailer's dsn option, the SMSC simulator, the reports read
 * back from the bridge's outbox. The bridge runs on a clock the test moves.
 */
const D = suite('notify :: delivery status notifications end to end');

const MINUTE = 60_000;

interface Run { b: TestBridge; sim: ScriptedSimulator; clock: { skew: number } }

async function withRun(fn: (run: Run) => Promise<void>, config: Parameters<typeof startTestBridge>[0] = {}): Promise<void> {
  const clock = { skew: 0 };
  const sim = new ScriptedSimulator('simulator');
  const b = await startTestBridge(config, undefined, { connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew) });
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

D('delay report owed, the relay refusing it, and the SMS delivered just after :: only the delivery report goes, the delay report is recorded as not sent', async () => {
  const mx = await testRelay();
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
    // Its report refused too, its retry due a minute on: the relay comes back before either is tried again.
    await waitFor('the delivery report refused', () => confirmation('delivered')?.lastError);
    mx.refusing = false;
    clock.skew = 33 * MINUTE;
    await waitFor('both settled', () => confirmation('delayed')?.sentAt && confirmation('delivered')?.sentAt);
    assert.is(confirmation('delayed')!.where, 'not sent: delivered before it went');
    assert.equal(mx.received.map((m) => /^Message-ID: <([^>]+)>/m.exec(m.data.toString('latin1'))?.[1]), [`${id}.1.delivered@mail2sms.localhost`], 'only the delivery report');
    assert.ok(b.events.some((e) => e.evt === 'delay-report-dropped' && e.msgId === `${id}.1` && e.status === 'delivered'), 'logged');
  } finally {
    await b.stop();
    await mx.close();
    await rm(b.dir, { recursive: true, force: true });
  }
});

/** A mail built here, so that the test knows its bytes; sent as they are, RET=FULL and NOTIFY=SUCCESS. */
async function sendRaw(b: TestBridge, to: string, text: string): Promise<{ id: string; raw: string }> {
  const raw = (await new MailComposer({
    from: 'erp@acme.test', to: `${to}@sms.localhost`, subject: 'Mahnung INV-4711', text, messageId: '<inv-4711@acme.test>', date: new Date('2026-11-23T14:00:00Z'),
    headers: { 'X-ERP-Batch': 'B-0815' },
  }).compile().build()).toString('utf8');
  const info = await mailer(b.port).sendMail({
    envelope: { from: 'erp@acme.test', to: [`${to}@sms.localhost`] }, raw, dsn: { id: 'ENV-10', notify: ['success'], ret: 'full', recipient: 'erp@acme.test' },
  });
  return { id: queuedAs(info.response), raw };
}

const originals = (b: TestBridge) => readdir(join(b.dir, 'originals')).catch(() => [] as string[]);

D('RET=FULL :: the delivery report returns the message as received (message/rfc822, byte for byte), not rebuilt headers, and says so', () => withRun(async ({ b }) => {
  const { id, raw } = await sendRaw(b, '+4915112345692', 'Bitte zahlen Sie bis Freitag.');
  const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
  const part = partOfType(Buffer.from(report, 'utf8'), 'message/rfc822');
  assert.is(part.body.replace(/\r\n$/, ''), raw.replace(/\r\n$/, ''), 'the mail as sent');
  assert.match(part.body, /^X-ERP-Batch: B-0815\r$/im, 'with headers no rebuild keeps');
  assert.not.match(report, 'text/rfc822-headers');
  const text = (await simpleParser(report)).text!;
  assert.match(text, 'Your message is attached in full, as you asked (RET=FULL).');
}));

D('RET=FULL, the mail written 8-bit (UTF-8, as Thunderbird sends with 8BITMIME) :: returned byte for byte as 8bit', () => withRun(async ({ b }) => {
  const raw = 'From: erp@acme.test\r\nTo: +4915112345693@sms.localhost\r\nSubject: Mahnung\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBitte überweisen Sie 12,50 € bis Freitag.\r\n';
  const info = await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: ['+4915112345693@sms.localhost'] }, raw, dsn: { notify: ['success'], ret: 'full' } });
  const id = queuedAs(info.response);
  const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
  const part = partOfType(Buffer.from(report, 'utf8'), 'message/rfc822');
  assert.match(part.headers, /content-transfer-encoding: 8bit/i);
  assert.match(report.slice(0, report.indexOf('\r\n\r\n')), /^Content-Transfer-Encoding: 8bit$/m, 'the report as a whole 8bit');
  assert.is(Buffer.from(part.body, 'latin1').toString('utf8'), raw);
}));

D('RET=FULL, the kept mail gone (notify.returnFullDays 1, removed at a restart 26 hours on) :: the headers are returned, and the report says why', async () => {
  const clock = { skew: 0 };
  const sim = new ScriptedSimulator('simulator', { deliveryDelayMs: 3_600_000 });
  const config = { notify: { returnFullDays: 1 } };
  let b = await startTestBridge(config, undefined, { connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew) });
  const dir = b.dir;
  try {
    const { id } = await sendRaw(b, '+4915112345694', 'Bitte zahlen Sie bis Freitag.');
    assert.equal(await originals(b), [`${id}.eml`], 'kept');
    await waitFor('the SMS with the carrier', () => b.store.get(`${id}.1`)?.status === 'submitted');
    await b.stop();
    // Before the receipt timeout (48 h) expires the SMS.
    clock.skew = 26 * 60 * MINUTE;
    const again = new ScriptedSimulator('simulator', { deliveryDelayMs: 3_600_000 });
    b = await startTestBridge(config, dir, { connectors: { simulator: again }, now: () => new Date(Date.now() + clock.skew) });
    await waitFor('the kept mail removed', async () => (await originals(b)).length === 0);
    assert.ok(b.events.some((e) => e.evt === 'originals-removed' && e.removed === 1));
    again.report(b.store.get(`${id}.1`)!.history.find((e) => e.connectorMessageId)!.connectorMessageId!, 'delivered');
    const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
    assert.match(partOfType(Buffer.from(report, 'utf8'), 'text/rfc822-headers').body, 'Message-ID: <inv-4711@acme.test>');
    assert.not.match(report, 'message/rfc822');
    assert.match((await simpleParser(report)).text!, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): it is no longer kept.');
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

D('RET=FULL with notify.returnFullDays 0 (review 8, B-L5) :: nothing kept, and the report says the service keeps none, not that it is "no longer kept"', () => withRun(async ({ b }) => {
  const { id } = await sendRaw(b, '+4915112345695', 'Bitte zahlen Sie bis Freitag.');
  assert.equal(await originals(b), [], 'none kept');
  const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
  const text = (await simpleParser(report)).text!;
  assert.match(text, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): this service does not keep messages to return them in full.');
  assert.not.match(text, 'no longer kept');
}, { notify: { returnFullDays: 0 } }));

/** A mail of exactly `bytes` bytes, made up to that size with header lines (which never go into the SMS); sent as it is, RET=FULL and NOTIFY=SUCCESS. */
async function sendSized(b: TestBridge, to: string, bytes: number): Promise<{ id: string; raw: string }> {
  const head = `From: erp@acme.test\r\nTo: ${to}@sms.localhost\r\nSubject: Mahnung\r\nMessage-ID: <size-${bytes}@acme.test>\r\n`;
  const body = '\r\nBitte zahlen Sie bis Freitag.\r\n';
  const pad: string[] = [];
  for (let left = bytes - head.length - body.length; left > 0;) {
    // A line of k bytes: "X-Pad: ", k - 9 x's, CR LF; none shorter than 10, so a rest of 1-9 bytes goes with the line before.
    const k = left > 88 ? Math.min(78, left - 10) : left;
    pad.push(`X-Pad: ${'x'.repeat(k - 9)}\r\n`);
    left -= k;
  }
  const raw = head + pad.join('') + body;
  assert.is(Buffer.byteLength(raw), bytes, 'the mail as big as meant');
  const info = await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: [`${to}@sms.localhost`] }, raw, dsn: { notify: ['success'], ret: 'full' } });
  return { id: queuedAs(info.response), raw };
}

const CAPPED = { notify: { returnFullMaxBytes: 2000 } };

D('RET=FULL, a mail over notify.returnFullMaxBytes (2,001 bytes, the limit 2,000) :: nothing kept on disk, the report returns the headers and says why, with both sizes', () => withRun(async ({ b }) => {
  const { id } = await sendSized(b, '+4915112345697', 2001);
  assert.equal(await originals(b), [], 'not kept');
  const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
  assert.match(partOfType(Buffer.from(report, 'utf8'), 'text/rfc822-headers').body, 'Message-ID: <size-2001@acme.test>');
  assert.not.match(report, 'message/rfc822');
  assert.not.match(report, 'X-Pad:');
  assert.match((await simpleParser(report)).text!, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): at 2,001 bytes it is larger than the 2,000 bytes up to which messages are returned in full.');
}, CAPPED));

D('RET=FULL, a mail of exactly notify.returnFullMaxBytes (2,000 bytes), and one below it :: both kept, and returned whole', () => withRun(async ({ b }) => {
  const sent = [await sendSized(b, '+4915112345698', 2000), await sendSized(b, '+4915112345699', 1500)];
  assert.equal((await originals(b)).sort(), sent.map((m) => `${m.id}.eml`).sort(), 'both kept');
  for (const { id, raw } of sent) {
    const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${id}.1.delivered@mail2sms.localhost.eml`));
    assert.is(partOfType(Buffer.from(report, 'utf8'), 'message/rfc822').body.replace(/\r\n$/, ''), raw.replace(/\r\n$/, ''), 'the mail as sent');
    assert.match((await simpleParser(report)).text!, 'Your message is attached in full, as you asked (RET=FULL).');
  }
}, CAPPED));

/**
 * What a program that hands the outbox's files to an MTA relies on (README, RET=FULL): the file of a report returning
 * a mail with 8-bit bytes is written as it is, 8-bit (not the 7-bit form a relay without 8BITMIME gets), and says so in
 * its top-level header; every other confirmation file is 7-bit ASCII, whatever the SMS text, so it alone needs 8BITMIME.
 */
D('file outbox :: a report returning an 8-bit mail (windows-1252) is written as it is, with Content-Transfer-Encoding: 8bit at the top; other confirmations, UTF-8 text and all, are 7-bit ASCII', () => withRun(async ({ b }) => {
  const raw = Buffer.from('From: erp@acme.test\r\nTo: +4915112345681@sms.localhost\r\nSubject: Mahnung\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBitte \xfcberweisen Sie 12,50 \x80 bis Freitag.\r\n', 'latin1');
  const info = await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: ['+4915112345681@sms.localhost'] }, raw, dsn: { notify: ['success'], ret: 'full' } });
  const eightBit = queuedAs(info.response);
  const unicode = { subject: 'Mahnung für Müller', text: 'Bitte überweisen Sie 12,50 € bis Freitag. 🙂' };
  const plain = (await sendSms(b.port, '+4915112345683', { from: 'erp@acme.test', ...unicode })).replace(/\.1$/, '');
  const others = [await send(b, '+4915112345682', { notify: ['success'], ret: 'headers' }, unicode), plain];
  const file = async (id: string) => {
    const name = await waitFor(`the confirmation of ${id}`, async () => [...(await outboxFiles(b)).keys()].find((n) => n.startsWith(`${id}.1.delivered@`)));
    const bytes = await readFile(join(b.outbox, name));
    return { bytes, head: bytes.subarray(0, bytes.indexOf('\r\n\r\n')).toString('latin1') };
  };
  const report = await file(eightBit);
  assert.ok(report.bytes.includes(raw), 'the mail as sent, its 0xfc and 0x80 bytes as they are');
  assert.match(report.head, /^Content-Transfer-Encoding: 8bit$/m);
  assert.match((await simpleParser(report.bytes)).text!, 'Your message is attached in full, as you asked (RET=FULL).');
  for (const id of others) {
    const { bytes, head } = await file(id);
    assert.not.ok(bytes.some((byte) => byte > 0x7f), `${id}: 7-bit`);
    assert.not.match(head, /^Content-Transfer-Encoding: 8bit$/m);
  }
}));

D('RET=HDRS, and no RET :: nothing kept, the headers returned without a word about it', () => withRun(async ({ b }) => {
  const id = await send(b, '+4915112345695', { notify: ['success'], ret: 'headers' });
  const plain = await send(b, '+4915112345696', { notify: ['success'] });
  for (const m of [id, plain]) {
    const report = await waitFor('the report', async () => (await outboxFiles(b)).get(`${m}.1.delivered@mail2sms.localhost.eml`));
    assert.ok(partOfType(Buffer.from(report, 'utf8'), 'text/rfc822-headers').body);
    assert.not.match((await simpleParser(report)).text!, 'RET=');
  }
  assert.equal(await originals(b), []);
}));

D.run();
