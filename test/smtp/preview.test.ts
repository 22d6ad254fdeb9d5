import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, stopTestBridge, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, mailer } from '../helpers/smtp.js';

/**
 * Preview: [PREVIEW], X-SMS-Preview or a mail that names preview@<sms domain>
 * sends nothing and answers by mail with the SMS as it would go out.
 */
const S = suite('smtp preview', {} as { b: TestBridge });
S.before(async (ctx) => {
  ctx.b = await startTestBridge({
    limits: { countries: ['*'] }, // foreign numbers are the point here (anti-pumping.test covers the default)
    accounts: [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [], senderId: 'ACME', numericSender: '+15005550006' }] as never,
  });
});
S.after(async ({ b }) => stopTestBridge(b));


S('[PREVIEW] :: nothing stored or sent; the answer shows the text as it goes out, encoding, parts, what forced Unicode and what was cut', async ({ b }) => {
  const before = { ...b.store.counts() };
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: ['+4915112345600@sms.localhost', '+12025550143@sms.localhost'], subject: '[PREVIEW] Erinnerung', messageId: '<pv1@acme.test>',
    text: 'Ihr Termin ist morgen um 9 Uhr 😀 – bitte pünktlich.\n\n-- \nMax Muster\nACME GmbH',
  });
  assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, Unicode, 51 characters \(counted as 52\); the preview went to <clerk@acme\.test>$/);
  assert.equal(b.store.counts(), before, 'nothing stored');
  const files = await outboxFiles(b);
  const name = [...files.keys()].find((n) => n.startsWith('preview.'))!;
  const answer = await simpleParser(files.get(name)!);
  assert.is(answer.subject, 'SMS preview (nothing sent): "Erinnerung"', 'the subject quoted without its option tags');
  assert.is(answer.inReplyTo, '<pv1@acme.test>');
  const text = answer.text ?? '';
  assert.match(text, /^Preview of your SMS\. Nothing was sent\./);
  assert.match(text, /> Ihr Termin ist morgen um 9 Uhr 😀 – bitte pünktlich\./, 'as it goes out: the signature gone; the dash kept, as the emoji makes it Unicode anyway');
  assert.match(text, /Unicode \(UCS-2\), 1 SMS part/);
  assert.match(text, /Characters that forced Unicode .*: "😀" \(U\+1F600\)$/m);
  assert.match(text, /Kept as written, as the text goes in Unicode anyway and replacing them would save nothing: "–" \(U\+2013\)/);
  assert.not.match(text, /Replaced to stay cheaper/);
  assert.match(text, /Cut from your mail:\n {2}- your signature \(from the "-- " line on\): "--"/);
  assert.match(text, /\+4915112345600: sender ACME; would go at /);
  assert.match(text, /\+12025550143: sender \+15005550006 \(sender ID "ACME" replaced by \+15005550006: carriers in US/);
  assert.is(b.sim.sent.length, 0);
});

S('X-SMS-Preview and preview@ :: the same; a text too long is shown with the refusal a real send would get', async ({ b }) => {
  const byHeader = await mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345601@sms.localhost', subject: 'x', text: 'Kurz.', headers: { 'X-SMS-Preview': 'yes' } });
  assert.match(byHeader.response, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, 5 characters/);
  const long = 'Dies ist ein langer Text. '.repeat(40);
  const byAddress = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: ['preview@sms.localhost', '+4915112345602@sms.localhost'], subject: 'Lang', text: long });
  assert.match(byAddress.response, /^250 2\.0\.0 preview only, nothing was sent: 7 SMS parts, GSM 7-bit, \d+ characters; sent as it is, it would be refused; the preview went to/);
  const name = [...(await outboxFiles(b)).keys()].filter((n) => n.startsWith('preview.')).sort().at(-1)!;
  const text = (await simpleParser((await outboxFiles(b)).get(name)!)).text ?? '';
  assert.match(text, /Sent as it is, this mail would be refused: 552 5\.3\.4 the text would take 7 SMS segments, at most 6 are allowed/);
  assert.match(text, /Split into parts:\n {2}1\/7: "Dies ist/);
  assert.is(b.sim.sent.length, 0);
});

