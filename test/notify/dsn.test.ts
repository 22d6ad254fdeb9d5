import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { DsnRequest, SmsStatus } from '../../src/store/types.js';
import { compose, dsnFields, partOfType, topLevelParts } from './mime.js';
import { historyTo, sampleSms } from './sample.js';

const Dsn = suite('notify/compose (RFC 3464 delivery status notification)');

const ASKED: DsnRequest = {
  notify: ['SUCCESS', 'FAILURE'],
  envid: 'QQ314159',
  orcpt: 'rfc822;+4915112345678@sms.localhost',
};

function dsnSms(status: SmsStatus, reason?: string, dsn: DsnRequest = ASKED) {
  return sampleSms({ status, history: historyTo(status, reason ? { reason } : {}), dsn });
}

async function statusFields(status: SmsStatus, reason?: string, dsn?: DsnRequest) {
  const { out } = await compose(dsnSms(status, reason, dsn));
  const fields = dsnFields(partOfType(out.raw, 'message/delivery-status').body);
  const get = (name: string) => fields.find((f) => f.name === name);
  return { fields, get };
}

Dsn('dsn :: top-level type is multipart/report; report-type=delivery-status', async () => {
  const { mail } = await compose(dsnSms('delivered'));
  const ct = mail.headers.get('content-type') as { value: string; params: Record<string, string> };
  assert.is(ct.value, 'multipart/report');
  assert.is(ct.params['report-type'], 'delivery-status');
});

Dsn('dsn :: parts in RFC 3464 order: human-readable, delivery-status, rfc822-headers', async () => {
  const { out } = await compose(dsnSms('delivered'));
  const types = topLevelParts(out.raw).map((p) => /^content-type:\s*([^;\r\n]+)/im.exec(p.headers)?.[1]);
  assert.equal(types, ['multipart/alternative', 'message/delivery-status', 'text/rfc822-headers']);
});

Dsn('dsn :: human-readable part is the same text as the plain confirmation', async () => {
  const { mail } = await compose(dsnSms('failed', 'Absent subscriber'));
  assert.match(mail.text!, 'Your SMS to +4915112345678 could not be delivered: Absent subscriber.');
  assert.match(mail.text!, '2026-11-23 14:05:09 UTC  Accepted');
  assert.ok(mail.html);
});

Dsn('dsn :: language de :: the human-readable part is German, the machine-readable part the same as in English (RFC 3464 fields are not translated)', async () => {
  const sms = dsnSms('failed', 'Absent subscriber');
  const de = await compose(sms, 'failed', { language: 'de' });
  const en = await compose(sms, 'failed');
  assert.match(de.mail.text!, 'Ihre SMS an +4915112345678 konnte nicht zugestellt werden: Absent subscriber.');
  assert.is(de.mail.subject, 'SMS an +4915112345678 fehlgeschlagen: „Meeting“');
  for (const type of ['message/delivery-status', 'text/rfc822-headers']) {
    assert.is(partOfType(de.out.raw, type).body, partOfType(en.out.raw, type).body, type);
  }
});

Dsn('dsn :: RET=FULL of a mail too large to be kept (review L3) :: its headers, and a sentence with its size and the limit, in English and in German with German digits', async () => {
  const sms = dsnSms('delivered', undefined, { ...ASKED, ret: 'FULL', fullTooLarge: { bytes: 10_485_760, limit: 100_000 } });
  const en = await compose(sms, 'delivered', { originalsDir: '/nonexistent/originals' });
  const de = await compose(sms, 'delivered', { originalsDir: '/nonexistent/originals', language: 'de' });
  assert.match(partOfType(en.out.raw, 'text/rfc822-headers').body, 'Message-ID: <orig-1@client.example>');
  assert.match(en.mail.text!, 'Only the headers of your message are attached, not the full message you asked for (RET=FULL): at 10,485,760 bytes it is larger than the 100,000 bytes up to which messages are returned in full.');
  assert.match(de.mail.text!, 'Angehängt sind nur die Kopfzeilen Ihrer Nachricht, nicht die vollständige Nachricht, die Sie angefordert haben (RET=FULL): Diese ist mit 10.485.760 Bytes größer als die 100.000 Bytes, bis zu denen Nachrichten vollständig zurückgesandt werden.');
  assert.match(de.mail.html as string, 'Diese ist mit 10.485.760 Bytes größer');
});

Dsn('dsn :: keeps threading, Message-ID and Auto-Submitted of the plain form', async () => {
  const { mail } = await compose(dsnSms('delivered'));
  assert.is(mail.messageId, '<M1a2b3c.1.delivered@sms.localhost>');
  assert.is(mail.inReplyTo, '<orig-1@client.example>');
  assert.is(mail.headers.get('auto-submitted'), 'auto-replied');
});

