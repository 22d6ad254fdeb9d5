import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { queuedAs } from '../helpers/smtp.js';

const run = promisify(execFile);

/**
 * Forwarded mails and Outlook's winmail.dat over real SMTP (review 2, F3
 * and F4): the fixtures go out as they are through Python's smtplib, and
 * what the simulator got, the SMTP answer and the confirmation are checked.
 */
const F = suite<{ b: TestBridge }>('smtp forwards and winmail.dat');
F.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [], notify: 'all' }] as never });
});
F.after(async ({ b }) => stopTestBridge(b));

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

// The file's bytes as they are (a header added in front when asked). smtplib's sendmail does not
// return the 250 text, data() does: so MAIL, RCPT and DATA one by one; prints the DATA answer.
const SEND_DATA = `
import smtplib, sys, json
raw = open(sys.argv[2], "rb").read()
if sys.argv[4]: raw = sys.argv[4].encode() + b"\\r\\n" + raw
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.ehlo()
s.mail("clerk@acme.test")
s.rcpt(sys.argv[3])
code, text = s.data(raw)
print(json.dumps({"code": code, "reply": text.decode()}))
s.quit()
`;

async function send(b: TestBridge, file: string, to: string, header = ''): Promise<{ code: number; reply: string }> {
  const { stdout } = await run('python3', ['-c', SEND_DATA, String(b.port), fixture(file), `${to}@sms.localhost`, header]);
  return JSON.parse(stdout) as { code: number; reply: string };
}

/** The mail was queued: its id and the text of its first SMS as the simulator got it. */
async function sentText(b: TestBridge, r: { code: number; reply: string }): Promise<{ id: string; text: string }> {
  assert.is(r.code, 250, r.reply);
  const id = queuedAs(r.reply);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  return { id, text: sms.text };
}

