import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, bearer, call, portalLogin } from '../helpers/api.js';
import { confirmationMails, outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs, refusal } from '../helpers/smtp.js';
import { Receiver } from '../notify/callbacks/receiver.js';
import { appendToArchive } from '../../src/store/archive.js';
import { newMailId } from '../../src/store/ids.js';

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

const idOf = (response: string) => `${queuedAs(response)}.1`;
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
  // The clerk's confirmation shows it beside their reference, so they see the cost centre was taken (review 5 L8).
  const delivered = (await confirmationMails(b, id, 1)).get('delivered')!;
  assert.match(delivered.text ?? '', /^Billing code: +KST 4711\/Mahnwesen$/m);
  assert.ok(String(delivered.html).includes('Billing code: KST 4711/Mahnwesen'), String(delivered.html));
});

B('[BC:…] in a mail to two numbers :: the one confirmation for both shows the billing code', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: ['+4915112345911@sms.localhost', '+4915112345912@sms.localhost'], subject: 'Zahlung fällig [BC:KST-2]', text: 'Bitte zahlen.',
  });
  const mailId = queuedAs(info.response);
  const mail = await waitFor('the confirmation for both', async () => {
    for (const raw of (await outboxFiles(b)).values()) {
      const text = (await simpleParser(raw)).text ?? '';
      if (text.includes(`${mailId}.1`) && text.includes(`${mailId}.2`)) return text;
    }
    return undefined;
  }, 20000);
  assert.match(mail, /^Billing code: +KST-2$/m);
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

/** A delivered SMS of days ago, as compaction files it in the archive, billed to `code`. */
async function archived(b: TestBridge, like: string, code: string): Promise<string> {
  const m = structuredClone(b.store.get(like)!);
  const at = new Date(Date.now() - 3 * 86_400_000);
  m.mailId = newMailId(at, () => Buffer.from('00000000b1', 'hex'));
  m.id = `${m.mailId}.1`;
  m.billingCode = code;
  m.history = m.history.map((e) => ({ ...e, at: at.toISOString() }));
  await appendToArchive(b.store.archiveDir, [m]);
  return m.id;
}

B('search by billing code :: the REST API, its CSV and the portal list only that cost centre\'s SMS, live and archived; the portal shows the code', async ({ b, lead }) => {
  const a1 = idOf((await send(b, '+4915112345911', 'Mahnung [BC:KST-A]', 'Text.')).response);
  const other = idOf((await send(b, '+4915112345912', 'Mahnung [BC:KST-B]', 'Text.')).response);
  const a2 = idOf((await send(b, '+4915112345913', 'Mahnung', 'Text.', { 'X-SMS-Billing-Code': 'KST-A' })).response);
  const old = await archived(b, a1, 'KST-A');
  await archived(b, other, 'KST-B');
  const items = (await call(b, 'GET', '/api/v1/messages?billingCode=KST-A', { auth: lead })).body.items;
  assert.equal(items.map((m: { id: string }) => m.id).sort(), [a1, a2, old].sort());
  const csv = String((await call(b, 'GET', '/api/v1/messages?billingCode=KST-A&format=csv', { auth: lead })).body).trim().split('\r\n');
  assert.equal(csv.slice(1).map((l) => l.split(',')[0]).sort(), [a1, a2, old].sort());
  const cookie = (await portalLogin(b, 'lead', 'lead-password-1')).headers.getSetCookie().find((c) => c.startsWith('m2s_session='))!.split(';')[0];
  const html = await (await fetch(`${apiBase(b)}/messages?billingCode=KST-A`, { headers: { cookie, accept: 'text/html' } })).text();
  assert.equal([...html.matchAll(/<tr data-id="([^"]+)"/g)].map((x) => x[1]).sort(), [a1, a2, old].sort());
  assert.match(html, /<th>billing code<\/th>/);
  assert.match(html, /name="billingCode" value="KST-A"/);
  assert.match(html, /href="\/api\/v1\/messages\?billingCode=KST-A&amp;format=csv"/);
  const page = await (await fetch(`${apiBase(b)}/messages/${old}`, { headers: { cookie, accept: 'text/html' } })).text();
  assert.match(page, /<dt>Billing code<\/dt><dd>KST-A<\/dd>/);
});

B.run();
