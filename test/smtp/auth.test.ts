import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, queuedAs } from '../helpers/smtp.js';
import { testCertificate } from '../helpers/tls.js';

const run = promisify(execFile);

/**
 * SMTP AUTH with the clients people use, over STARTTLS and implicit TLS with
 * the certificate verified. 127.0.0.1 and 127.0.0.3 may log in without TLS
 * (smtp.auth.plaintextNetworks, as .6 to .8 for the guessing tests); 127.0.0.3
 * is also the trusted network of "beta"; 127.0.0.5 is a stranger that must use TLS.
 */
const PLAIN_OK = '127.0.0.1';
const BETA_NET = '127.0.0.3';
const STRANGER = '127.0.0.5';
const PASSWORD = 'geheimes-passwort-1';

const A = suite('smtp auth', {} as { b: TestBridge; ca: string; certFile: string });
A.before(async (ctx) => {
  const cert = await testCertificate();
  ctx.ca = cert.cert;
  ctx.certFile = cert.certFile;
  ctx.b = await startTestBridge({
    smtp: {
      tls: { implicit: true, port: 0 },
      auth: { plaintextNetworks: [`${PLAIN_OK}/32`, `${BETA_NET}/32`, '127.0.0.6/31', '127.0.0.8/32'], failureDelayMs: 20, maxFailureDelayMs: 100, maxFailuresPerSession: 2, maxFailuresPerIp: 4 },
    },
    accounts: [
      { name: 'acme', description: 'ACME', networks: [], addresses: ['@acme.test'] },
      { name: 'beta', description: 'Beta', networks: [BETA_NET], addresses: ['erp@beta.test'] },
      { name: 'open', description: 'no addresses', networks: [], addresses: [] },
    ] as never,
  });
  await ctx.b.users.add('clerk', 'acme', PASSWORD);
  await ctx.b.users.add('nobody', 'open', PASSWORD);
});
A.after(async ({ b }) => stopTestBridge(b));

const plain = (user: string, pass: string) => `AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`;
const mail = (from: string, body: string) => dataLines(`From: ${from}\r\nSubject: Test\r\n\r\n${body}`);

A('nodemailer :: STARTTLS with the certificate verified, AUTH PLAIN :: the SMS belongs to the user\'s account', async ({ b, ca }) => {
  const t = nodemailer.createTransport({
    host: '127.0.0.1', port: b.port, localAddress: STRANGER, requireTLS: true, authMethod: 'PLAIN',
    tls: { ca, servername: 'mail2sms.localhost' }, auth: { user: 'clerk', pass: PASSWORD },
  });
  const info = await t.sendMail({ from: 'clerk@acme.test', to: '+4915112345601@sms.localhost', subject: 'x', text: 'Über TLS angemeldet.' });
  const id = queuedAs(info.response);
  assert.ok(id, info.response);
  assert.is(b.store.get(`${id}.1`)!.account, 'acme');
  const login = b.events.find((e) => e.evt === 'auth-succeeded' && e.ip === STRANGER);
  assert.equal([login?.user, login?.account, login?.tls], ['clerk', 'acme', true]);
});

A('python smtplib :: AUTH is not offered to a stranger before STARTTLS, is after it, and LOGIN works', async ({ b, certFile }) => {
  const script = `
import smtplib, ssl, sys, json
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), source_address=(sys.argv[2], 0))
s.ehlo("client.test")
before = s.has_extn("auth")
s.starttls(context=ssl.create_default_context(cafile=sys.argv[3]))
s.ehlo("client.test")
after = s.esmtp_features.get("auth", "")
s.login("clerk", sys.argv[4], initial_response_ok=False)
refused = s.sendmail("clerk@acme.test", ["+4915112345602@sms.localhost"], "From: clerk@acme.test\\r\\nSubject: x\\r\\n\\r\\nPer LOGIN.")
print(json.dumps({"before": before, "after": after, "refused": refused}))
s.quit()
`;
  const { stdout } = await run('python3', ['-c', script, String(b.port), STRANGER, certFile, PASSWORD]);
  const out = JSON.parse(stdout) as { before: boolean; after: string; refused: object };
  assert.is(out.before, false);
  assert.match(out.after, /PLAIN/);
  assert.match(out.after, /LOGIN/);
  assert.equal(out.refused, {});
  await waitFor('the SMS', () => b.sim.sent.find((s) => s.to === '+4915112345602'));
});

