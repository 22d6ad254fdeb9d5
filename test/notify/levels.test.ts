import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { CALLBACK_LEVELS, callbackLevel } from '../../src/notify/callbacks/levels.js';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * The words of a confirmation level are one list, the status callbacks' one:
 * the account's notify (config file, PATCH /api/v1/accounts), notify.level,
 * X-SMS-Notify, [NOTIFY:…] and the REST API's notify field take the same
 * words, `delivery` and `final` alike. The account took `final` but not
 * `delivery`, a mail `delivery` but not `final`.
 */
const L = suite<{ b: TestBridge; lead: string }>('notify :: level words');

L.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
L.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});


L('every word :: taken by X-SMS-Notify, [NOTIFY:…], the REST API, PATCH of the account and the config file, each as the level it stands for', async ({ b, lead }) => {
  for (const [i, word] of CALLBACK_LEVELS.entries()) {
    const level = callbackLevel(word);
    const send = mailer(b.port);
    // A number per word: the per-number cap (10 an hour) would refuse the later ones.
    const to = `+49151123456${10 + i}`;
    const byHeader = await send.sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'Stufe', text: `Header ${word}`, headers: { 'X-SMS-Notify': word } });
    const byTag = await send.sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: `[NOTIFY:${word}] Stufe`, text: `Tag ${word}` });
    for (const info of [byHeader, byTag]) {
      const sms = await waitFor(`the SMS of ${word}`, () => b.store.get(`${queuedAs(info.response)}.1`));
      assert.is(sms.notify, level, `mail with ${word}`);
    }
    const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to, text: `API ${word}`, notify: word } });
    assert.is(sent.status, 201, `POST ${word}: ${JSON.stringify(sent.body)}`);
    assert.is(b.store.get(sent.body.messages[0].id)?.notify, level, `REST API with ${word}`);
    const patched = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { notify: word } });
    assert.is(patched.status, 200, `PATCH ${word}: ${JSON.stringify(patched.body)}`);
    assert.is(patched.body.notify, level, `the account's level for ${word}`);
    const plain = await send.sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'Stufe', text: `Account ${word}` });
    assert.is((await waitFor('the SMS', () => b.store.get(`${queuedAs(plain.response)}.1`))).notify, level, `the account's ${word} applied to a mail`);
    const config = buildConfig({ notify: { level: word }, accounts: [{ name: 'acme', notify: word }] });
    assert.is(config.accounts[0]!.notify, word, `config file: ${word}`);
  }
});

L('a word outside the list :: refused by a mail, by PATCH and by the config file, each naming the words', async ({ b, lead }) => {
  const refused = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345678@sms.localhost', subject: '[NOTIFY:sometimes] Stufe', text: 'x' }).catch((e: Error) => e.message);
  assert.match(String(refused), 'the value "sometimes", which is not valid: use none, failure, final, delivery or all', String(refused));
  const patched = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { notify: 'sometimes' } });
  assert.is(patched.status, 422);
  assert.is(patched.body.detail, 'notify: is "sometimes"; allowed: one of "none", "failure", "final", "delivery", "all"');
  assert.throws(() => buildConfig({ notify: { level: 'sometimes' } }), /notify\.level/);
});

L.run();