S('preview of a mail with an attachment :: the reply and the preview say that the attachment does not go along', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: ['preview@sms.localhost', '+4915112345605@sms.localhost'], subject: 'Rechnung', text: 'Ihre Rechnung anbei.',
    attachments: [{ filename: 'rechnung.pdf', content: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf' }],
  });
  assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, \d+ characters; attachments are not sent; the preview went to/);
  const name = [...(await outboxFiles(b)).keys()].filter((n) => n.startsWith('preview.')).sort().at(-1)!;
  const text = ((await simpleParser((await outboxFiles(b)).get(name)!)).text ?? '').replace(/\n\s+/g, ' ');
  assert.match(text, /The attachment of your mail is not sent: an SMS carries text only\./);
});

S('regression: preview of a text in an unknown charset (x-unknown-42) :: the reply and the preview say how it was read, as a send\'s 250 does, in the reader\'s language', async ({ b }) => {
  const raw = Buffer.from('From: erp@acme.test\r\nTo: +4915112345606@sms.localhost\r\nSubject: Gruss\r\nX-SMS-Preview: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nGr\xfc\xdfe aus K\xf6ln\r\n', 'latin1');
  const info = await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: ['+4915112345606@sms.localhost'] }, raw });
  assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, 14 characters; the text's charset "x-unknown-42" is unknown: it was read as if it named no charset: UTF-8 where the bytes are UTF-8 and windows-1252 \(Western European\) elsewhere; please check the SMS text; the preview went to <erp@acme\.test>$/);
  const name = [...(await outboxFiles(b)).keys()].filter((n) => n.startsWith('preview.')).sort().at(-1)!;
  const text = ((await simpleParser((await outboxFiles(b)).get(name)!)).text ?? '').replace(/\n\s+/g, ' ');
  assert.match(text, /> Grüße aus Köln/);
  assert.match(text, /The charset "x-unknown-42" of your mail is unknown: its text was read as if it named no charset: as UTF-8 where the bytes are UTF-8 and as windows-1252 \(Western European\) elsewhere\. Please check the text\./);
  assert.is(b.sim.sent.length, 0);
});

S('preview :: a number that replied STOP to the sender ID the SMS would go out with carries the refusal DATA would give; nothing is stored', async ({ b }) => {
  await b.optout.add('+4915112345603', new Date(), { via: 'sms', sender: 'ACME' });
  try {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: ['preview@sms.localhost', '+4915112345603@sms.localhost', '+4915112345604@sms.localhost'], subject: 'Angebot', text: 'Sale!' });
    assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent/);
    const name = [...(await outboxFiles(b)).keys()].filter((n) => n.startsWith('preview.')).sort().at(-1)!;
    const text = ((await simpleParser((await outboxFiles(b)).get(name)!)).text ?? '').replace(/\n\s+/g, ' ');
    assert.match(text, /\+4915112345603: .*550 5\.7\.1 \+4915112345603 asked not to receive SMS from ACME \(opt-out list\), the sender ID of this SMS/);
    assert.match(text, /\+4915112345604: sender ACME; would go at /);
  } finally {
    await b.optout.remove('+4915112345603', 'ACME');
  }
});

S('preview@ alone :: the text without recipients; a bad option value is still refused (550 5.6.0)', async ({ b }) => {
  const r = await chat(b.port, ['EHLO c', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<Preview@SMS.localhost>', 'DATA',
    ...dataLines('From: clerk@acme.test\r\nSubject: Test\r\nMessage-ID: <pv3@acme.test>\r\n\r\nHallo Welt')]);
  assert.match(r.at(-1)!.text, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, 10 characters/);
  const bad = await chat(b.port, ['EHLO c', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<preview@sms.localhost>', 'DATA',
    ...dataLines('From: clerk@acme.test\r\nSubject: [AT:gestern] Test\r\n\r\nHallo')]);
  assert.match(bad.at(-1)!.text, /^550 5\.6\.0 option \[AT\] has the value "gestern"/);
  const answers = await Promise.all([...(await outboxFiles(b)).entries()].filter(([n]) => n.startsWith('preview.')).map(([, raw]) => simpleParser(raw)));
  const answer = answers.find((a) => a.inReplyTo === '<pv3@acme.test>')!;
  assert.match(answer.text ?? '', /> Hallo Welt\n/);
  assert.match(answer.text ?? '', /\(no numbers in this mail: write to <number>@<sms domain> and preview@<sms domain> together/);
});

S.run();