const OUTCOMES: Array<[SmsStatus, string, string]> = [
  ['delivered', 'delivered', '2.0.0'],
  ['failed', 'failed', '5.0.0'],
  ['expired', 'failed', '5.4.7'],
  ['cancelled', 'failed', '5.0.0'],
  ['rejected', 'failed', '5.7.1'],
  ['submitted', 'delayed', '4.0.0'],
];
for (const [status, action, code] of OUTCOMES) {
  Dsn(`dsn :: ${status} :: Action: ${action}, Status: ${code}`, async () => {
    const { get } = await statusFields(status);
    assert.is(get('Action')?.value, action);
    assert.is(get('Status')?.value, code);
    assert.is(get('Status')?.value[0], action === 'delivered' ? '2' : action === 'failed' ? '5' : '4');
  });
}

Dsn('dsn :: held back as a duplicate of an earlier SMS :: Action: relayed, Status: 2.0.0, the Diagnostic-Code names that SMS (not "failed": a resend would send the text twice)', async () => {
  const duplicate = { duplicateOf: 'M0aaaaa.1', reason: 'not sent: the same text went to +4915112345678 at 14:02:00 UTC (M0aaaaa.1); duplicate detection is on' };
  const sms = sampleSms({ status: 'cancelled', history: [...historyTo('accepted'), { status: 'cancelled', at: '2026-11-23T14:02:01.000Z', ...duplicate }], dsn: ASKED });
  const { out } = await compose(sms, 'cancelled');
  const fields = dsnFields(partOfType(out.raw, 'message/delivery-status').body);
  const get = (name: string) => fields.find((f) => f.name === name)?.value;
  assert.equal([get('Action'), get('Status')], ['relayed', '2.0.0']);
  assert.match(get('Diagnostic-Code') ?? '', /^X-SMS; not sent: the same text went to \+4915112345678 .*M0aaaaa\.1/);
});

Dsn('dsn :: cancelled by the sender (no duplicate) :: still Action: failed, Status: 5.0.0', async () => {
  const sms = sampleSms({ status: 'cancelled', history: [...historyTo('accepted'), { status: 'cancelled', at: '2026-11-23T14:02:01.000Z', reason: 'cancelled by reply from clerk@client.example' }], dsn: ASKED });
  const { out } = await compose(sms, 'cancelled');
  const fields = dsnFields(partOfType(out.raw, 'message/delivery-status').body);
  assert.equal(['Action', 'Status'].map((n) => fields.find((f) => f.name === n)?.value), ['failed', '5.0.0']);
});

const NOT_CONFIRMED = { uncertain: true, reason: 'the carrier did not confirm in time whether it took the SMS', detail: 'sim: no submit_sm_resp within 10000 ms' } as const;

Dsn('dsn :: failed as not confirmed (uncertain) :: Action: delayed, Status: 4.4.2 (the outcome is not known: not "failed"), and the human part says a later answer is reported too', async () => {
  const sms = sampleSms({ status: 'failed', history: historyTo('failed', NOT_CONFIRMED), dsn: ASKED });
  const { mail, out } = await compose(sms, 'failed');
  const fields = dsnFields(partOfType(out.raw, 'message/delivery-status').body);
  const get = (name: string) => fields.find((f) => f.name === name)?.value;
  assert.equal([get('Action'), get('Status')], ['delayed', '4.4.2']);
  assert.is(get('Diagnostic-Code'), 'X-SMS; the carrier did not confirm in time whether it took the SMS');
  assert.is(mail.subject, 'SMS to +4915112345678 not confirmed: "Meeting"');
  assert.match(mail.text!, 'We cannot tell whether your SMS to +4915112345678 reached the carrier');
  assert.match(mail.text!, 'Should the carrier still answer, we will write to you again.');
  assert.not.match(mail.text!, /could not be delivered|failed/i);
  const de = await compose(sms, 'failed', { language: 'de' });
  assert.match(de.mail.text!, 'Sollte der Netzbetreiber noch antworten, schreiben wir Ihnen erneut.');
});

Dsn('dsn :: not confirmed, then the carrier answered late that it did not take it :: the correction is a plain failure, Action: failed, Status: 5.0.0', async () => {
  const history = [...historyTo('failed', NOT_CONFIRMED), { status: 'failed' as const, at: '2026-11-23T14:07:00.000Z', connector: 'sim', late: 'correction' as const, reason: 'the carrier answered late that it did not take the SMS' }];
  const { out } = await compose(sampleSms({ status: 'failed', history, dsn: ASKED }), 'failed');
  const fields = dsnFields(partOfType(out.raw, 'message/delivery-status').body);
  assert.equal(['Action', 'Status'].map((n) => fields.find((f) => f.name === n)?.value), ['failed', '5.0.0']);
});

Dsn('dsn :: per-message fields first, then per-recipient fields after a blank line', async () => {
  const { fields } = await statusFields('delivered');
  const perMessage = fields.filter((f) => f.group === 0).map((f) => f.name);
  const perRecipient = fields.filter((f) => f.group === 1).map((f) => f.name);
  assert.equal(perMessage, ['Reporting-MTA', 'Original-Envelope-Id', 'Arrival-Date']);
  assert.equal(perRecipient, ['Original-Recipient', 'Final-Recipient', 'Action', 'Status', 'Last-Attempt-Date']);
});

