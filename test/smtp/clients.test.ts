import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

const run = promisify(execFile);

/** The clients operators and integrators really use, as separate processes over loopback. */
const Clients = suite<{ b: TestBridge }>('smtp real clients');
Clients.before(async (ctx) => {
  ctx.b = await startTestBridge();
});
Clients.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

// swaks reads a leading "+" as an option prefix (Perl Getopt::Long) unless POSIXLY_CORRECT is set; the README says so.
const swaks = (port: number, ...args: string[]) =>
  run('swaks', ['--server', `127.0.0.1:${port}`, '--from', 'clerk@acme.test', ...args], { env: { ...process.env, POSIXLY_CORRECT: '1' } })
    .then((r) => r.stdout + r.stderr, (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);

Clients('swaks :: the README example is queued and the SMS goes out', async ({ b }) => {
  const out = await swaks(b.port, '--to', '+4915112345678@sms.localhost', '--body', 'Bitte begleichen Sie die Rechnung bis Freitag.');
  const id = /<- {2}250 2\.0\.0 queued as ([0-9A-Z]+) \(1 SMS\)/.exec(out)?.[1];
  assert.ok(id, out);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  assert.is(sms.text, 'Bitte begleichen Sie die Rechnung bis Freitag.');
});

Clients('swaks :: +49123 is refused with 553 5.1.3 naming the number', async ({ b }) => {
  const out = await swaks(b.port, '--to', '+49123@sms.localhost');
  assert.match(out, /<\*\* +553 5\.1\.3 "\+49123" is not a valid mobile number: too short/);
});

Clients('python smtplib :: sendmail with a UTF-8 body, one SMS per recipient, refusals per recipient', async ({ b }) => {
  const script = `
import smtplib, sys, json
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "erp@acme.test"; m["To"] = "x"; m["Subject"] = "Kontostand"
m.set_content("Ihr Konto ist überzogen: −120,00 €.")
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
try:
    refused = s.send_message(m, to_addrs=["+4915112345621@sms.localhost", "+4915112345622@sms.localhost", "chef@acme.test"])
except smtplib.SMTPRecipientsRefused as e:
    refused = e.recipients
print(json.dumps({"refused": {k: [v[0], v[1].decode()] for k, v in refused.items()}}))
s.quit()
`;
  const { stdout } = await run('python3', ['-c', script, String(b.port)]);
  const out = JSON.parse(stdout) as { refused: Record<string, [number, string]> };
  assert.equal(Object.keys(out.refused), ['chef@acme.test']);
  assert.is(out.refused['chef@acme.test'][0], 550);
  const sent = await waitFor('two SMS', () => {
    const s = b.sim.sent.filter((x) => x.to === '+4915112345621' || x.to === '+4915112345622');
    return s.length === 2 ? s : undefined;
  });
  // "−" (U+2212) is transliterated to "-", "€" and "ü" are GSM-7: the SMS stays 7-bit.
  assert.equal(sent.map((s) => [s.text, s.encoding]), [['Ihr Konto ist überzogen: -120,00 €.', 'GSM7'], ['Ihr Konto ist überzogen: -120,00 €.', 'GSM7']]);
});

// Review 4b F8: the client, not smtp-server, drops "(0151)" (email.utils.parseaddr reads it as a comment); the refusal says so.
Clients('python smtplib :: a prefix in brackets, (0151)12345605 :: smtplib sends 12345605, refused with both readings and the hint', async ({ b }) => {
  const script = `
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.ehlo(); s.mail("erp@acme.test")
print(smtplib.quoteaddr("(0151)12345605@sms.localhost"))
code, text = s.rcpt("(0151)12345605@sms.localhost")
print(code, text.decode())
s.quit()
`;
  const { stdout } = await run('python3', ['-c', script, String(b.port)]);
  const [sent, reply] = stdout.trim().split('\n');
  assert.is(sent, '<12345605@sms.localhost>');
  assert.match(reply, /^553 5\.1\.3 "12345605" is not a valid mobile number: .*; if part of it was written in brackets, such as \(0151\), the mail program may have left that part out: write the number without brackets$/);
});

Clients.run();
