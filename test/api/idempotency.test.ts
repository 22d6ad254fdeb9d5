import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { IdempotencyKeys, requestFingerprint } from '../../src/api/idempotency.js';
import type { Problem } from '../../src/api/problems.js';
import { basic, call } from '../helpers/api.js';
import { markerSent, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

/**
 * POST /api/v1/messages with an Idempotency-Key, as the IETF draft asks:
 * a replay is answered as the first request was and sends nothing; the key
 * with another body is 422 and stores nothing. Over real HTTP.
 */
const I = suite<{ b: TestBridge }>('api idempotency');

const ACCOUNTS = [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }];
const lead = basic('lead', 'lead-password-1');

I.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: ACCOUNTS as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
});
I.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

const submit = (b: TestBridge, key: string, body: Record<string, unknown>) =>
  call(b, 'POST', '/api/v1/messages', { auth: lead, body, headers: { 'idempotency-key': key } });
const sentTo = (b: TestBridge, to: string) => b.sim.sent.filter((s) => s.to === to);

I('regression: a replay (same key, same body) :: 201 with the first mailId and messages, Idempotent-Replayed, one SMS', async ({ b }) => {
  const body = { to: ['+4915112345601', '+4915112345602'], text: 'Nur einmal.', reference: 'INV-1' };
  const first = await submit(b, 'erp-42', body);
  const again = await submit(b, 'erp-42', body);
  assert.is(first.status, 201, JSON.stringify(first.body));
  assert.is(again.status, 201, JSON.stringify(again.body));
  assert.is(again.headers.get('idempotent-replayed'), 'true');
  assert.is(first.headers.get('idempotent-replayed'), null);
  assert.is(again.body.mailId, first.body.mailId);
  assert.equal(again.body.messages.map((m: { id: string; to: string }) => [m.id, m.to]), first.body.messages.map((m: { id: string; to: string }) => [m.id, m.to]));
  assert.equal(again.body.duplicates, []);
  await waitFor('both delivered', () => b.store.get(`${first.body.mailId}.2`)?.status === 'delivered');
  assert.equal([sentTo(b, '+4915112345601').length, sentTo(b, '+4915112345602').length], [1, 1]);
});

I('regression: the same key with another text :: 422 IdempotencyKeyReused, nothing stored or sent', async ({ b }) => {
  const first = await submit(b, 'erp-43', { to: '+4915112345603', text: 'Mahnung 1' });
  assert.is(first.status, 201);
  const reused = await submit(b, 'erp-43', { to: '+4915112345603', text: 'Mahnung 2' });
  assert.is(reused.status, 422, JSON.stringify(reused.body));
  assert.match(reused.type, /^application\/problem\+json/);
  assert.is(reused.body.title, 'IdempotencyKeyReused');
  assert.match(reused.body.detail, /the Idempotency-Key "erp-43" was used for another request .*nothing was sent/);
  await waitFor('the first delivered', () => b.store.get(first.body.messages[0].id)?.status === 'delivered');
  await markerSent(b);
  assert.equal(sentTo(b, '+4915112345603').map((s) => s.text), ['Mahnung 1']);
  assert.ok(b.events.some((e) => e.evt === 'api-refused' && e.error === 'IdempotencyKeyReused' && e.status === 422));
});

I('regression: the same key with another number :: 422, no SMS to either number again', async ({ b }) => {
  await submit(b, 'erp-44', { to: '+4915112345604', text: 'Mahnung' });
  const reused = await submit(b, 'erp-44', { to: ['+4915112345604', '+4915112345605'], text: 'Mahnung' });
  assert.is(reused.status, 422);
  assert.is(reused.body.title, 'IdempotencyKeyReused');
  await markerSent(b);
  assert.is(sentTo(b, '+4915112345605').length, 0);
  assert.is(sentTo(b, '+4915112345604').length, 1);
});