Dsn('dsn :: Reporting-MTA, Original-Envelope-Id, Arrival-Date of acceptance', async () => {
  const { get } = await statusFields('delivered');
  assert.is(get('Reporting-MTA')?.value, 'dns; sms.localhost');
  assert.is(get('Original-Envelope-Id')?.value, 'QQ314159');
  assert.is(get('Arrival-Date')?.value, 'Mon, 23 Nov 2026 14:05:09 +0000');
});

Dsn('dsn :: Final-Recipient is the RCPT TO address, Original-Recipient the ORCPT', async () => {
  const { get } = await statusFields('delivered');
  assert.is(get('Final-Recipient')?.value, 'rfc822; +4915112345678@sms.localhost');
  assert.is(get('Original-Recipient')?.value, 'rfc822;+4915112345678@sms.localhost');
});

Dsn('dsn :: no ENVID and no ORCPT given :: those fields are left out', async () => {
  const { get } = await statusFields('delivered', undefined, { notify: ['SUCCESS'] });
  assert.is(get('Original-Envelope-Id'), undefined);
  assert.is(get('Original-Recipient'), undefined);
  assert.ok(get('Final-Recipient'));
});

Dsn('dsn :: a quiet-hours hold kept as data :: Diagnostic-Code in English words with the time in UTC, its dash a dash, no zone name', async () => {
  const at = '2026-11-23T21:00:00.000Z';
  const quiet = { source: 'country FR', from: '20:00', to: '08:00', zone: 'Europe/Paris' };
  const sms = sampleSms({ status: 'accepted', notBefore: '2026-11-24T07:00:00.000Z', dsn: { notify: ['DELAY'] }, history: [{ status: 'accepted', at }, { status: 'accepted', at, until: '2026-11-24T07:00:00.000Z', quiet }] });
  const { out } = await compose(sms, 'accepted');
  const diagnostic = dsnFields(partOfType(out.raw, 'message/delivery-status').body).find((f) => f.name === 'Diagnostic-Code')?.value;
  assert.is(diagnostic, 'X-SMS; quiet hours at the recipient, set for France: 20:00-08:00 their local time; goes out at 08:00 their time = 2026-11-24 07:00:00 UTC your time');
});

Dsn('dsn :: failure reason :: Diagnostic-Code: X-SMS; <reason> and Last-Attempt-Date of the failure', async () => {
  const { get } = await statusFields('failed', 'Absent subscriber');
  assert.is(get('Diagnostic-Code')?.value, 'X-SMS; Absent subscriber');
  assert.is(get('Last-Attempt-Date')?.value, 'Mon, 23 Nov 2026 14:06:42 +0000');
});

Dsn('dsn :: non-ASCII or multi-line reason :: delivery-status part stays 7bit and one field', async () => {
  const reason = 'Empfänger unbekannt\r\nBcc: victim@example.com ' + 'lang '.repeat(30);
  const { out } = await compose(dsnSms('failed', reason));
  const part = partOfType(out.raw, 'message/delivery-status');
  assert.ok(/^[\x00-\x7f]*$/.test(part.body), 'only ASCII');
  assert.ok(part.body.split('\r\n').every((l) => l.length <= 78), 'folded');
  const fields = dsnFields(part.body);
  assert.is(fields.find((f) => f.name === 'Bcc'), undefined, 'no injected field');
  assert.match(fields.find((f) => f.name === 'Diagnostic-Code')!.value, 'X-SMS; Empf?nger unbekannt Bcc: victim');
});

Dsn('dsn :: text/rfc822-headers carries the reconstructed original headers, 7bit', async () => {
  const sms = dsnSms('delivered');
  sms.mail.subject = 'Встреча';
  const { out } = await compose(sms);
  const body = partOfType(out.raw, 'text/rfc822-headers').body;
  assert.match(body, 'Message-ID: <orig-1@client.example>\r\n');
  assert.match(body, 'From: Clerk <clerk@client.example>\r\n');
  assert.match(body, 'To: +4915112345678@sms.localhost\r\n');
  assert.match(body, 'Subject: =?UTF-8?');
  assert.ok(/^[\x00-\x7f]*$/.test(body));
});

Dsn('dsn :: UTF-8 SMS text survives inside the report', async () => {
  const text = 'Привет 👋 до встречи';
  const { mail } = await compose(sampleSms({ text, encoding: 'UCS2', dsn: ASKED }));
  assert.match(mail.text!, `> ${text}`);
  assert.match(mail.html as string, text);
});

Dsn('dsn :: NOTIFY=NEVER :: plain confirmation, not a report', async () => {
  const { mail } = await compose(dsnSms('delivered', undefined, { notify: ['NEVER'] }));
  assert.is((mail.headers.get('content-type') as { value: string }).value, 'multipart/alternative');
});

Dsn('dsn :: envelope sender is always null, even with a bounce address configured', async () => {
  const { out } = await compose(dsnSms('failed'), 'failed', { bounceAddress: 'bounces@sms.localhost' });
  assert.is(out.envelopeFrom, '');
});

Dsn.run();
