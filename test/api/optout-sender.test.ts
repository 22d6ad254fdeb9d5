import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

/**
 * The REST API and an opt-out for one sender, over real HTTP: the submit
 * knows each SMS's sender, so a number that replied STOP to that sender is
 * refused at once (the request whole, as every refusal), naming the sender;
 * the same number from another sender is sent; the preview shows it per number.
 */
const O = suite<{ b: TestBridge; lead: string }>('api opt-out for one sender');

const HANDSET = '+4915112345678';
const OTHER = '+4915112345679';

O.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], allowedSenderIds: ['80888', 'BANK'] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
  await ctx.b.optout.add(HANDSET, new Date(), { via: 'sms', sender: '80888', note: 'replied "STOP" to 80888 via smsc' });
});
O.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

const send = (b: TestBridge, auth: string, body: Record<string, unknown>) => call(b, 'POST', '/api/v1/messages', { auth, body: { text: 'Ihr Konto ist im Minus.', ...body } });
const refusal = {
  to: HANDSET, name: 'OptedOutOfSender', temporary: false, code: 550, enhanced: '5.7.1',
  text: `${HANDSET} asked not to receive SMS from 80888 (opt-out list), the sender ID of this SMS; nothing is sent to it`,
};

O('submit :: from the sender it opted out of: 422 naming the number and the sender, nothing stored; from another sender: 201 and sent', async ({ b, lead }) => {
  const before = Object.values(b.store.counts()).reduce((a, n) => a + n, 0);
  const r = await send(b, lead, { to: [HANDSET, OTHER], senderId: '80888' });
  assert.equal([r.status, r.body.title], [422, 'OptedOutOfSender'], JSON.stringify(r.body));
  assert.equal(r.body.recipients, [refusal]);
  assert.is(Object.values(b.store.counts()).reduce((a, n) => a + n, 0), before, 'taken whole or not at all');
  const ok = await send(b, lead, { to: HANDSET, senderId: 'BANK' });
  assert.is(ok.status, 201, JSON.stringify(ok.body));
  const sent = await waitFor('the bank\'s SMS at the connector', () => b.sim.sent.find((m) => m.to === HANDSET));
  assert.is(sent.sender, 'BANK');
});

O('submit :: no sender ID and a connector that leaves it to the aggregator: refused, it could come from 80888', async ({ b, lead }) => {
  const r = await send(b, lead, { to: HANDSET });
  assert.is(r.status, 422);
  assert.match(r.body.recipients[0].text, /asked not to receive SMS from 80888 \(opt-out list\), and this SMS names no sender ID, so it could arrive from that number/);
});

O('preview :: the opted-out number carries the refusal a submit would get, the other number none', async ({ b, lead }) => {
  const p = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: [HANDSET, OTHER], text: 'Sale!', senderId: '80888' } });
  assert.is(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.recipients.map((x: { to: string; error?: unknown }) => [x.to, x.error]), [[HANDSET, refusal], [OTHER, undefined]]);
  assert.is(p.body.recipients[0].refusal, `550 5.7.1 ${refusal.text}`);
  const other = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: HANDSET, text: 'Minus.', senderId: 'BANK' } });
  assert.is(other.body.recipients[0].error, undefined);
});

O.run();
