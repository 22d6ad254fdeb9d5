import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { queuedAs } from '../helpers/smtp.js';

const run = promisify(execFile);

/**
 * Review 4b, F1 and F2, end to end: mails built and sent with Python's
 * email package and smtplib as the review sent them (text/plain or HTML
 * only, UTF-8, quoted-printable), the SMS read at the simulator, the 250
 * read from smtplib's DATA answer.
 */
const T = suite<{ b: TestBridge }>('smtp text: signatures and disclaimers in real mails');
T.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [], notify: 'none', senderId: 'ACME', allowedSenderIds: ['ACME'] }] as never,
  });
});
T.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

// argv: port, recipient, JSON {subject, text?, html?}. Prints the DATA answer (sendmail does not return the 250 text).
const SEND = `
import json, smtplib, sys
from email.mime.text import MIMEText
from email.utils import make_msgid
spec = json.loads(sys.argv[3])
m = MIMEText(spec["html"], "html", "utf-8") if "html" in spec else MIMEText(spec["text"], "plain", "utf-8")
if spec.get("subject") is not None: m["Subject"] = spec["subject"]
m["From"] = "Clerk <clerk@acme.test>"
m["To"] = sys.argv[2]
m["Message-ID"] = make_msgid(domain="acme.test")
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.ehlo()
s.mail("clerk@acme.test")
s.rcpt(sys.argv[2])
code, text = s.data(m.as_bytes())
print(json.dumps({"code": code, "reply": text.decode()}))
s.quit()
`;

type Spec = { subject?: string; text?: string; html?: string };

async function send(b: TestBridge, to: string, spec: Spec): Promise<{ code: number; reply: string }> {
  const { stdout } = await run('python3', ['-c', SEND, String(b.port), `${to}@sms.localhost`, JSON.stringify(spec)]);
  return JSON.parse(stdout) as { code: number; reply: string };
}

/** The mail was queued: the 250 and its first SMS as the simulator got it. */
async function sent(b: TestBridge, to: string, spec: Spec): Promise<{ reply: string; text: string; segments: number }> {
  const r = await send(b, to, spec);
  assert.is(r.code, 250, r.reply);
  const id = queuedAs(r.reply);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  return { reply: r.reply, text: sms.text, segments: sms.segments };
}

const SUBJECT = 'Ihr Auto ist fertig, Abholung ab 14 Uhr';
const SUBJECT_NOTE = "; the text is the subject's, as the body held only a signature";
const DE = 'Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.';

// [what, recipient, mail, SMS text]: F1, the clerk's text in the subject, Outlook's signature in the body.
const F1: Array<[string, string, Spec, string]> = [
  ['formula, name, company', '+4915112345801', { subject: SUBJECT, text: 'Mit freundlichen Grüßen\r\nMax Muster\r\nAutohaus ACME\r\n' }, SUBJECT],
  ['"Viele Grüße", a name, option tags in the subject', '+4915112345802', { subject: '[DN:ON] Ihr Auto ist fertig [SRC:ACME]', text: 'Viele Grüße\r\nMax\r\n' }, 'Ihr Auto ist fertig'],
  ['a name block without a formula', '+4915112345803', { subject: SUBJECT, text: 'Max Muster\r\nAutohaus ACME\r\nTel. 0221 123456\r\n' }, SUBJECT],
];

for (const [what, to, spec, text] of F1) {
  T(`review F1 :: ${what} :: the subject is the SMS, the 250 says why`, async ({ b }) => {
    const r = await sent(b, to, spec);
    assert.is(r.text, text);
    assert.ok(r.reply.endsWith(SUBJECT_NOTE), r.reply);
  });
}