I('a refused request leaves its key free :: the corrected request under the same key is taken', async ({ b }) => {
  const refused = await submit(b, 'erp-45', { to: '+4915112345606', text: 'x'.repeat(161), maxSegments: 1 });
  assert.equal([refused.status, refused.body.title], [422, 'TooManySegments']);
  const fixed = await submit(b, 'erp-45', { to: '+4915112345606', text: 'Korrigiert.' });
  assert.is(fixed.status, 201, JSON.stringify(fixed.body));
});

I('the same request twice at once :: one SMS; the second is the replay or 409 IdempotencyKeyInUse', async ({ b }) => {
  const body = { to: '+4915112345607', text: 'Gleichzeitig.' };
  const answers = await Promise.all([submit(b, 'erp-46', body), submit(b, 'erp-46', body)]);
  const statuses = answers.map((a) => a.status).sort();
  assert.ok(JSON.stringify(statuses) === '[201,201]' || JSON.stringify(statuses) === '[201,409]', JSON.stringify(answers.map((a) => a.body)));
  const conflict = answers.find((a) => a.status === 409);
  if (conflict) assert.is(conflict.body.title, 'IdempotencyKeyInUse');
  await waitFor('the SMS', () => sentTo(b, '+4915112345607').length > 0);
  await markerSent(b);
  assert.is(sentTo(b, '+4915112345607').length, 1);
});

I('a key still being handled :: 409 IdempotencyKeyInUse with Retry-After: 1; once settled, the replay', () => {
  const keys = new IdempotencyKeys({ ttlMs: 60_000, now: () => 0 });
  const first = keys.claim('acme', 'erp-48', 'fp');
  try {
    keys.claim('acme', 'erp-48', 'fp');
    assert.unreachable('the second claim must be refused while the first is handled');
  } catch (e) {
    const p = e as Problem;
    assert.equal([p.status, p.title, p.headers['retry-after']], [409, 'IdempotencyKeyInUse', '1']);
  }
  if ('settle' in first) first.settle({ mailId: 'M1', ids: ['M1.1'] });
  assert.equal(keys.claim('acme', 'erp-48', 'fp'), { replay: { mailId: 'M1', ids: ['M1.1'] } });
});

I('a replay after a restart (only the store remembers) :: 201 with the first ids, nothing sent again', async () => {
  const first = await startTestBridge({ accounts: ACCOUNTS as never });
  let second: TestBridge | undefined;
  try {
    await first.users.add('lead', 'acme', 'lead-password-1');
    const body = { to: '+4915112345608', text: 'Vor dem Neustart.' };
    const before = await submit(first, 'erp-47', body);
    assert.is(before.status, 201);
    await waitFor('delivered', () => first.store.get(before.body.messages[0].id)?.status === 'delivered');
    await first.stop();
    second = await startTestBridge({ accounts: ACCOUNTS as never }, first.dir);
    const after = await submit(second, 'erp-47', body);
    assert.is(after.status, 201, JSON.stringify(after.body));
    assert.is(after.headers.get('idempotent-replayed'), 'true');
    assert.equal([after.body.mailId, after.body.messages.map((m: { id: string }) => m.id)], [before.body.mailId, [before.body.messages[0].id]]);
    assert.is(after.body.messages[0].status, 'delivered');
    await markerSent(second);
    assert.is(sentTo(second, '+4915112345608').length, 0);
  } finally {
    await second?.stop();
    await rm(first.dir, { recursive: true, force: true });
  }
});

I.run();

const F = suite('api idempotency fingerprint');

F('the order of the fields and `to` as a string or a list of one do not count; any value, or a field more, does', () => {
  const fp = requestFingerprint({ to: '+4915112345678', text: 'Hallo', reference: 'A' });
  assert.is(requestFingerprint({ reference: 'A', text: 'Hallo', to: ['+4915112345678'] }), fp);
  assert.is.not(requestFingerprint({ to: '015112345678', text: 'Hallo', reference: 'A' }), fp);
  assert.is.not(requestFingerprint({ to: '+4915112345678', text: 'Hallo', reference: 'B' }), fp);
  assert.is.not(requestFingerprint({ to: '+4915112345678', text: 'Hallo', reference: 'A', flash: false }), fp);
});

F.run();
