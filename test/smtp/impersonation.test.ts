import nodemailer, { type Mail } from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

/**
 * Issue 5's "Done when": a logged-in user of account A cannot send as
 * account B — neither with B's envelope or From address nor with B's sender
 * ID — while A's own address and sender ID go through. nodemailer logs in
 * over plain SMTP from loopback (smtp.auth.plaintextNetworks' default).
 */
const PASSWORD = 'acme-passwort-123';

const I = suite('smtp impersonation', {} as { b: TestBridge });
I.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [
      // Neither account trusts a network: every mail must log in.
      { name: 'acme', description: 'ACME', networks: [], addresses: ['@acme.test'], senderId: 'ACME', allowedSenderIds: ['ACME'] },
      { name: 'bank', description: 'Bank', networks: [], addresses: ['@bank.test'], senderId: 'BANK', allowedSenderIds: ['BANK'] },
    ] as never,
  });
  await ctx.b.users.add('clerk', 'acme', PASSWORD);
});
I.after(async ({ b }) => stopTestBridge(b));

const transport = (b: TestBridge) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: b.port, ignoreTLS: true, auth: { user: 'clerk', pass: PASSWORD } });

/** The SMTP reply a send gets: its response on success, the server's refusal otherwise. */
async function reply(b: TestBridge, mail: Mail.Options): Promise<string> {
  try {
    return (await transport(b).sendMail({ to: '+4915112345678@sms.localhost', subject: 'Erinnerung', text: 'Bitte zahlen.', ...mail })).response;
  } catch (e) {
    return (e as { response?: string }).response ?? (e as Error).message;
  }
}

const CASES: Array<[string, Mail.Options, RegExp]> = [
  ['the other account\'s envelope sender :: 553 5.7.1',
    { from: 'boss@bank.test' }, /^553 5\.7\.1 <boss@bank\.test> is not a sender address of the SMS account "acme"/],
  ['its own envelope, the other account\'s From header :: 553 5.7.1',
    { envelope: { from: 'clerk@acme.test', to: ['+4915112345678@sms.localhost'] }, from: 'boss@bank.test' }, /^553 5\.7\.1 <boss@bank\.test> is not a sender address of the SMS account "acme"/],
  ['the other account\'s sender ID in a header :: 550 5.7.1',
    { from: 'clerk@acme.test', headers: { 'X-SMS-Sender-ID': 'BANK' } }, /^550 5\.7\.1 the sender ID "BANK" is not allowed for account "acme"/],
  ['the other account\'s sender ID as a subject tag :: 550 5.7.1',
    { from: 'clerk@acme.test', subject: '[SRC:BANK] Erinnerung' }, /^550 5\.7\.1 the sender ID "BANK" is not allowed for account "acme"/],
  ['its own address and sender ID :: 250, sent as ACME',
    { from: 'clerk@acme.test', headers: { 'X-SMS-Sender-ID': 'ACME' } }, /^250 2\.0\.0 queued as/],
];
for (const [name, mail, want] of CASES) {
  I(`user of acme :: ${name}`, async ({ b }) => assert.match(await reply(b, mail), want));
}

I('user of acme :: nothing refused reached the connector; the one accepted SMS went out under ACME', async ({ b }) => {
  await waitFor('the accepted SMS', () => b.sim.sent.length >= 1);
  assert.equal(b.sim.sent.map((s) => s.sender), ['ACME']);
});

I.run();