T('review F1 :: a preview of such a mail :: the SMTP reply says why the subject is the text', async ({ b }) => {
  const r = await send(b, '+4915112345810', { subject: `[PREVIEW] ${SUBJECT}`, text: 'Mit freundlichen Grüßen\r\nMax Muster\r\nAutohaus ACME\r\n' });
  assert.is(r.code, 250, r.reply);
  assert.match(r.reply, /^2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, 39 characters; the text is the subject's, as the body held only a signature/);
});

T('review F1 :: a short message in the body :: the body is the SMS, no note', async ({ b }) => {
  const r = await sent(b, '+4915112345804', { subject: SUBJECT, text: 'Max, ruf mich an\r\n' });
  assert.is(r.text, 'Max, ruf mich an');
  assert.not.match(r.reply, /subject/);
});

T('review F1 :: only a signature and no subject :: 550 5.6.0 no text to send, nothing sent', async ({ b }) => {
  const before = b.sim.sent.length;
  const r = await send(b, '+4915112345805', { text: 'Mit freundlichen Grüßen\r\nMax Muster\r\nAutohaus ACME\r\n' });
  assert.is(r.code, 550);
  assert.match(r.reply, /^5\.6\.0 no text to send/);
  assert.is(b.sim.sent.length, before);
});

// F2: the disclaimer the mail server adds, and the signature it kept from being cut.
T('review F2 :: text/plain, signature and German notice :: the message alone, one segment', async ({ b }) => {
  const r = await sent(b, '+4915112345806', { subject: 'Auftrag', text: `Ihr Auftrag 778 ist bereit zur Abholung.\n\nMit freundlichen Grüßen\nACME GmbH\n\n${DE}` });
  assert.equal([r.text, r.segments], ['Ihr Auftrag 778 ist bereit zur Abholung.', 1]);
});

T("review F2 :: Exchange's underscore line and notice :: the message alone", async ({ b }) => {
  const text = 'Die Ware ist abholbereit.\r\n\r\n________________________________\r\n\r\nDiese E-Mail kann vertrauliche Informationen enthalten. Wenn Sie nicht der beabsichtigte Empfänger sind, löschen Sie diese E-Mail bitte.\r\n';
  const r = await sent(b, '+4915112345807', { subject: 'Ware', text });
  assert.equal([r.text, r.segments], ['Die Ware ist abholbereit.', 1]);
});

T('review F2 :: HTML only (Exchange rule): signature, address table, small print :: the message alone', async ({ b }) => {
  const html = '<html><body><p>Ihr Auftrag 780 ist abholbereit.</p><p>Mit freundlichen Grüßen<br>Max Muster</p>' +
    '<table><tr><td>ACME GmbH<br>Hauptstr. 1<br>50667 Köln</td></tr></table>' + `<p style="font-size:8pt">${DE}</p></body></html>`;
  const r = await sent(b, '+4915112345808', { subject: 'Auftrag', html });
  assert.equal([r.text, r.segments], ['Ihr Auftrag 780 ist abholbereit.', 1]);
});

T('review F1 and F2 :: subject text, body only the signature and the notice :: the subject, the 250 names both', async ({ b }) => {
  const r = await sent(b, '+4915112345809', { subject: SUBJECT, text: `Mit freundlichen Grüßen\r\nMax Muster\r\n\r\n${DE}\r\n` });
  assert.is(r.text, SUBJECT);
  assert.ok(r.reply.endsWith("; the text is the subject's, as the body held only a signature and a disclaimer"), r.reply);
});

// Exploratory test 5: a two-language sign-off on one line, then the company block.
T('two-language sign-off :: "Beste Grüße / Best regards" and the block below it cut, the message alone', async ({ b }) => {
  const text = 'Ihre Bestellung 4711 ist versandt.\n\nBeste Grüße / Best regards\n\nErika Muster\nVertrieb\nACME GmbH\nHauptstraße 1, 50667 Köln\n\nGeschäftsführer: Dr. Max Muster\nAmtsgericht Köln HRB 12345\n';
  const r = await sent(b, '+4915112345820', { subject: 'Versand', text });
  assert.equal([r.text, r.segments], ['Ihre Bestellung 4711 ist versandt.', 1]);
});

// Exploratory test 5: Outlook for Android's German footer, with its link, below the message.
T('German Outlook mobile footer :: "Holen Sie sich Outlook für Android<…>" cut, the message alone', async ({ b }) => {
  const r = await sent(b, '+4915112345821', { subject: 'Unterwegs', text: 'Bin in 10 Minuten da.\r\n\r\nHolen Sie sich Outlook für Android<https://aka.ms/AAb9ysg>\r\n' });
  assert.is(r.text, 'Bin in 10 Minuten da.');
});

// argv: port, recipient, the mail's bytes in hex: sent as they are, as an ERP that builds its own mail does.
const SEND_RAW = `
import json, smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
code, text = s.ehlo()
s.mail("erp@acme.test")
s.rcpt(sys.argv[2])
code, text = s.data(bytes.fromhex(sys.argv[3]))
print(json.dumps({"code": code, "reply": text.decode()}))
s.quit()
`;

async function sendRaw(b: TestBridge, to: string, raw: Buffer): Promise<{ code: number; reply: string }> {
  const { stdout } = await run('python3', ['-c', SEND_RAW, String(b.port), `${to}@sms.localhost`, raw.toString('hex')]);
  return JSON.parse(stdout) as { code: number; reply: string };
}

async function sentRaw(b: TestBridge, to: string, raw: Buffer): Promise<{ reply: string; text: string }> {
  const r = await sendRaw(b, to, raw);
  assert.is(r.code, 250, r.reply);
  const id = queuedAs(r.reply);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  return { reply: r.reply, text: sms.text };
}

T('regression: text in an unknown charset (x-unknown-42) :: read as undeclared 8-bit text, not "Gr??e aus K?ln"; the 250 says how', async ({ b }) => {
  const raw = Buffer.from('From: erp@acme.test\r\nSubject: Gruss\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nGr\xfc\xdfe aus K\xf6ln\r\n', 'latin1');
  const r = await sentRaw(b, '+4915112340101', raw);
  assert.is(r.text, 'Grüße aus Köln');
  assert.match(r.reply, /the text's charset "x-unknown-42" is unknown: it was read as if it named no charset: UTF-8 where the bytes are UTF-8 and windows-1252 \(Western European\) elsewhere/);
});

T('an HTML mail whose text/plain part only says "use an HTML mail client" :: the HTML is the SMS', async ({ b }) => {
  const raw = Buffer.from([
    'From: erp@acme.test', 'Subject: Lieferung', 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="alt"', '',
    '--alt', 'Content-Type: text/plain; charset=utf-8', '', 'This is an HTML email. Please use an HTML capable mail client.',
    '--alt', 'Content-Type: text/html; charset=utf-8', '', '<html><body><p>Ihr Paket kommt morgen zwischen 9 und 12 Uhr.</p></body></html>',
    '--alt--', '',
  ].join('\r\n'));
  assert.is((await sentRaw(b, '+4915112340102', raw)).text, 'Ihr Paket kommt morgen zwischen 9 und 12 Uhr.');
});

T('regression: a mail with no blank line after its headers ("Just text, no headers at all") :: 550 5.6.0 saying the text seems to be in the header part, not that a signature was cut; nothing sent', async ({ b }) => {
  const r = await sendRaw(b, '+4915112340103', Buffer.from('Just text, no headers at all\r\n'));
  assert.is(r.code, 550, r.reply);
  assert.is(r.reply, '5.6.0 the mail has no body: its text seems to be in the header part, as the blank line between the headers and the text is missing; the mail program or system that built it must put one there');
  assert.not.ok(b.sim.sent.some((m) => m.to === '+4915112340103'));
});

T.run();
