import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/**
 * The REST API sends under the same limits as mail: opt-out list,
 * destinations, per-number cap, rate and quota, each refused with the
 * sentence RCPT TO would give. Over real HTTP.
 */
const L = suite<{ b: TestBridge; lead: string }>('api limits');

const OPTED_OUT = '+4915199999999';

L.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], limits: { messagesPerMinute: 3, perNumberPerHour: 0, segmentsPerDay: 0 } }] as never,
    optout: [OPTED_OUT],
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
L.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

const send = (b: TestBridge, auth: string, to: string | string[], text = 'Bitte zahlen.') => call(b, 'POST', '/api/v1/messages', { auth, body: { to, text } });
const stored = (b: TestBridge) => Object.values(b.store.counts()).reduce((a, n) => a + n, 0);

L('opt-out :: a number on the list is refused with 422 and the opt-out sentence; nothing stored or sent', async ({ b, lead }) => {
  const before = stored(b);
  const r = await send(b, lead, OPTED_OUT);
  assert.is(r.status, 422, JSON.stringify(r.body));
  assert.is(r.body.title, 'OptedOut');
  assert.match(r.body.detail, /^\+4915199999999 has asked not to receive SMS/);
  assert.is(r.body.smtp, '550 5.7.1');
  assert.is(stored(b), before);
  assert.not.ok(b.sim.sent.some((s) => s.to === OPTED_OUT));
});

L('destinations :: a premium-rate number is refused as at RCPT; with a good number beside it the whole request is, naming each reason', async ({ b, lead }) => {
  const premium = await send(b, lead, '+499001234567');
  assert.is(premium.status, 422);
  assert.is(premium.body.smtp, '550 5.7.1');
  const mixed = await send(b, lead, ['+4915112345601', OPTED_OUT, '+499001234567']);
  assert.is(mixed.status, 422);
  assert.is(mixed.body.title, 'RecipientsRefused');
  assert.match(mixed.body.detail, /\+4915199999999 has asked not to receive SMS.*; .*\+499001234567/);
  assert.not.ok(b.sim.sent.some((s) => s.to === '+4915112345601'), 'taken whole or not at all');
});

L('preview :: names the opt-out refusal of the number, as a submit would get it', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: ['+4915112345602', OPTED_OUT], text: 'Hallo' } });
  assert.is(r.status, 200);
  const row = (to: string) => r.body.recipients.find((x: { to: string }) => x.to === to);
  assert.not.ok(row('+4915112345602').refusal);
  assert.match(row(OPTED_OUT).refusal, /^550 5\.7\.1 \+4915199999999 has asked not to receive SMS/);
});

L('regression: more numbers than smtp.maxRecipients :: 422 TooManyRecipients in the words of a request (never 503: the same request fails again), logged as a refusal without a stack', async ({ b, lead }) => {
  const numbers = Array.from({ length: 101 }, (_, i) => `+49151124${String(i).padStart(5, '0')}`);
  const before = stored(b);
  const r = await send(b, lead, numbers);
  assert.is(r.status, 422, JSON.stringify(r.body));
  assert.is(r.body.title, 'TooManyRecipients');
  assert.is(r.body.detail, 'too many numbers: at most 100 per request; send the rest in another request');
  assert.is(stored(b), before);
  assert.ok(b.events.some((e) => e.evt === 'api-refused' && e.error === 'TooManyRecipients' && e.status === 422 && e.ip === '127.0.0.1'), 'logged with the client\'s address');
  assert.not.ok(b.events.some((e) => e.evt === 'api-error'), 'an ordinary refusal is no api-error with a stack');
});

L('rate :: the account\'s messagesPerMinute counts API and mail together; over it 429 Too Many Requests with Retry-After and the rate sentence, nothing stored', async ({ b, lead }) => {
  assert.is((await send(b, lead, '+4915112345611')).status, 201);
  assert.is((await chat(b.port, ['EHLO x.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<+4915112345612@sms.localhost>', 'DATA', ...dataLines('From: erp@acme.test\r\nSubject: x\r\n\r\nHallo')])).at(-1)!.code, 250);
  assert.is((await send(b, lead, '+4915112345613')).status, 201);
  const before = stored(b);
  const over = await send(b, lead, '+4915112345614');
  assert.is(over.status, 429, JSON.stringify(over.body));
  assert.is(over.headers.get('retry-after'), '60');
  assert.is(over.body.title, 'RateExceeded');
  assert.is(over.body.smtp, '451 4.7.1');
  assert.is(stored(b), before);
  assert.not.ok(b.events.some((e) => e.evt === 'api-error'), 'a refusal for now (429) is no api-error with a stack either');
  await waitFor('the three to go out', () => ['+4915112345611', '+4915112345612', '+4915112345613'].every((n) => b.sim.sent.some((s) => s.to === n)));
});

L.run();
