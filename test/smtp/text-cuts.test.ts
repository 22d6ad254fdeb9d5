import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

const run = promisify(execFile);

/**
 * Review 4b, F2, end to end: mails built and sent with Python's
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
  const id = /queued as ([0-9A-Z]+)/.exec(r.reply)![1];
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  return { reply: r.reply, text: sms.text, segments: sms.segments };
}

const DE = 'Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.';

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

T.run();
