import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { markerSent, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/** A short valid mail for the DATA phase. */
const mail = (body: string, headers = 'Subject: Erinnerung\r\nMessage-ID: <p1@acme.test>\r\n') =>
  dataLines(`From: clerk@acme.test\r\nTo: sms\r\n${headers}\r\n${body}`);

/** A multipart mail nested `depth` levels deep (hostile input). */
function nested(depth: number): string[] {
  let body = 'Content-Type: text/plain\r\n\r\nTief unten.';
  for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
  return dataLines(`From: clerk@acme.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n${body}`);
}

const envelope = (...rcpts: string[]) => ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', ...rcpts.map((r) => `RCPT TO:<${r}>`)];

/** [name, commands, expected replies: code, or [code, text the reply must contain]] — greeting excluded. */
const CASES: Array<[string, string[], Array<number | [number, string | RegExp]>]> = [
  ['rcpt :: unknown domain :: 550 5.7.1, relaying refused',
    envelope('someone@example.com'), [250, 250, [550, /^550 5\.7\.1 .*only send SMS to <number>@sms\.localhost/]]],
  ['rcpt :: number too short (+49123) :: 553 5.1.3 naming the number',
    envelope('+49123@sms.localhost'), [250, 250, [553, /^553 5\.1\.3 "\+49123" is not a valid mobile number: .+/]]],
  ['rcpt :: letters instead of a number :: 553 5.1.3',
    envelope('max.mustermann@sms.localhost'), [250, 250, [553, '553 5.1.3 "max.mustermann" is not a valid mobile number']]],
  ['rcpt :: the confirmations\' From address (a reply to a confirmation without Reply-To) :: 550 5.1.1, it takes no mail; not "not a valid mobile number"',
    envelope('NoReply@sms.localhost'), [250, 250, [550, '550 5.1.1 <NoReply@sms.localhost> takes no mail: it only sends the SMS confirmations, and replies to them are not read. To cancel an SMS, reply CANCEL to the confirmation that it was accepted; with a question, write to whoever runs this service for you']]],
  ['rcpt :: domain compared case-insensitively :: 250',
    envelope('+4915112345678@SMS.Localhost'), [250, 250, [250, '250 2.1.5']]],
  ['rcpt :: all four number forms :: 250 each',
    envelope('+4915112345678@sms.localhost', '004915112345678@sms.localhost', '4915112345678@sms.localhost', '015112345678@sms.localhost'),
    [250, 250, 250, 250, 250, 250]],
  ['rcpt :: mixed SMS and non-SMS recipients :: the non-SMS one is refused, the SMS one accepted',
    envelope('+4915112345678@sms.localhost', 'boss@acme.test'), [250, 250, 250, [550, '5.7.1']]],
  ['rcpt :: over maxRecipients (4) :: 452 4.5.3',
    envelope('+4915112345671@sms.localhost', '+4915112345672@sms.localhost', '+4915112345673@sms.localhost', '+4915112345674@sms.localhost', '+4915112345675@sms.localhost'),
    [250, 250, 250, 250, 250, 250, [452, /^452 4\.5\.3 too many recipients: at most 4/]]],
  ['mail :: an unknown parameter (FOO=bar) :: 555 5.5.4 naming it (RFC 5321 §4.1.1.11)',
    ['EHLO client.test', 'MAIL FROM:<clerk@acme.test> FOO=bar'], [250, [555, '555 5.5.4 MAIL does not take the parameter FOO; send it without (known: SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH)']]],
  ['rcpt :: an unknown parameter (FOO=1) :: 555 5.5.4 naming it',
    [...envelope(), 'RCPT TO:<+4915112345678@sms.localhost> FOO=1'], [250, 250, [555, '555 5.5.4 RCPT does not take the parameter FOO; send it without (known: NOTIFY, ORCPT)']]],
  ['mail and rcpt :: the offered parameters (SIZE, BODY, SMTPUTF8, RET, ENVID; NOTIFY, ORCPT) :: 250',
    ['EHLO client.test', 'MAIL FROM:<clerk@acme.test> SIZE=100 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=erp-4711 AUTH=<>', 'RCPT TO:<+4915112345678@sms.localhost> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;+4915112345678@sms.localhost'],
    [250, [250, '250 2.1.0'], [250, '250 2.1.5']]],
  ['mail :: an ENVID over 100 characters :: 501 5.5.4 (RFC 3461 §4.4)',
    ['EHLO client.test', `MAIL FROM:<clerk@acme.test> ENVID=${'x'.repeat(101)}`, `MAIL FROM:<clerk@acme.test> ENVID=${'x'.repeat(100)}`],
    [250, [501, '501 5.5.4 the ENVID is 101 characters long; at most 100 are allowed'], [250, '250 2.1.0']]],
  ['data :: before any RCPT :: 503',
    ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', 'DATA'], [250, 250, 503]],
  ['data :: a valid mail :: 250 2.0.0 queued as <id>',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('Bitte begleichen Sie die Rechnung.')],
    [250, 250, 250, 354, [250, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/]]],
  ['data :: only a signature :: 550 5.6.0 no text to send',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('-- \r\nMax Muster\r\nACME GmbH', 'Subject: \r\n')],
    [250, 250, 250, 354, [550, /^550 5\.6\.0 no text to send/]]],
  ['data :: text over maxSegments :: 552 5.3.4 saying how many segments',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('x'.repeat(153 * 6 + 1))],
    [250, 250, 250, 354, [552, /^552 5\.3\.4 the text would take 7 SMS segments, at most 6 are allowed/]]],
  ['data :: 900 × C and 10 × € over maxSegments (review 4b F8) :: 552 5.3.4 counting 910 characters as the clerk does, and saying what counts twice',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail(`${'C'.repeat(900)}${'€'.repeat(10)}`, 'Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n')],
    [250, 250, 250, 354, [552, '552 5.3.4 the text would take 7 SMS segments, at most 6 are allowed (910 characters, counted as 920 because U+20AC [ ] { } ~ ^ \\ | count twice, 153 per segment); shorten it']]],
  ['data :: larger than maxMessageSize :: 552 5.3.4',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('y'.repeat(70).concat('\r\n').repeat(1000))],
    [250, 250, 250, 354, [552, /^552 5\.3\.4 the mail is too big: at most 20,000 bytes/]]],
  ['data :: multipart nested 100 deep :: 550 5.6.0, the mail could not be read',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...nested(100)],
    [250, 250, 250, 354, [550, /^550 5\.6\.0 the mail could not be read: .*(deep|nest)/]]],
  ['data :: NUL bytes in the body :: accepted without them',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('Hallo\u0000 Welt', 'Subject: x\r\nMessage-ID: <nul@acme.test>\r\n')],
    [250, 250, 250, 354, [250, '250 2.0.0 queued as']]],
  ['data :: an out-of-office reply (Auto-Submitted) :: 550 5.7.1, never an SMS',
    [...envelope('+4915112345678@sms.localhost'), 'DATA', ...mail('Ich bin bis Montag nicht im Büro.', 'Subject: Abwesenheitsnotiz: Rechnung\r\nAuto-Submitted: auto-replied\r\n')],
    [250, 250, 250, 354, [550, /^550 5\.7\.1 this is automatic mail \(Auto-Submitted: auto-replied\); automatic mail is never sent as SMS/]]],
  ['mail :: SIZE= over the limit announced up front :: 552',
    ['EHLO client.test', 'MAIL FROM:<clerk@acme.test> SIZE=999999'], [250, [552, '552 5.3.4']]],
  ['dsn :: NOTIFY and ORCPT accepted on RCPT, RET and ENVID on MAIL :: 250',
    ['EHLO client.test', 'MAIL FROM:<clerk@acme.test> RET=HDRS ENVID=INV4711', 'RCPT TO:<+4915112345678@sms.localhost> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;+4915112345678@sms.localhost'],
    [250, 250, 250]],
];

