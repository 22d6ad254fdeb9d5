import { rm } from 'node:fs/promises';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../../src/config/load.js';
import { CALLBACK_LEVELS, callbackLevel } from '../../../src/notify/callbacks/levels.js';
import { bearer, call } from '../../helpers/api.js';
import { startTestBridge, type TestBridge } from '../../helpers/bridge.js';
import { Receiver } from './receiver.js';

/**
 * The words of a callback's level are one list: whatever a request takes,
 * the account's settings take, and the reverse (review 3 C2: "delivery"
 * was taken by POST /api/v1/messages and refused by PATCH /api/v1/accounts).
 */
const L = suite<{ erp: Receiver; b: TestBridge; lead: string }>('status callbacks :: level words');

L.before(async (ctx) => {
  ctx.erp = await new Receiver().start();
  ctx.b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], statusCallbacks: { allow: [`${ctx.erp.url}/hooks/`], secret: 'erp-callback-secret-0123456789' } }] as never,
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
L.after(async (ctx) => {
  await ctx.b.stop();
  await ctx.erp.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

L('the list :: notify.level\'s words and delivery, which stands for final', () => {
  assert.equal([...CALLBACK_LEVELS].sort(), ['all', 'delivery', 'failure', 'final', 'none']);
  assert.equal(CALLBACK_LEVELS.map(callbackLevel), CALLBACK_LEVELS.map((w) => (w === 'delivery' ? 'final' : w)));
  assert.is(callbackLevel('sometimes'), undefined);
  assert.is(callbackLevel('toString'), undefined, 'no word of Object.prototype');
});

L('every word :: taken by a request, by the account\'s settings (PATCH) and by the config file alike', async ({ erp, b, lead }) => {
  for (const word of CALLBACK_LEVELS) {
    const level = callbackLevel(word);
    const patched = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallbackLevel: word } });
    assert.is(patched.status, 200, `PATCH ${word}: ${JSON.stringify(patched.body)}`);
    assert.is(patched.body.statusCallbackLevel, level, `the account's level for ${word}`);
    const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: `Stufe ${word}`, statusCallback: `${erp.url}/hooks/x`, statusCallbackLevel: word } });
    assert.is(sent.status, 201, `POST ${word}: ${JSON.stringify(sent.body)}`);
    const stored = b.store.get(sent.body.messages[0].id)?.callback;
    assert.equal(stored, level === 'none' ? undefined : { url: `${erp.url}/hooks/x`, level });
    const c = buildConfig({ accounts: [{ name: 'acme', statusCallbackLevel: word, statusCallbacks: { allow: ['https://erp.acme.test/'], secret: '0123456789abcdef' } }] });
    assert.is(c.accounts[0]!.statusCallbackLevel, word, `config file: ${word}`);
  }
});

L('a word outside the list :: refused by a request and by the account\'s settings, each naming the words', async ({ erp, b, lead }) => {
  const patched = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallbackLevel: 'sometimes' } });
  assert.is(patched.status, 422);
  assert.is(patched.body.detail, 'statusCallbackLevel: is "sometimes"; allowed: one of "none", "failure", "final", "delivery", "all"');
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', statusCallback: `${erp.url}/hooks/x`, statusCallbackLevel: 'sometimes' } });
  assert.equal([sent.status, sent.body.title], [422, 'BadOption'], JSON.stringify(sent.body));
  assert.is(sent.body.detail, 'option statusCallbackLevel has the value "sometimes", which is not valid: use none, failure, final, delivery or all');
});

L.run();