A('python smtplib :: a stranger logs in over implicit TLS (SMTPS), the certificate verified for 127.0.0.1', async ({ b, certFile }) => {
  const script = `
import smtplib, ssl, sys
s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), source_address=(sys.argv[4], 0), context=ssl.create_default_context(cafile=sys.argv[2]))
s.login("clerk", sys.argv[3])
s.sendmail("clerk@acme.test", ["+4915112345603@sms.localhost"], "From: clerk@acme.test\\r\\nSubject: x\\r\\n\\r\\nSMTPS.")
print(s.sock.version())
s.quit()
`;
  const { stdout } = await run('python3', ['-c', script, String(b.smtps!.port), certFile, PASSWORD, STRANGER]);
  assert.match(stdout, /^TLSv1\.[23]/);
  await waitFor('the SMS', () => b.sim.sent.find((s) => s.to === '+4915112345603'));
});

A('swaks :: STARTTLS and AUTH LOGIN from a stranger', async ({ b }) => {
  const { stdout } = await run('swaks', ['--server', `127.0.0.1:${b.port}`, '--local-interface', STRANGER, '--tls', '--auth', 'LOGIN',
    '--auth-user', 'clerk', '--auth-password', PASSWORD, '--from', 'clerk@acme.test', '--to', '004915112345604@sms.localhost', '--body', 'Per swaks.']);
  assert.match(stdout, /<- {2}220 .*Ready to start TLS/);
  assert.match(stdout, /<~ {2}235 /);
  assert.match(stdout, /<~ {2}250 2\.0\.0 queued as/);
  const secret = Buffer.from(PASSWORD).toString('base64');
  assert.ok(stdout.split('\n').filter((l) => l.includes(secret)).every((l) => l.startsWith(' ~>')), 'the password only ever went inside TLS (~>)');
});

A('regression: unreadable AUTH PLAIN (not "\\0user\\0password" in base64) :: 501 5.5.2 in a sentence, not smtp-server\'s "Error: invalid userdata"', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', `AUTH PLAIN ${Buffer.from('clerk geheim').toString('base64')}`], { localAddress: PLAIN_OK });
  assert.is(r[1].text, '501 5.5.2 the login could not be read: the user name is missing or malformed; check the user name and password set in the mail program');
});

A('trusted network + login :: the user\'s account wins over the network\'s; its addresses, not the network\'s', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', plain('clerk', PASSWORD), 'MAIL FROM:<erp@beta.test>', 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345605@sms.localhost>', 'DATA', ...mail('clerk@acme.test', 'Vom Beta-Netz als ACME.')], { localAddress: BETA_NET });
  assert.is(r[1].code, 235);
  assert.match(r[2].text, /^553 5\.7\.1 <erp@beta\.test> is not a sender address of the SMS account "acme"/);
  const id = queuedAs(r.at(-1)!.text);
  assert.is(b.store.get(`${id}.1`)!.account, 'acme');
});

A('a failed login on a trusted network :: MAIL FROM 530 5.7.0, not sent as the network\'s account; a login that then succeeds sends as the user', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', plain('clerk', 'altes-passwort'), 'MAIL FROM:<erp@beta.test>', plain('clerk', PASSWORD), 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345607@sms.localhost>', 'DATA', ...mail('clerk@acme.test', 'Nach dem zweiten Versuch.')], { localAddress: BETA_NET });
  assert.is(r[1].code, 535);
  assert.is(r[2].text, '530 5.7.0 the login failed, so this connection sends nothing: check the user name and password set in the mail program');
  assert.is(r[3].code, 235);
  const id = queuedAs(r.at(-1)!.text);
  assert.is(b.store.get(`${id}.1`)!.account, 'acme');
  const plainNet = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<erp@beta.test>'], { localAddress: BETA_NET });
  assert.is(plainNet[1].code, 250, 'without a login attempt the trusted network still sends');
});

