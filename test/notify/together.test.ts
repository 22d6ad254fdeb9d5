import { rm } from 'node:fs/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { connectorMessageIdOf } from '../../src/store/types.js';
import { metric, outboxFiles, startTestBridge, waitFor, type DeepPartial, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { chat, dataLines, mailer, queuedAs } from '../helpers/smtp.js';
import type { Config } from '../../src/config/types.js';
import { dsnFields, partOfType } from './mime.js';

/**
 * A mail to several numbers gets one confirmation per stage, listing each
 * number with its status and time (src/notify/gather.ts): over real SMTP to a
 * bridge on port 0, the confirmations read back from the outbox. The waits are
 * decided on the bridge's clock, which a test moves; gatherSeconds is long
 * where only the siblings' arrival may end a wait.
 */
const T = suite('notify: the SMS of one mail confirmed together');


/** The outbox files of one mail's confirmations, by name (Message-ID), in name order. */
async function mailsOf(b: TestBridge, mailId: string): Promise<Array<[string, string]>> {
  return [...(await outboxFiles(b)).entries()].filter(([n]) => n.startsWith(`${mailId}.`)).sort(([a], [z]) => a.localeCompare(z));
}

/** Waits until none of the mail's SMS owes a mailed confirmation any more. */
async function settled(b: TestBridge, mailId: string): Promise<void> {
  await waitFor(`the confirmations of ${mailId} sent`, () => !b.store.confirmationsDue(new Date(Date.now() + 3600_000), 1000).some(([m]) => m.mailId === mailId));
}

const sentEvents = (b: TestBridge, mailId: string) => b.events.filter((e) => e.evt === 'confirmation-sent' && String(e.msgId).startsWith(`${mailId}.`));

/** A bridge whose clock the test can move forward, and whose simulator reports only when told (none unless `autoReports`). */
async function bridge(notify: DeepPartial<Config['notify']>, o: { clock?: { skew: number }; dir?: string; autoReports?: boolean } = {}) {
  const sim = new ScriptedSimulator('simulator', { deliveryDelayMs: o.autoReports ? 20 : 3_600_000 });
  const clock = o.clock ?? { skew: 0 };
  const b = await startTestBridge({ notify }, o.dir, { connectors: { simulator: sim }, now: () => new Date(Date.now() + clock.skew) });
  return { b, sim, clock };
}

/** Runs `fn` with such a bridge, stopped and its store removed afterwards. */
async function withBridge(notify: DeepPartial<Config['notify']>, o: { autoReports?: boolean }, fn: (x: Awaited<ReturnType<typeof bridge>>) => Promise<void>): Promise<void> {
  const x = await bridge(notify, o);
  try {
    await fn(x);
  } finally {
    await x.b.stop();
    await rm(x.b.dir, { recursive: true, force: true });
  }
}

/** Waits until the SMS numbered `numbers` of the mail are final and none owes a confirmation; its confirmations then. */
async function finalMails(b: TestBridge, mailId: string, numbers: number[]): Promise<Array<[string, string]>> {
  await waitFor('the SMS final', () => numbers.every((n) => ['delivered', 'failed'].includes(b.store.get(`${mailId}.${n}`)?.status ?? '')));
  await settled(b, mailId);
  return mailsOf(b, mailId);
}

async function parse(raw: string): Promise<ParsedMail> {
  return simpleParser(raw);
}

T('3 numbers with [NOTIFY:all] :: 3 mails, one per stage (accepted, handed to the carrier, delivered), each listing all 3', async () => {
  await withBridge({ gatherSeconds: 300 }, { autoReports: true }, async ({ b }) => {
    const numbers = ['+4915112345601', '+4915112345602', '+4915112345603'];
    const info = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`), subject: '[NOTIFY:all] Zahlungserinnerung',
      text: 'Bitte begleichen Sie die Rechnung INV-4711 bis Freitag.', messageId: '<together-1@acme.test>',
    });
    const id = queuedAs(info.response);
    await waitFor('three SMS delivered', () => numbers.every((_, i) => b.store.get(`${id}.${i + 1}`)?.status === 'delivered'));
    await settled(b, id);
    const mails = await mailsOf(b, id);
    assert.equal(mails.map(([n]) => n), ['accepted', 'delivered', 'submitted'].map((s) => `${id}.1+2+3.${s}@mail2sms.localhost.eml`));
    const [accepted, delivered, submitted] = await Promise.all(mails.map(([, raw]) => parse(raw)));
    assert.is(accepted.subject, 'SMS accepted for 3 numbers: "Zahlungserinnerung"');
    assert.is(submitted.subject, 'SMS handed to carrier for 3 numbers: "Zahlungserinnerung"');
    assert.is(delivered.subject, 'SMS delivered to 3 numbers: "Zahlungserinnerung"');
    assert.match(delivered.text!, 'Your SMS to 3 numbers were delivered.');
    for (const [mail, label] of [[accepted, 'Accepted'], [submitted, 'Handed to carrier'], [delivered, 'Delivered']] as const) {
      for (const n of numbers) assert.match(mail.text!, new RegExp(`^  \\${n}  ${label}  \\d{4}-`, 'm'));
      assert.is(mail.inReplyTo, '<together-1@acme.test>', 'threaded to the clerk\'s mail');
      assert.is(mail.to && 'text' in mail.to ? mail.to.text : '', 'clerk@acme.test');
    }
    // One log line and one count per mail, naming the SMS it covered (it was one per SMS: 9 lines, a count of 3 per stage).
    const ids = numbers.map((_, i) => `${id}.${i + 1}`);
    assert.equal(sentEvents(b, id).map((e) => [e.stage, e.msgIds, e.stages, e.together]).sort(), ['accepted', 'delivered', 'submitted'].map((s) => [s, ids, [s, s, s], 3]));
    for (const stage of ['accepted', 'submitted', 'delivered']) assert.is(await metric(b, `mail2sms_confirmations_sent_total{stage="${stage}"}`), 1, stage);
  });
});

T('DSN asked, 2 delivered and 1 failed :: one report saying so, with a per-recipient block per number, each its own Action and Status', async () => {
  await withBridge({ gatherSeconds: 300 }, { autoReports: true }, async ({ b }) => {
    const numbers = ['+4915112345621', '+4915112345622', '+4915112340000'];
    const info = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`), subject: 'Rechnung', text: 'Ihre Rechnung ist da.',
      dsn: { id: 'ENV-42', return: 'headers', notify: ['success', 'failure'], recipient: 'clerk@acme.test' },
    });
    const id = queuedAs(info.response);
    const mails = await finalMails(b, id, [1, 2, 3]);
    assert.equal(mails.map(([n]) => n), [`${id}.1+2+3.final@mail2sms.localhost.eml`]);
    const raw = Buffer.from(mails[0][1]);
    const mail = await parse(mails[0][1]);
    assert.is((mail.headers.get('content-type') as { value: string }).value, 'multipart/report');
    assert.is(mail.subject, 'SMS to 3 numbers: 2 delivered, 1 failed: "Rechnung"');
    assert.match(mail.text!, 'Your SMS to 3 numbers: 2 were delivered, 1 could not be delivered.');
    assert.match(mail.text!, /^ {2}\+4915112345621 {2}Delivered {2}\d/m);
    assert.match(mail.text!, /^ {2}\+4915112340000 {2}Failed {5}\S.*\(UNDELIV: the handset was not reachable \(simulated failure\)\)$/m);
    const fields = dsnFields(partOfType(raw, 'message/delivery-status').body);
    const blocks = [1, 2, 3].map((g) => Object.fromEntries(fields.filter((f) => f.group === g).map((f) => [f.name, f.value])));
    assert.equal(blocks.map((f) => [f['Final-Recipient'], f.Action, f.Status]), [
      ['rfc822; +4915112345621@sms.localhost', 'delivered', '2.0.0'],
      ['rfc822; +4915112345622@sms.localhost', 'delivered', '2.0.0'],
      ['rfc822; +4915112340000@sms.localhost', 'failed', '5.0.0'],
    ]);
    assert.match(blocks[2]['Diagnostic-Code'], /^X-SMS; UNDELIV/);
    assert.is(fields.find((f) => f.group === 0 && f.name === 'Original-Envelope-Id')?.value, 'ENV-42');
  });
});