F('Thunderbird forward with nothing above it :: the forwarded text goes out, the 250 says so', async ({ b }) => {
  const r = await send(b, 'thunderbird-forward-only.eml', '+4915112345701');
  assert.match(r.reply, /^2\.0\.0 queued as ([0-9A-Z]+) \(1 SMS\); the text is the forwarded mail's, as none was written above it$/);
  assert.is((await sentText(b, r)).text, 'Ihre Bestellung 12345 ist unterwegs und kommt morgen.');
});

F('Thunderbird forward below own text :: only the own text, no separator, no "Betreff:"', async ({ b }) => {
  const r = await send(b, 'thunderbird-forward-de.eml', '+4915112345702');
  assert.not.match(r.reply, /forwarded/);
  assert.is((await sentText(b, r)).text, 'Ihre Lieferung kommt morgen zwischen 8 und 12 Uhr.');
});

F('Apple Mail forward, "WG:" :: the confirmation quotes the subject without "WG:"', async ({ b }) => {
  const r = await send(b, 'apple-forward-de-only.eml', '+4915112345703');
  const { id, text } = await sentText(b, r);
  assert.is(text, 'Ihr Wagen ist ab 16 Uhr abholbereit.');
  const subjects = await waitFor('confirmation', async () => {
    const mails = await Promise.all([...(await outboxFiles(b)).values()].map((raw) => simpleParser(raw)));
    const mine = mails.filter((m) => m.text?.includes(`${id}.1`)).map((m) => m.subject ?? '');
    return mine.length ? mine : undefined;
  });
  for (const s of subjects) {
    assert.match(s, /: "Abholung"$/, s);
    assert.not.match(s, /WG:/, s);
  }
});

F('preview of a forward :: the reply and the preview answer say the forwarded text is used', async ({ b }) => {
  const r = await send(b, 'gmail-forward-de-only.eml', '+4915112345704', 'X-SMS-Preview: yes');
  assert.is(r.code, 250, r.reply);
  assert.match(r.reply, /^2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, \d+ characters; the text is the forwarded mail's, as none was written above it; the preview went to <clerk@acme\.test>$/);
  const name = [...(await outboxFiles(b)).keys()].find((n) => n.startsWith('preview.'))!;
  const text = (await simpleParser((await outboxFiles(b)).get(name)!)).text ?? '';
  assert.match(text, /> Ihr Wagen ist ab 16 Uhr abholbereit, die Rechnung liegt im Handschuhfach\.\n/);
  assert.match(text, /The text is the forwarded mail's, as you wrote none above it/);
  assert.not.match(text, /> .*(Weitergeleitete|Subject:|Von:)/);
});

// Review 3, C8 and C9.
F('"Begin forwarded message:" in prose, no header block below it :: the whole text goes out, the 250 mentions no forward', async ({ b }) => {
  const r = await send(b, 'prose-begin-forwarded.eml', '+4915112345709');
  assert.match(r.reply, /^2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/);
  assert.is((await sentText(b, r)).text, 'Your parcel arrives Tuesday.\nBegin forwarded message:\nthat is what Apple Mail writes above a forward, ignore it.\nCall 0800 123 if you have questions.');
});

F('"FYI" above an Apple Mail forward, "Bitte beachten:" above Outlook\'s WG: block :: the forwarded text, and the 250 says why', async ({ b }) => {
  const cases: Array<[string, string, string]> = [
    ['apple-forward-fyi.eml', '+4915112345710', 'Ihre Bestellung 4711 wurde storniert, der Betrag wird erstattet.'],
    ['outlook-forward-intro.eml', '+4915112345711', 'Die Lieferung kommt Dienstag zwischen 8 und 12 Uhr.'],
  ];
  for (const [file, to, text] of cases) {
    const r = await send(b, file, to);
    assert.match(r.reply, /^2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\); the text is the forwarded mail's, as the line above it only introduces it$/, file);
    assert.is((await sentText(b, r)).text, text, file);
  }
});

F('preview of "FYI" above a forward :: the preview names the introduction as cut and says the forwarded text is used', async ({ b }) => {
  const r = await send(b, 'apple-forward-fyi.eml', '+4915112345712', 'X-SMS-Preview: yes');
  assert.match(r.reply, /; the text is the forwarded mail's, as the line above it only introduces it; the preview went to <clerk@acme\.test>$/);
  const previews = [...(await outboxFiles(b)).entries()].filter(([n]) => n.startsWith('preview.'));
  const texts = await Promise.all(previews.map(async ([, raw]) => (await simpleParser(raw)).text ?? ''));
  const text = texts.find((t) => t.includes('storniert'));
  assert.ok(text, 'no preview of the mail');
  assert.match(text!, /> Ihre Bestellung 4711 wurde storniert, der Betrag wird erstattet\.\n/);
  assert.match(text!, /your introduction above the forwarded mail, whose text is sent instead: "FYI"/);
  assert.match(text!, /as what you wrote above it only introduces it/);
});

F('winmail.dat only (multipart/mixed, and as the whole message) :: 550 5.6.0 naming Rich Text and the fix; no SMS, never the subject; next to text/plain as before', async ({ b }) => {
  const before = b.sim.sent.length;
  for (const [file, to] of [['tnef-only.eml', '+4915112345705'], ['tnef-toplevel.eml', '+4915112345706']]) {
    const r = await send(b, file, to);
    assert.is(r.code, 550, r.reply);
    assert.match(r.reply, /^5\.6\.0 Outlook sent the text as Rich Text \(winmail\.dat\), which this gateway cannot read; send it as HTML or plain text/);
  }
  assert.is(b.sim.sent.length, before);
  // Next to a text/plain part (review 2's 05b) the text goes out as before.
  const r = await send(b, 'tnef-with-plain.eml', '+4915112345707');
  assert.is((await sentText(b, r)).text, 'Ihre Rechnung ist fällig.');
});

F('Outlook "Forward as Attachment" :: the attached mail\'s text; the 250 does not call it an attachment left behind', async ({ b }) => {
  const r = await send(b, 'outlook-forward-attachment.eml', '+4915112345708');
  assert.match(r.reply, /\(1 SMS\); the text is the forwarded mail's, as none was written above it$/);
  assert.is((await sentText(b, r)).text, 'Ihr Termin ist am Montag um 9 Uhr. Bitte bringen Sie Ihre Versichertenkarte mit.');
});

F.run();