const Protocol = suite<{ b: TestBridge }>('smtp protocol');

Protocol.before(async (ctx) => {
  ctx.b = await startTestBridge({ smtp: { maxRecipients: 4, maxMessageSize: 20000 } });
});
Protocol.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

for (const [name, lines, expected] of CASES) {
  Protocol(name, async ({ b }) => {
    const replies = await chat(b.port, lines);
    assert.is(replies.length, expected.length, `replies: ${JSON.stringify(replies)}`);
    expected.forEach((e, i) => {
      const [code, text] = Array.isArray(e) ? e : [e, undefined];
      assert.is(replies[i].code, code, `reply ${i}: ${replies[i].text}`);
      if (typeof text === 'string') assert.ok(replies[i].text.includes(text), `reply ${i}: ${replies[i].text}`);
      if (text instanceof RegExp) assert.match(replies[i].text, text);
    });
  });
}

Protocol('ehlo :: advertises DSN, ENHANCEDSTATUSCODES, SIZE and PIPELINING', async ({ b }) => {
  const [ehlo] = await chat(b.port, ['EHLO client.test']);
  for (const ext of ['DSN', 'ENHANCEDSTATUSCODES', 'SIZE 20000', 'PIPELINING', '8BITMIME']) {
    assert.ok(ehlo.text.split('\n').some((l) => l.slice(4) === ext), `${ext} missing in ${ehlo.text}`);
  }
});

Protocol('replies :: every reply carries exactly one enhanced status code (smtp-server adapter still works)', async ({ b }) => {
  const replies = await chat(b.port, [...envelope('x@example.com', '+49123@sms.localhost', '+4915112345678@sms.localhost'), 'DATA', ...mail('Hallo')]);
  for (const r of replies.slice(1)) {
    if (r.code === 354) continue;
    assert.match(r.text, /^\d{3} [245]\.\d{1,3}\.\d{1,3} [^0-9]/, r.text);
    assert.not.match(r.text, /^\d{3} [245]\.\d+\.\d+ [245]\.\d+\.\d+/, r.text);
  }
});

Protocol('refusals :: nothing refused reaches the connector', async ({ b }) => {
  // Its own text: SMS of the cases before (one reuses <p1@acme.test> with another text, a new SMS) may still be on their way.
  await chat(b.port, [...envelope('+49123@sms.localhost'), 'DATA', ...mail('Nie gesendet.')]);
  await markerSent(b);
  assert.not.ok(b.sim.sent.some((s) => s.text === 'Nie gesendet.'));
});

Protocol('nul bytes :: the SMS carries the text without them (a NUL would go out as "@" in GSM-7)', async ({ b }) => {
  await waitFor('NUL mail SMS', () => b.sim.sent.find((s) => s.text.startsWith('Hallo') && s.text.includes('Welt')));
  const s = b.sim.sent.find((x) => x.text.includes('Welt'))!;
  assert.is(s.text, 'Hallo Welt');
});

Protocol.run();