T('NOTIFY differs per RCPT :: the report lists only those whose NOTIFY asked for their outcome', async () => {
  await withBridge({ gatherSeconds: 300 }, { autoReports: true }, async ({ b }) => {
    const mail = 'From: clerk@acme.test\r\nTo: clerk@acme.test\r\nSubject: Mahnung\r\nMessage-ID: <per-rcpt-1@acme.test>\r\n\r\nBitte zahlen Sie.\r\n';
    const replies = await chat(b.port, [
      'EHLO client.test', 'MAIL FROM:<clerk@acme.test> ENVID=MIX-1',
      'RCPT TO:<+4915112345631@sms.localhost> NOTIFY=SUCCESS,FAILURE',
      'RCPT TO:<+4915112345632@sms.localhost> NOTIFY=FAILURE',
      'RCPT TO:<+4915112340000@sms.localhost> NOTIFY=FAILURE',
      'DATA', ...dataLines(mail), 'QUIT',
    ]);
    const id = queuedAs(replies.at(-2)!.text);
    const mails = await finalMails(b, id, [1, 2, 3]);
    assert.equal(mails.map(([n]) => n), [`${id}.1+3.final@mail2sms.localhost.eml`], 'the second was delivered and asked only for failures');
    const fields = dsnFields(partOfType(Buffer.from(mails[0][1]), 'message/delivery-status').body);
    assert.equal(fields.filter((f) => f.name === 'Final-Recipient' || f.name === 'Action').map((f) => f.value),
      ['rfc822; +4915112345631@sms.localhost', 'delivered', 'rfc822; +4915112340000@sms.localhost', 'failed']);
    assert.match(partOfType(Buffer.from(mails[0][1]), 'text/rfc822-headers').body, /^To: \+4915112345631@sms\.localhost, \+4915112340000@sms\.localhost\r$/m);
  });
});

