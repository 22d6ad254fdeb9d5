import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../../helpers/api.js';
import { outboxFiles, startTestBridge, type TestBridge } from '../../helpers/bridge.js';
import { mailer, refusal } from '../../helpers/smtp.js';

/**
 * The preview (X-SMS-Preview, preview@, POST /api/v1/messages/preview)
 * checks a status callback as a send does, with the same checks: a URL a
 * send would refuse refuses the preview, and one it would take is shown
 * with its level. Nothing is called: the receivers here are not even
 * listening (port 9 on loopback).
 */
const ALLOWED = 'http://127.0.0.1:9/hooks/';

const P = suite<{ b: TestBridge; lead: string }>('status callbacks :: preview');

P.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], statusCallbacks: { allow: [ALLOWED], secret: 'erp-callback-secret-0123456789' } }] as never,
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
P.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

/** The URLs a send refuses, each for its own reason, and the sentence that names the reason. */
const REFUSED: Array<[string, string, RegExp]> = [
  ['outside the allow list', 'http://10.0.0.1/hooks/x', /is not allowed; allowed: URLs under http:\/\/127\.0\.0\.1:9\/hooks\//],
  ['with a user name and password', 'http://user:pw@127.0.0.1:9/hooks/x', /carries a user name or password/],
  ['with an encoded path separator', 'http://127.0.0.1:9/hooks/..%2fadmin', /has an encoded "\/", "\\" or "%" in its path/],
];

const previewMail = (b: TestBridge, headers: Record<string, string>, subject = '[PREVIEW] Rechnung') =>
  mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject, text: 'Ihre Rechnung ist fällig.', headers });

for (const [why, url, sentence] of REFUSED) {
  P(`mail preview :: a callback URL ${why} is refused as a send would be (550 5.7.1 CallbackNotAllowed)`, async ({ b }) => {
    const sent = await refusal(mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'Rechnung', text: 'x', headers: { 'X-SMS-Status-Callback': url } }));
    const previewed = await refusal(previewMail(b, { 'X-SMS-Status-Callback': url }));
    assert.match(previewed, /^550 5\.7\.1 X-SMS-Status-Callback: status callback /);
    assert.match(previewed, sentence);
    assert.is(previewed, sent, 'the same reply as a send');
  });

  P(`api preview :: a statusCallback ${why} is refused as a submit would be (422 CallbackNotAllowed)`, async ({ b, lead }) => {
    const body = { to: '+4915112345678', text: 'x', statusCallback: url };
    const previewed = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body });
    const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
    assert.equal([previewed.status, previewed.body.title], [422, 'CallbackNotAllowed'], JSON.stringify(previewed.body));
    assert.match(previewed.body.detail, sentence);
    assert.equal(previewed.body.allowed, [ALLOWED]);
    assert.equal({ ...previewed.body, instance: '' }, { ...sent.body, instance: '' }, 'the same answer as a submit');
  });
}

P('preview :: a bad level is a bad option, named with the URL\'s refusal, by mail and by the API', async ({ b, lead }) => {
  const previewed = await refusal(previewMail(b, { 'X-SMS-Status-Callback': 'http://10.0.0.1/', 'X-SMS-Status-Callback-Level': 'always' }));
  assert.match(previewed, /^550 5\.6\.0 option X-SMS-Status-Callback-Level has the value "always", which is not valid: use none, failure, final, delivery or all; X-SMS-Status-Callback: status callback "http:\/\/10\.0\.0\.1\/" is not allowed/);
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', statusCallbackLevel: 'always' } });
  assert.equal([r.status, r.body.title], [422, 'BadOption']);
  assert.is(r.body.detail, 'option statusCallbackLevel has the value "always", which is not valid: use none, failure, final, delivery or all');
});

P('mail preview :: an allowed callback is shown with its level (its query left out), and nothing is stored or called', async ({ b }) => {
  const info = await previewMail(b, { 'X-SMS-Status-Callback': `${ALLOWED}sms?token=geheim`, 'X-SMS-Status-Callback-Level': 'delivery', 'Message-ID': '<cb-preview-1@acme.test>' });
  assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent/);
  const answers = await Promise.all([...(await outboxFiles(b)).entries()].filter(([n]) => n.startsWith('preview.')).map(([, raw]) => simpleParser(raw)));
  const text = answers.find((a) => a.inReplyTo === '<cb-preview-1@acme.test>')?.text ?? '';
  assert.match(text, /^Status callback: http:\/\/127\.0\.0\.1:9\/hooks\/sms\?…, level final\.$/m);
  assert.not.match(text, /geheim/);
  assert.ok(Object.values(b.store.counts()).every((n) => n === 0), 'nothing stored');
});

P('api preview :: the callback the SMS would get: the request\'s, the account\'s default, or none', async ({ b, lead }) => {
  const preview = (body: Record<string, unknown>) => call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', ...body } });
  const asked = await preview({ statusCallback: `${ALLOWED}a`, statusCallbackLevel: 'failure' });
  assert.is(asked.status, 200, JSON.stringify(asked.body));
  assert.equal(asked.body.callback, { url: `${ALLOWED}a`, level: 'failure' });
  assert.not.ok('callback' in (await preview({})).body, 'no callback: none asked, no default');
  const patched = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallback: `${ALLOWED}default` } });
  assert.is(patched.status, 200, JSON.stringify(patched.body));
  try {
    assert.equal((await preview({})).body.callback, { url: `${ALLOWED}default`, level: 'all' });
    assert.not.ok('callback' in (await preview({ statusCallbackLevel: 'none' })).body, 'switched off by the request');
  } finally {
    await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallback: null } });
  }
  assert.ok(Object.values(b.store.counts()).every((n) => n === 0), 'nothing stored');
});

P.run();
