import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { bearer, call, portalForm, portalPage, portalSession } from '../helpers/api.js';
import { confirmationMails, outboxFiles, startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * accounts[].billingCode: a department's cost centre, used when the mail or
 * the request names none, and then treated as if it had been given: stored on
 * the SMS, shown in the preview and the confirmation. One the mail or the
 * request gives wins.
 */
const D = suite<{ b: TestBridge; lead: string }>('account default billing code');

D.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'mahnwesen', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], billingCode: 'KST 4711' }] as never });
  await ctx.b.users.add('lead', 'mahnwesen', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
D.after(async ({ b }) => stopTestBridge(b));

const send = (b: TestBridge, to: string, subject: string, headers: Record<string, string> = {}) =>
  mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject, text: 'Bitte zahlen.', headers });
const codeOf = async (b: TestBridge, lead: string, id: string) => (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.billingCode;

D('mail without a billing code :: the account\'s is stored and the confirmation shows it; [BC:…] and X-SMS-Billing-Code win', async ({ b, lead }) => {
  const plain = `${queuedAs((await send(b, '+4915112345931', 'Mahnung')).response)}.1`;
  const tagged = `${queuedAs((await send(b, '+4915112345932', 'Mahnung [BC:KST-OWN]')).response)}.1`;
  const header = `${queuedAs((await send(b, '+4915112345933', 'Mahnung', { 'X-SMS-Billing-Code': 'HDR-9' })).response)}.1`;
  assert.equal([await codeOf(b, lead, plain), await codeOf(b, lead, tagged), await codeOf(b, lead, header)], ['KST 4711', 'KST-OWN', 'HDR-9']);
  const delivered = (await confirmationMails(b, plain, 1)).get('delivered')!;
  assert.match(delivered.text ?? '', /^Billing code: +KST 4711$/m);
});

D('REST API :: a request without billingCode gets the account\'s, one with its own keeps it; the preview shows the account\'s', async ({ b, lead }) => {
  const none = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345934', text: 'Text.' } });
  const own = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345935', text: 'Text.', billingCode: 'API-7' } });
  assert.equal([none.status, own.status], [201, 201]);
  assert.equal([none.body.messages[0].billingCode, own.body.messages[0].billingCode], ['KST 4711', 'API-7']);
  const preview = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345936', text: 'Text.' } });
  assert.is(preview.status, 200, JSON.stringify(preview.body));
  assert.is(preview.body.options.billingCode, 'KST 4711', JSON.stringify(preview.body));
});

D('[PREVIEW] by mail :: the answer names the account\'s billing code as the SMS would carry it', async ({ b }) => {
  const info = await send(b, '+4915112345937', '[PREVIEW] Mahnung');
  assert.match(info.response, /^250 2\.0\.0 preview only/);
  const raw = await waitFor('the preview', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith('preview.'))?.[1]);
  const text = (await simpleParser(raw)).text ?? '';
  assert.match(text, /billing code KST 4711/, text);
});

D('config :: an account billing code with a control character is a problem naming the account and what is allowed', () => {
  try {
    buildConfig({ accounts: [{ name: 'x', networks: ['127.0.0.0/8'], billingCode: 'KST\u0007' }] }, 'x', {});
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as ConfigError).problems.join('\n'), /accounts\[0\]\.billingCode: is "KST\\u0007"; allowed: 1 to 70 printable characters/);
  }
});

D('PATCH /api/v1/accounts :: a team lead sets the account\'s billing code, checked as [BC:…] is (in its words; no blank at either end, which no header has); the next mail gets it; null goes back to the configured one', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/mahnwesen', { auth: lead, body: { billingCode: 'KST\u0007' } });
  assert.equal([bad.status, bad.body.title], [422, 'InvalidDefaults']);
  assert.equal(bad.body.errors, ['billingCode: is "KST\\u0007"; allowed: 1 to 70 printable characters']);
  for (const code of ['K'.repeat(71), '']) {
    const refused = await call(b, 'PATCH', '/api/v1/accounts/mahnwesen', { auth: lead, body: { billingCode: code } });
    assert.equal(refused.body.errors, [`billingCode: is "${code}"; allowed: 1 to 70 printable characters`], 'the words a mail\'s [BC:…] gets');
  }
  const blank = await call(b, 'PATCH', '/api/v1/accounts/mahnwesen', { auth: lead, body: { billingCode: ' KST 0815' } });
  assert.equal(blank.body.errors, ['billingCode: is " KST 0815"; allowed: no blank at the start or the end (a mail\'s billing code never has one)']);
  assert.is(b.accounts.get('mahnwesen')?.billingCode, 'KST 4711', 'nothing saved');
  const set = await call(b, 'PATCH', '/api/v1/accounts/mahnwesen', { auth: lead, body: { billingCode: 'KST 0815' } });
  assert.is(set.status, 200, JSON.stringify(set.body));
  assert.equal([set.body.billingCode, set.body.editable.includes('billingCode')], ['KST 0815', true]);
  const id = `${queuedAs((await send(b, '+4915112345938', 'Mahnung')).response)}.1`;
  assert.is(await codeOf(b, lead, id), 'KST 0815');
  const back = await call(b, 'PATCH', '/api/v1/accounts/mahnwesen', { auth: lead, body: { billingCode: null } });
  assert.is(back.body.billingCode, 'KST 4711');
});

D('portal :: the billing code is among the default options; a code too long is refused with the sentence [BC:…] gets, a good one saved and used', async ({ b, lead }) => {
  const { cookie, csrf } = await portalSession(b, 'lead', 'lead-password-1');
  const form = (await portalPage(b, '/accounts/mahnwesen', cookie)).html;
  assert.match(form, /<label for="f-billingCode">Billing code<\/label>\s*<input id="f-billingCode" name="billingCode" value="KST 4711">/);
  const long = await portalForm(b, '/accounts/mahnwesen', { _csrf: csrf, billingCode: 'K'.repeat(71) }, cookie);
  assert.is(long.status, 422);
  assert.match(await long.text(), /billingCode: is &quot;K{71}&quot;; allowed: 1 to 70 printable characters/);
  assert.is(b.accounts.get('mahnwesen')?.billingCode, 'KST 4711', 'nothing saved');
  const saved = await portalForm(b, '/accounts/mahnwesen', { _csrf: csrf, billingCode: 'KST 0816' }, cookie);
  assert.equal([saved.status, saved.headers.get('location')], [303, '/accounts/mahnwesen?saved=1']);
  const id = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345939', text: 'Text.' } });
  assert.is(id.body.messages[0].billingCode, 'KST 0816');
  assert.equal((await portalForm(b, '/accounts/mahnwesen', { _csrf: csrf, billingCode: '' }, cookie)).status, 303);
  assert.is(b.accounts.get('mahnwesen')?.billingCode, 'KST 4711', 'an emptied field goes back to the configured one');
});

D.run();
