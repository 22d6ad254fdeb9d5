import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SmsStatus } from '../../src/store/types.js';
import { compose } from './mime.js';
import { historyTo, sampleSms } from './sample.js';

const Compose = suite('notify/compose (plain confirmation)');

const failedSms = () =>
  sampleSms({ status: 'failed', history: historyTo('failed', { reason: 'Absent subscriber' }) });

Compose('compose :: goes to the envelope sender, not the From header', async () => {
  const sms = sampleSms({}, { from: 'Boss <boss@client.example>', envelopeFrom: 'bounces@client.example' });
  const { out, mail } = await compose(sms);
  assert.is(out.to, 'bounces@client.example');
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['bounces@client.example']);
  assert.is(mail.from?.value[0]?.address, 'noreply@sms.localhost');
});

Compose('compose :: Message-ID is <id.status@reportingMta>, the same on every retry', async () => {
  const sms = sampleSms();
  const first = await compose(sms, 'delivered');
  const again = await compose(sms, 'delivered');
  assert.is(first.out.messageId, '<M1a2b3c.1.delivered@sms.localhost>');
  assert.is(first.mail.messageId, first.out.messageId);
  assert.is(again.mail.messageId, first.out.messageId);
});

Compose('compose :: threads under the original: In-Reply-To and References end with its Message-ID', async () => {
  const { mail } = await compose(sampleSms());
  assert.is(mail.inReplyTo, '<orig-1@client.example>');
  assert.equal(mail.references, ['<root-0@client.example>', '<orig-1@client.example>']);
});

Compose('compose :: original without Message-ID :: no In-Reply-To, no References', async () => {
  const { mail } = await compose(sampleSms({}, { messageId: undefined, references: undefined }));
  assert.is(mail.inReplyTo, undefined);
  assert.is(mail.references, undefined);
});

Compose('compose :: Auto-Submitted: auto-replied (RFC 3834) so responders and our bridge ignore it', async () => {
  const { mail } = await compose(sampleSms());
  assert.is(mail.headers.get('auto-submitted'), 'auto-replied');
});

const SUBJECTS: Array<[SmsStatus, string]> = [
  ['accepted', 'SMS accepted for +4915112345678: "Meeting"'],
  ['submitted', 'SMS handed to carrier for +4915112345678: "Meeting"'],
  ['delivered', 'SMS delivered to +4915112345678: "Meeting"'],
  ['failed', 'SMS to +4915112345678 failed: "Meeting"'],
  ['expired', 'SMS to +4915112345678 expired: "Meeting"'],
  ['rejected', 'SMS to +4915112345678 rejected: "Meeting"'],
];
for (const [status, subject] of SUBJECTS) {
  Compose(`compose :: subject when ${status} :: "${subject}"`, async () => {
    const { out, mail } = await compose(sampleSms({ status, history: historyTo(status) }));
    assert.is(mail.subject, subject);
    assert.is(out.subject, subject);
  });
}

Compose('compose :: subject of a reply :: the sender\'s subject quoted without its "RE:"', async () => {
  const { mail } = await compose(sampleSms({}, { subject: 'RE: AW: Meeting' }));
  assert.is(mail.subject, 'SMS delivered to +4915112345678: "Meeting"');
});

Compose('compose :: long original subject is cut so the outcome stays readable', async () => {
  const { mail } = await compose(sampleSms({}, { subject: 'x'.repeat(200) }));
  assert.ok(mail.subject!.length < 110, mail.subject);
  assert.ok(mail.subject!.endsWith('…"'), mail.subject);
});

Compose('compose :: no original subject :: just the outcome', async () => {
  const { mail } = await compose(sampleSms({}, { subject: undefined }));
  assert.is(mail.subject, 'SMS delivered to +4915112345678');
});

Compose('compose :: plain form is multipart/alternative with text and HTML', async () => {
  const { out, mail } = await compose(sampleSms());
  assert.is((mail.headers.get('content-type') as { value: string }).value, 'multipart/alternative');
  assert.ok(mail.text && mail.html);
  assert.is(out.envelopeFrom, '');
});

Compose('compose :: delivered :: text names recipient, quotes the SMS and gives every stage time', async () => {
  const { mail } = await compose(sampleSms());
  const text = mail.text!;
  assert.match(text, 'Your SMS to +4915112345678 was delivered at 2026-11-23 14:06:42 UTC.');
  assert.match(text, '> Meeting moved to 3pm.\n> Please confirm.');
  assert.match(text, '2026-11-23 14:05:09 UTC  Accepted');
  assert.match(text, '2026-11-23 14:05:11 UTC  Handed to carrier');
  assert.match(text, '2026-11-23 14:06:42 UTC  Delivered');
  assert.match(text, '1 SMS part, GSM 7-bit');
  assert.match(text, 'M1a2b3c.1');
  assert.match(text, 'SIM-777');
  assert.not.match(text, 'Sending', 'the internal submitting stage is not shown');
});

Compose('compose :: failed :: says it could not be delivered and why, in text and HTML', async () => {
  const { mail } = await compose(failedSms());
  assert.match(mail.text!, 'Your SMS to +4915112345678 could not be delivered: Absent subscriber.');
  assert.match(mail.text!, '2026-11-23 14:06:42 UTC  Failed (Absent subscriber)');
  assert.match(mail.html as string, 'could not be delivered: Absent subscriber.');
});

Compose('compose :: failed without reason :: says no reason was given', async () => {
  const { mail } = await compose(sampleSms({ status: 'failed', history: historyTo('failed') }));
  assert.match(mail.text!, 'could not be delivered: no reason given.');
});

