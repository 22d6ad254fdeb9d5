import { rm } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, refusal } from '../helpers/smtp.js';
import { Receiver } from '../notify/callbacks/receiver.js';

/**
 * Retarus' billing code ([BC:…], X-SMS-Billing-Code, the REST API's
 * billingCode): the cost centre an SMS is billed to, taken out of the
 * text, stored on the SMS and shown where cost is accounted for: the
 * message in the REST API, the CSV export and the status callback.
 */
const SECRET = 'erp-callback-secret-0123456789';
const B = suite<{ erp: Receiver; b: TestBridge; lead: string }>('billing code');

B.before(async (ctx) => {
  ctx.erp = await new Receiver().start();
  ctx.b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], statusCallbacks: { allow: [`${ctx.erp.url}/hooks/`], secret: SECRET } }] as never,
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
B.after(async ({ b, erp }) => {
  await b.stop();
  await erp.stop();
  await rm(b.dir, { recursive: true, force: true });
});

const idOf = (response: string) => `${/queued as ([0-9A-Z]+)/.exec(response)![1]}.1`;
const send = (b: TestBridge, to: string, subject: string, text: string, headers: Record<string, string> = {}) =>
  mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject, text, headers });

B('[BC:…] in the subject :: not in the SMS text; in the message, the CSV export and every status callback', async ({ b, erp, lead }) => {
  // An empty body: the subject is the text, so a tag left in would be sent.
  const info = await send(b, '+4915112345901', 'Zahlung fällig [BC:KST 4711/Mahnwesen]', '', { 'X-SMS-Status-Callback': `${erp.url}/hooks/bc` });
  const id = idOf(info.response);
  await waitFor('delivered, pushed', () => erp.statuses(id).includes('delivered'));
  const view = (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body;
  assert.equal([view.text, view.billingCode], ['Zahlung fällig', 'KST 4711/Mahnwesen']);
  const pushed = erp.got.filter((g) => g.body.smsId === id);
  assert.ok(pushed.length >= 3 && pushed.every((g) => g.body.billingCode === 'KST 4711/Mahnwesen'), JSON.stringify(pushed.map((g) => g.body)));
  const csv = String((await call(b, 'GET', `/api/v1/messages?id=${id}&format=csv`, { auth: lead })).body).replace(/^\uFEFF/, '').trim().split('\r\n');
  const columns = csv[0].split(',');
  assert.is(csv[1].split(',')[columns.indexOf('billingCode')], 'KST 4711/Mahnwesen');
});

B('X-SMS-Billing-Code :: wins over the tag; a mail without one has null; the REST API takes billingCode alike', async ({ b, lead }) => {
  const header = idOf((await send(b, '+4915112345902', 'x [BC:TAG]', 'Text.', { 'X-SMS-Billing-Code': 'HDR-1' })).response);
  const none = idOf((await send(b, '+4915112345903', 'x', 'Text.')).response);
  const api = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345904', text: 'Text.', billingCode: 'API-7' } });
  assert.is(api.status, 201, JSON.stringify(api.body));
  assert.is(api.body.messages[0].billingCode, 'API-7');
  const codes = [];
  for (const id of [header, none]) codes.push((await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.billingCode);
  assert.equal(codes, ['HDR-1', null]);
});

B('a billing code too long or with a control character :: 550 5.6.0 naming it and what is accepted; 422 BadOption from the REST API; nothing stored', async ({ b, lead }) => {
  const long = 'K'.repeat(71);
  assert.is(await refusal(send(b, '+4915112345905', `x [BC:${long}]`, 'Text.')),
    `550 5.6.0 option [BC] has the value "${long.slice(0, 80)}", which is not valid: use 1 to 70 printable characters`);
  assert.is(await refusal(send(b, '+4915112345905', 'x', 'Text.', { 'X-SMS-Billing-Code': 'KST\u0007 1' })),
    '550 5.6.0 option X-SMS-Billing-Code has the value "KST\\u0007 1", which is not valid: use 1 to 70 printable characters');
  const api = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345905', text: 'Text.', billingCode: '' } });
  assert.equal([api.status, api.body.title, api.body.detail], [422, 'BadOption', 'option billingCode has the value "", which is not valid: use 1 to 70 printable characters']);
  const found = (await call(b, 'GET', '/api/v1/messages?to=4915112345905', { auth: lead })).body.items;
  assert.is(found.length, 0);
});

B.run();