A('sender binding :: a user of account A with B\'s address in From :: 553 5.7.1 at DATA, nothing stored', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', plain('clerk', PASSWORD), 'MAIL FROM:<clerk@acme.test>', 'RCPT TO:<+4915112345606@sms.localhost>', 'DATA', ...mail('erp@beta.test', 'Gefälscht.')], { localAddress: PLAIN_OK });
  assert.match(r.at(-1)!.text, /^553 5\.7\.1 <erp@beta\.test> is not a sender address of the SMS account "acme"/);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted' && e.to === '+4915112345606'));
});

A('unauthenticated stranger :: 530 5.7.0; AUTH is not even offered without TLS, and tried anyway it gets 538 5.7.11 (RFC 4954)', async ({ b }) => {
  const logins = () => b.events.filter((e) => e.evt === 'auth-succeeded' || e.evt === 'auth-failed').length;
  const before = logins();
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>', plain('clerk', PASSWORD)], { localAddress: STRANGER });
  assert.not.match(r[0].text, /AUTH/);
  assert.match(r[0].text, /STARTTLS/);
  assert.match(r[1].text, /^530 5\.7\.0 authentication required/);
  assert.is(r[2].text, '538 5.7.11 encryption required before logging in: use STARTTLS (or the implicit TLS port), then AUTH');
  assert.is(logins(), before, 'the password was not even looked at');
});

A('wrong password :: 535 5.7.8, each failure delayed more; the second in a session :: 421 and the connection closed', async ({ b }) => {
  const ip = '127.0.0.1';
  const r = await chat(b.port, ['EHLO client.test', plain('clerk', 'falsch-falsch'), plain('niemand', PASSWORD)], { localAddress: ip });
  assert.is(r[1].text, '535 5.7.8 authentication failed: wrong user name or password');
  assert.is(r[2].text, '421 4.7.0 too many failed logins, closing the connection');
  const delays = b.events.filter((e) => e.evt === 'auth-failed' && e.ip === ip).map((e) => e.delayMs);
  assert.equal(delays.slice(-2), [20, 40]);
});

A('guessing from one IP :: after smtp.auth.maxFailuresPerIp even the right password gets 421 4.7.0; other IPs log in', async ({ b }) => {
  const guesser = '127.0.0.6';
  for (let i = 0; i < 2; i++) await chat(b.port, ['EHLO client.test', plain('clerk', `rate-${i}-a`), plain('clerk', `rate-${i}-b`)], { localAddress: guesser });
  const locked = await chat(b.port, ['EHLO client.test', plain('clerk', PASSWORD)], { localAddress: guesser });
  assert.match(locked[1].text, /^421 4\.7\.0 too many failed logins from 127\.0\.0\.6; try again in \d+ minute/);
  const other = await chat(b.port, ['EHLO client.test', plain('clerk', PASSWORD)], { localAddress: PLAIN_OK });
  assert.is(other[1].code, 235);
});

A('unknown user and wrong password :: the same reply', async ({ b }) => {
  const a = await chat(b.port, ['EHLO client.test', plain('clerk', 'nicht-das-passwort')], { localAddress: '127.0.0.7' });
  const c = await chat(b.port, ['EHLO client.test', plain('gibt-es-nicht', PASSWORD)], { localAddress: '127.0.0.8' });
  assert.is(a[1].code, 535);
  assert.is(a[1].text, c[1].text);
});

A('account without addresses :: its user may log in but not send :: 553 5.7.1', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', plain('nobody', PASSWORD), 'MAIL FROM:<any@where.test>'], { localAddress: PLAIN_OK });
  assert.is(r[1].code, 235);
  assert.match(r[2].text, /^553 5\.7\.1 the SMS account "open" lists no sender addresses/);
});

A('user removed after logging in :: 530 5.7.0 at the next MAIL FROM', async ({ b }) => {
  await b.users.add('temp', 'acme', PASSWORD);
  const r = await chat(b.port, ['EHLO client.test', plain('temp', PASSWORD), 'MAIL FROM:<clerk@acme.test>', 'RSET', 'NOOP'], { localAddress: PLAIN_OK });
  assert.is(r[2].code, 250);
  await b.users.remove('temp');
  const again = await chat(b.port, ['EHLO client.test', plain('temp', PASSWORD)], { localAddress: PLAIN_OK });
  assert.is(again[1].code, 535);
});

A.run();