T('a sibling whose final status comes much later :: the others go after the gathering time, it goes in a mail of its own', async () => {
  await withBridge({ gatherSeconds: 30 }, {}, async ({ b, sim, clock }) => {
    const numbers = ['+4915112345641', '+4915112345642', '+4915112345643'];
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`), subject: 'Termin', text: 'Ihr Termin ist morgen.' });
    const id = queuedAs(info.response);
    const cmid = (n: number) => connectorMessageIdOf(b.store.get(`${id}.${n}`)!)!;
    await waitFor('three with the carrier', () => [1, 2, 3].every((n) => b.store.get(`${id}.${n}`)?.status === 'submitted'));
    sim.report(cmid(1), 'delivered');
    sim.report(cmid(2), 'delivered');
    await waitFor('the first two waiting for the third', () => b.events.some((e) => e.evt === 'confirmation-gathering' && e.mailId === id));
    assert.equal(await mailsOf(b, id), [], 'nothing sent while it waits');

    clock.skew += 31_000; // past the gathering time of the first two
    await waitFor('the first two confirmed together', async () => (await mailsOf(b, id)).length === 1);
    const [first] = await mailsOf(b, id);
    assert.is(first[0], `${id}.1+2.delivered@mail2sms.localhost.eml`);
    const together = await parse(first[1]);
    assert.is(together.subject, 'SMS delivered to 2 numbers: "Termin"');
    assert.not.match(together.text!, numbers[2]);

    sim.report(cmid(3), 'delivered');
    const mails = await finalMails(b, id, [1, 2, 3]);
    assert.equal(mails.map(([n]) => n), [first[0], `${id}.3.delivered@mail2sms.localhost.eml`]);
    const alone = await parse(mails[1][1]);
    assert.is(alone.subject, `SMS delivered to ${numbers[2]}: "Termin"`, 'one SMS: the confirmation of one SMS, as ever');
    assert.is(alone.inReplyTo, together.inReplyTo);
  });
});

T('a mail to one number :: its confirmation is the one of one SMS, and it does not wait', async () => {
  // A gathering time of 5 minutes and a clock that does not reach it: a confirmation that waited would not come.
  await withBridge({ gatherSeconds: 300 }, { autoReports: true }, async ({ b }) => {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345651@sms.localhost', subject: 'Allein', text: 'Nur an eine Nummer.' });
    const id = queuedAs(info.response);
    const mails = await finalMails(b, id, [1]);
    assert.equal(mails.map(([n]) => n), [`${id}.1.delivered@mail2sms.localhost.eml`]);
    const mail = await parse(mails[0][1]);
    assert.is(mail.subject, 'SMS delivered to +4915112345651: "Allein"');
    assert.match(mail.text!, /^Your SMS to \+4915112345651 was delivered at /);
    assert.is(b.store.get(`${id}.1`)?.ofMail, undefined, 'it knows of no siblings');
    assert.not.ok(b.events.some((e) => e.evt === 'confirmation-gathering'), 'nothing gathered');
    assert.equal(sentEvents(b, id).map((e) => Object.keys(e).sort()), [['evt', 'msgId', 'stage', 'to', 'where']], 'logged as before');
  });
});

T('a restart while confirmations gather :: nothing is lost, and they go once, together', async () => {
  const first = await bridge({ gatherSeconds: 300 });
  let second: Awaited<ReturnType<typeof bridge>> | undefined;
  try {
    const info = await mailer(first.b.port).sendMail({ from: 'clerk@acme.test', to: ['+4915112345661@sms.localhost', '+4915112345662@sms.localhost'], subject: 'Neustart', text: 'Über einen Neustart hinweg.' });
    const id = queuedAs(info.response);
    await waitFor('both with the carrier', () => [1, 2].every((n) => first.b.store.get(`${id}.${n}`)?.status === 'submitted'));
    first.sim.report(connectorMessageIdOf(first.b.store.get(`${id}.1`)!)!, 'delivered');
    await waitFor('the first waiting for the second', () => first.b.events.some((e) => e.evt === 'confirmation-gathering' && e.mailId === id));
    await first.b.stop();
    assert.is(sentEvents(first.b, id).length, 0);

    second = await bridge({ gatherSeconds: 300 }, { dir: first.b.dir });
    assert.ok(second.b.store.get(`${id}.1`)!.confirmations.some((c) => c.stage === 'delivered' && !c.sentAt), 'still owed after the restart');
    second.sim.report(connectorMessageIdOf(second.b.store.get(`${id}.2`)!)!, 'delivered');
    const mails = await finalMails(second.b, id, [1, 2]);
    assert.equal(mails.map(([n]) => n), [`${id}.1+2.delivered@mail2sms.localhost.eml`]);
    assert.equal(sentEvents(second.b, id).map((e) => e.msgIds), [[`${id}.1`, `${id}.2`]], 'both once, in one mail');
  } finally {
    await second?.b.stop();
    if (!second) await first.b.stop().catch(() => undefined);
    await rm(first.b.dir, { recursive: true, force: true });
  }
});

T('scheduled SMS to 2 numbers :: one acceptance mail; a reply cancels both, each number\'s own cancel address only that one', async () => {
  await withBridge({}, {}, async ({ b }) => {
    const at = new Date(Date.now() + 3600_000).toISOString();
    const numbers = ['+4915112345671', '+4915112345672'];
    const info = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`), subject: 'Termin morgen', text: 'Ihr Termin ist morgen um 9.', headers: { 'X-SMS-Send-At': at },
    });
    const id = queuedAs(info.response);
    await waitFor('the acceptance mail', async () => (await mailsOf(b, id)).length === 1);
    const [[name, raw]] = await mailsOf(b, id);
    assert.is(name, `${id}.1+2.accepted@mail2sms.localhost.eml`);
    const mail = await parse(raw);
    const addresses = mail.replyTo!.value.map((a) => a.address!);
    assert.is(addresses.length, 2);
    addresses.forEach((a, i) => {
      assert.match(a, new RegExp(`^cancel\\+${id.toLowerCase()}\\.${i + 1}\\.[0-9a-f]{20}@sms\\.localhost$`));
      assert.match(mail.text!, `  ${numbers[i]}  ${a}`);
    });
    assert.match(mail.text!, 'reply to this mail with the word CANCEL as your text: that cancels each SMS listed below');

    const reply = await nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'clerk@acme.test', to: addresses[1], subject: `Re: ${mail.subject}`, text: 'CANCEL', inReplyTo: mail.messageId,
    });
    assert.is(reply.response, `250 2.0.0 SMS ${id}.2 to ${numbers[1]} cancelled, it will not be sent`);
    assert.is(b.store.get(`${id}.1`)!.status, 'accepted', 'the other still goes');
    await waitFor('the cancel confirmed', async () => (await mailsOf(b, id)).some(([n]) => n.startsWith(`${id}.2.cancelled@`)));
  });
});

T.run();
