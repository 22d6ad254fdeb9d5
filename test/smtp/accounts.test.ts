import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines, queuedAs } from '../helpers/smtp.js';

/**
 * Who may send, over real sockets: the source address picks the trusted
 * network (any 127.x.y.z can be a client's address on Linux), MAIL FROM and
 * the From header must belong to that account, and the account's defaults
 * shape the SMS.
 */
const ACME = '127.0.0.2';
const BETA = '127.0.0.3';
const OPEN = '127.0.0.4';

const S = suite('smtp accounts', {} as { b: TestBridge });
S.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [
      { name: 'acme', description: 'ACME', networks: [ACME], addresses: ['@acme.test'], defaultCountry: 'AT', notify: 'all' },
      { name: 'beta', description: 'Beta', networks: [BETA], addresses: ['erp@beta.test'], maxSegments: 1 },
      { name: 'open', description: 'a closed network taking any sender', networks: [OPEN], addresses: [] },
    ] as never,
  });
  await ctx.b.users.add('clerk', 'acme', 'Secret-Pass-1');
});
S.after(async ({ b }) => stopTestBridge(b));

const mail = (from: string, body: string, id: string) => dataLines(`From: ${from}\r\nSubject: Erinnerung\r\nMessage-ID: <${id}@test>\r\n\r\n${body}`);
const send = (from: string, rcpt: string, lines: string[]) => ['EHLO client.test', `MAIL FROM:<${from}>`, `RCPT TO:<${rcpt}>`, 'DATA', ...lines];

S('mail from :: a connection from no trusted network, not authenticated :: 530 5.7.0 naming the address', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<clerk@acme.test>'], { localAddress: '127.0.0.1' });
  assert.is(r[1].code, 530);
  assert.match(r[1].text, /^530 5\.7\.0 authentication required: 127\.0\.0\.1 is not a trusted network/);
});

S('mail from :: an envelope sender outside the account :: 553 5.7.1 naming address and account', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<ceo@evil.test>', 'MAIL FROM:<clerk@acme.test>'], { localAddress: ACME });
  assert.is(r[1].text, '553 5.7.1 <ceo@evil.test> is not a sender address of the SMS account "acme"; send from one of its addresses');
  assert.is(r[2].code, 250, 'the same connection may go on with a right sender');
});

const PLAIN = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');

S('mail from :: the null sender <> from a trusted network whose account lists addresses :: 553 5.7.1, it is no address of the account', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', 'MAIL FROM:<>', 'MAIL FROM:<erp@beta.test>'], { localAddress: BETA });
  assert.is(r[1].text, '553 5.7.1 the null sender <> marks automatic mail and leaves nobody to confirm the SMS to; send from an address of the SMS account "beta"');
  assert.is(r[2].code, 250, 'the same connection may go on with a right sender');
});

S('mail from :: the null sender <> from a logged-in user :: 553 5.7.1 (a user\'s account always lists addresses)', async ({ b }) => {
  const r = await chat(b.port, ['EHLO client.test', `AUTH PLAIN ${PLAIN('clerk', 'Secret-Pass-1')}`, 'MAIL FROM:<>'], { localAddress: '127.0.0.1' });
  assert.is(r[1].code, 235);
  assert.match(r[2].text, /^553 5\.7\.1 the null sender <> marks automatic mail .* SMS account "acme"$/);
});

S('mail from :: the null sender <> from the network of an account that takes any sender :: taken, and its SMS goes out', async ({ b }) => {
  const r = await chat(b.port, send('', '+4915112345671@sms.localhost', mail('erp@open.test', 'Ohne Absender.', 'null1')), { localAddress: OPEN });
  const id = queuedAs(r.at(-1)!.text);
  const m = b.store.get(`${id}.1`)!;
  assert.equal([m.account, m.mail.envelopeFrom], ['open', '']);
  await waitFor('the SMS delivered', () => b.store.get(`${id}.1`)!.status === 'delivered');
});

S('data :: a From header outside the account (a forged display sender) :: 553 5.7.1, nothing stored', async ({ b }) => {
  const before = b.store.counts().accepted;
  const r = await chat(b.port, send('clerk@acme.test', '+436641234567@sms.localhost', mail('boss@evil.test', 'Zahlen Sie jetzt.', 'forged')), { localAddress: ACME });
  assert.match(r.at(-1)!.text, /^553 5\.7\.1 <boss@evil\.test> is not a sender address of the SMS account "acme"/);
  // Regression: the envelope (clerk@acme.test) was accepted at MAIL FROM; the reply did not say which address it meant.
  assert.ok(r.at(-1)!.text.endsWith('; send from one of its addresses (this address is in the mail\'s From: header, which must belong to the account as the envelope sender does)'), r.at(-1)!.text);
  assert.is(b.store.counts().accepted, before);
});

S('data :: a From header with several mailboxes, one outside the account (also inside a group) :: 553 5.7.1 naming the foreign one, nothing stored', async ({ b }) => {
  const before = b.store.counts().accepted;
  for (const [from, foreign] of [['clerk@acme.test, boss@evil.test', 'boss@evil.test'], ['Team: clerk@acme.test, ceo@evil.test;', 'ceo@evil.test']]) {
    const r = await chat(b.port, send('clerk@acme.test', '+436641234567@sms.localhost', mail(from, 'Zahlen Sie jetzt.', `multi-${foreign}`)), { localAddress: ACME });
    const last = r.at(-1)!.text;
    assert.ok(last.startsWith(`553 5.7.1 <${foreign}> is not a sender address of the SMS account "acme"`), `${from}: ${last}`);
  }
  assert.is(b.store.counts().accepted, before);
  const ours = await chat(b.port, send('clerk@acme.test', '+436641234567@sms.localhost', mail('clerk@acme.test, "Buchhaltung" <clerk@acme.test>', 'Servus.', 'multi-ok')), { localAddress: ACME });
  assert.match(ours.at(-1)!.text, /^250 /, 'several mailboxes, all of the account');
});

S('defaults :: national numbers read in the account\'s country, its notify level and name on the SMS', async ({ b }) => {
  const r = await chat(b.port, send('clerk@acme.test', '06641234567@sms.localhost', mail('clerk@acme.test', 'Servus.', 'at1')), { localAddress: ACME });
  const id = queuedAs(r.at(-1)!.text);
  const m = b.store.get(`${id}.1`)!;
  assert.is(m.to, '+436641234567');
  assert.is(m.account, 'acme');
  assert.is(m.notify, 'all');
});

S('defaults :: the account\'s maxSegments is the limit :: 552 5.3.4 at 2 segments', async ({ b }) => {
  const r = await chat(b.port, send('erp@beta.test', '+4915112345678@sms.localhost', mail('erp@beta.test', 'x'.repeat(161), 'long')), { localAddress: BETA });
  assert.match(r.at(-1)!.text, /^552 5\.3\.4 the text would take 2 SMS segments, at most 1 are allowed/);
});

S('defaults :: a change made at run time applies to the next mail, without restart', async ({ b }) => {
  await b.accounts.changeDefaults('acme', { defaultCountry: 'CH' });
  const r = await chat(b.port, send('clerk@acme.test', '0781234567@sms.localhost', mail('clerk@acme.test', 'Grüezi.', 'ch1')), { localAddress: ACME });
  const id = queuedAs(r.at(-1)!.text);
  assert.is(b.store.get(`${id}.1`)!.to, '+41781234567');
  await waitFor('the SMS to go out', () => b.sim.sent.find((s) => s.to === '+41781234567'));
});

S.run();
