import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';

/** POST /api/v1/messages/preview over real HTTP: what a submit of the same body would send, and that nothing is sent or stored. */
const P = suite<{ b: TestBridge; lead: string }>('api preview');

P.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], timeZone: 'Europe/Berlin' }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
P.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

/** Nothing stored, nothing handed to a connector, nothing logged as accepted. */
function assertNothingSent(b: TestBridge) {
  assert.ok(Object.values(b.store.counts()).every((n) => n === 0), 'nothing stored');
  assert.is(b.sim.sent.length, 0, 'nothing sent');
  assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted'));
}

P('preview :: a GSM text of 161 septets: two segments with their parts; € counts two septets', async ({ b, lead }) => {
  const text = `Rechnung INV-4711 über 10 € ist fällig. ${'x'.repeat(120)}`;
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: ['+4915112345678', '015112345679'], text, reference: 'INV-4711' } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.match(r.type, /^application\/json/);
  assert.equal([r.body.encoding, r.body.units, r.body.segments, r.body.perSegment], ['GSM7', 161, 2, 153]);
  assert.is(r.body.parts.length, 2);
  assert.is(r.body.parts.join(''), text);
  assert.equal(r.body.nonGsm, []);
  assert.is(r.body.options.reference, 'INV-4711');
  assert.equal(r.body.recipients.map((x: { to: string }) => x.to), ['+4915112345678', '+4915112345679'], 'national numbers in the account\'s country');
  assert.not.ok('problem' in r.body);
  assert.not.ok('cuts' in r.body, 'nothing is cut from an API text');
  assertNothingSent(b);
});

P('preview :: Unicode: the characters that forced UCS2; typographic ones kept as written, as in mail (replacing them would save nothing), 70 per segment', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: '„Привет“ – bis morgen' } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal([r.body.encoding, r.body.segments, r.body.perSegment, r.body.characters, r.body.units], ['UCS2', 1, 70, 21, 21]);
  assert.equal(r.body.nonGsm, ['П', 'р', 'и', 'в', 'е', 'т']);
  assert.equal(r.body.replaced, []);
  assert.is(r.body.text, '„Привет“ – bis morgen');
  assertNothingSent(b);
});

P('preview :: a send time ahead: each number says when it would go', async ({ b, lead }) => {
  // Noon two days ahead: within options.maxAheadDays and outside any night-time quiet hours.
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'Später.', sendAt: `${day}T12:00:00+01:00` } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.is(r.body.recipients[0].notBefore, `${day}T11:00:00.000Z`);
  assert.is(r.body.options.sendAt, `${day}T11:00:00.000Z`);
  assertNothingSent(b);
});

P('preview :: a text a send would refuse is answered with that refusal as `problem`, where the submit gets it as its error', async ({ b, lead }) => {
  const body = { to: '+4915112345678', text: 'y'.repeat(200), maxSegments: 1 };
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.is(r.body.segments, 2);
  assert.type(r.body.problem, 'string');
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.ok(sent.status >= 400, JSON.stringify(sent.body));
  assert.ok(r.body.problem.includes(sent.body.detail), `${r.body.problem} / ${sent.body.detail}`);
  assertNothingSent(b);
});

P('preview :: a request a submit refuses is refused alike: bad number, bad option, another account, no login', async ({ b, lead }) => {
  const bad = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+49123', text: 'x' } });
  assert.equal([bad.status, bad.body.title], [422, 'InvalidNumber']);
  assert.match(bad.body.detail, /"\+49123"/);
  const option = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', validity: '4d' } });
  assert.equal([option.status, option.body.title], [422, 'BadOption']);
  assert.match(option.body.detail, /option validity has the value "4d"/);
  const foreign = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', account: 'other' } });
  assert.is(foreign.status, 403);
  const unknown = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', colour: 'red' } });
  assert.is(unknown.status, 400, 'unknown fields are refused, as for a submit');
  assert.is((await call(b, 'POST', '/api/v1/messages/preview', { body: { to: '+4915112345678', text: 'x' } })).status, 401);
  assertNothingSent(b);
});

P('openapi :: the preview is described with the submit\'s body', async ({ b }) => {
  const r = await call(b, 'GET', '/api/v1/openapi.json');
  const op = r.body.paths['/api/v1/messages/preview']?.post;
  assert.ok(op, Object.keys(r.body.paths).join(', '));
  assert.match(op.summary, /sending and storing nothing/);
  assert.equal(Object.keys(op.requestBody.content['application/json'].schema.properties), Object.keys(r.body.paths['/api/v1/messages'].post.requestBody.content['application/json'].schema.properties));
});

P.run();