Compose('compose :: timeZone option :: times shown in that zone with the UTC offset', async () => {
  const { mail } = await compose(sampleSms(), 'delivered', { timeZone: 'Europe/Berlin' });
  assert.match(mail.text!, 'was delivered at 2026-11-23 15:06:42 UTC+01:00.');
  assert.match(mail.text!, '2026-11-23 15:05:09 UTC+01:00  Accepted');
});

Compose('compose :: language de :: subject, body labels, history, times and footer in German, text and HTML', async () => {
  const sms = sampleSms({ reference: 'INV-4711', sender: 'ACME', flash: true });
  const { out, mail } = await compose(sms, 'delivered', { language: 'de', timeZone: 'Europe/Berlin' });
  assert.is(out.subject, 'SMS an +4915112345678 zugestellt: „Meeting“');
  assert.is(mail.subject, out.subject);
  const text = mail.text!;
  for (const line of [
    'Ihre SMS an +4915112345678 wurde am 23.11.2026 15:06:42 MEZ zugestellt.\n\nEmpfänger:  +4915112345678\nAbsender:   ACME\nFlash-SMS:  ja (sofort auf dem Display angezeigt, nicht gespeichert)\nLänge:      1 SMS-Teil, GSM 7-Bit\n',
    'Ihr Text:\n> Meeting moved to 3pm.',
    'Verlauf:\n  23.11.2026 15:05:09 MEZ  Angenommen\n  23.11.2026 15:05:11 MEZ  An Netzbetreiber übergeben\n  23.11.2026 15:06:42 MEZ  Zugestellt\n',
    'Ihre Referenz:                INV-4711\nUnsere Referenz:              M1a2b3c.1\nReferenz des Netzbetreibers:  SIM-777\nIhre E-Mail:                  Meeting\n',
    'Diese Nachricht wurde automatisch erstellt; Antworten werden nicht gelesen.',
  ]) assert.match(text, line);
  const html = mail.html as string;
  for (const part of ['<title>SMS an +4915112345678</title>', '<th align="left">Empfänger</th>', '<p>Verlauf:</p>', 'Unsere Referenz: M1a2b3c.1', 'Antworten werden nicht gelesen.']) {
    assert.match(html, part);
  }
  assert.not.match(text + html, /\b(Your|Recipient|History|delivered|generated)\b/, 'no English word of ours is left');
});

Compose('compose :: language de, acceptance of a waiting SMS :: the cancel hint and its footer name STORNO and CANCEL', async () => {
  const sms = sampleSms({ status: 'accepted', history: historyTo('accepted'), sendAt: '2026-11-24T08:00:00.000Z', notBefore: '2026-11-24T08:00:00.000Z' });
  const { mail } = await compose(sms, 'accepted', { language: 'de', cancelAddress: (id) => `cancel+${id}.k@sms.localhost` });
  assert.match(mail.text!, 'Um diese SMS vor dem Versand zu stornieren, antworten Sie auf diese E-Mail mit dem Wort STORNO (oder CANCEL) als Text.\n\nDiese Nachricht wurde automatisch erstellt; Antworten außer STORNO oder CANCEL werden nicht gelesen.');
  assert.match(mail.html as string, 'mit dem Wort STORNO (oder CANCEL) als Text.');
});

Compose('compose :: acceptance of an SMS due now or within the minute :: no cancel Reply-To and no hint (it is with the carrier before a reply could come); one due later has both', async () => {
  const cancelAddress = (id: string) => `cancel+${id}.k@sms.localhost`;
  for (const notBefore of ['2026-11-23T14:05:09.000Z', '2026-11-23T14:10:30.000Z']) {
    const { mail } = await compose(sampleSms({ status: 'accepted', history: historyTo('accepted'), notBefore }), 'accepted', { cancelAddress });
    assert.is(mail.replyTo, undefined, notBefore);
    assert.not.match(mail.text!, /To cancel this SMS/, notBefore);
  }
  const later = await compose(sampleSms({ status: 'accepted', history: historyTo('accepted'), notBefore: '2026-11-23T14:11:01.000Z' }), 'accepted', { cancelAddress });
  assert.match(later.mail.replyTo?.text ?? '', /^cancel\+/);
  assert.match(later.mail.text!, /To cancel this SMS before it goes out/);
});

Compose('compose :: Cyrillic and emoji SMS text survives in text, HTML and subject', async () => {
  const text = 'Привет, встреча в 15:00 🎉';
  const sms = sampleSms({ text, encoding: 'UCS2', segments: 2 }, { subject: 'Встреча' });
  const { mail } = await compose(sms);
  assert.match(mail.text!, `> ${text}`);
  assert.match(mail.text!, '2 SMS parts, Unicode (UCS-2)');
  assert.match(mail.html as string, text);
  assert.is(mail.subject, 'SMS delivered to +4915112345678: "Встреча"');
});

Compose('compose :: markup in the SMS is escaped in HTML but verbatim in text', async () => {
  const { mail } = await compose(sampleSms({ text: '<script>x</script> & "q"' }));
  assert.match(mail.text!, '> <script>x</script> & "q"');
  assert.match(mail.html as string, '&lt;script&gt;x&lt;/script&gt; &amp;');
  assert.not.match(mail.html as string, '<script>');
});

Compose('compose :: raw mail uses CRLF only and no line exceeds 998 octets', async () => {
  const { out } = await compose(sampleSms({ text: 'a'.repeat(1500) }));
  const raw = out.raw.toString('latin1');
  assert.not.match(raw, /[^\r]\n/);
  assert.ok(raw.split('\r\n').every((l) => l.length <= 998));
});

Compose('compose :: envelope sender :: null by default, the bounce address when configured', async () => {
  const { out } = await compose(sampleSms(), 'delivered', { bounceAddress: 'bounces@sms.localhost' });
  assert.is(out.envelopeFrom, 'bounces@sms.localhost');
});

Compose.run();
