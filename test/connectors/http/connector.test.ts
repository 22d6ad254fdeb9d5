import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { HttpConnector, type HttpConnectorOptions } from '../../../src/connectors/http/connector.js';
import type { DeliveryReport, OutboundSms } from '../../../src/connectors/types.js';
import { NOBODY_LISTENS, startLoopback, type Loopback } from './loopback.js';

const sms: OutboundSms = { id: 'sms-1', to: '+447700900123', text: 'Your code is 1234 & more', encoding: 'GSM7', segments: 1, sender: 'ACME' };

const send = suite<{ peer: Loopback }>('http :: submit over loopback', { peer: undefined as unknown as Loopback });
send.before(async (ctx) => {
  ctx.peer = await startLoopback();
});
send.after(async (ctx) => ctx.peer.close());
send.before.each((ctx) => {
  ctx.peer.requests.length = 0;
});

const jsonApi = (peer: Loopback, extra: Partial<HttpConnectorOptions> = {}): HttpConnectorOptions => ({
  name: 'rest',
  url: `${peer.base}/v1/messages`,
  method: 'POST',
  headers: { Authorization: 'Bearer t0ken' },
  body: { type: 'json', fields: { to: '{{to}}', from: '{{from}}', text: '{{text}}', reference: '{{id}}' } },
  timeoutMs: 2000,
  response: { messageIdFrom: { type: 'json', path: 'messages.0.id' } },
  ...extra,
});

send('http :: json api :: POST JSON body, message id by json path', async ({ peer }) => {
  peer.reply = () => ({ status: 201, type: 'application/json', body: '{"messages":[{"id":"agg-77","status":"queued"}]}' });
  const res = await new HttpConnector(jsonApi(peer)).submit(sms);
  assert.equal(res, { ok: true, connectorMessageId: 'agg-77' });
  const [req] = peer.requests;
  assert.is(req.method, 'POST');
  assert.is(req.url.pathname, '/v1/messages');
  assert.is(req.headers.authorization, 'Bearer t0ken');
  assert.is(req.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(req.body), { to: '+447700900123', from: 'ACME', text: 'Your code is 1234 & more', reference: 'sms-1' });
});

send('http :: form api :: POST form body, message id by regex', async ({ peer }) => {
  peer.reply = () => ({ status: 200, body: 'OK: id=ab12cd\n' });
  const opts = jsonApi(peer, {
    body: { type: 'form', fields: { To: '{{to_digits}}', Body: '{{text}}' } },
    response: { messageIdFrom: { type: 'regex', pattern: 'id=(\\w+)' } },
  });
  const res = await new HttpConnector(opts).submit(sms);
  assert.equal(res, { ok: true, connectorMessageId: 'ab12cd' });
  const [req] = peer.requests;
  assert.is(req.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(Object.fromEntries(new URLSearchParams(req.body)), { To: '447700900123', Body: 'Your code is 1234 & more' });
});

send('http :: get api :: query from templates', async ({ peer }) => {
  peer.reply = () => ({ status: 200, body: '{"id":991}' });
  const opts = jsonApi(peer, { method: 'GET', body: undefined, query: { dest: '{{to_digits}}', msg: '{{text}}' }, response: { messageIdFrom: { type: 'json', path: 'id' } } });
  assert.equal(await new HttpConnector(opts).submit(sms), { ok: true, connectorMessageId: '991' });
  assert.equal(Object.fromEntries(peer.requests[0].url.searchParams), { dest: '447700900123', msg: 'Your code is 1234 & more' });
});

const outcomes: Array<[name: string, status: number, body: string, temporary: boolean]> = [
  ['503 is temporary', 503, 'Service Unavailable', true],
  ['429 is temporary', 429, '{"error":"rate limited"}', true],
  ['400 is permanent', 400, '{"error":"invalid destination"}', false],
];
for (const [name, status, body, temporary] of outcomes) {
  send(`http :: classification :: ${name}`, async ({ peer }) => {
    peer.reply = () => ({ status, body });
    const res = await new HttpConnector(jsonApi(peer)).submit(sms);
    assert.is(res.ok, false);
    if (res.ok) return;
    assert.is(res.temporary, temporary);
    assert.is(res.reason, `HTTP ${status}: ${body}`);
  });
}

send('http :: classification :: a server that never answers is a temporary timeout', async ({ peer }) => {
  peer.reply = () => 'hang';
  const started = Date.now();
  const res = await new HttpConnector(jsonApi(peer, { timeoutMs: 200 })).submit(sms);
  assert.equal(res, { ok: false, temporary: true, reason: 'no answer within 200 ms', uncertain: true });
  assert.ok(Date.now() - started < 2000);
});

send('http :: classification :: a refused connection is temporary', async ({ peer }) => {
  const res = await new HttpConnector(jsonApi(peer, { url: `${NOBODY_LISTENS}/v1/messages` })).submit(sms);
  assert.is(res.ok, false);
  if (!res.ok) {
    assert.is(res.temporary, true);
    assert.match(res.reason, /^network error: .*ECONNREFUSED/);
    assert.is(res.uncertain, undefined, 'a request that never reached the aggregator can be sent again safely');
  }
});

send('http :: classification :: accepted without a message id (review 4a, F2) :: taken, with our own id, and a warning naming the setting', async ({ peer }) => {
  peer.reply = () => ({ status: 200, body: '{"status":"queued","msgid":"X"}' });
  const events: Array<Record<string, unknown>> = [];
  const c = new HttpConnector(jsonApi(peer), { log: (evt, d) => events.push({ evt, ...d }) });
  const res = await c.submit(sms);
  assert.equal([res.ok, res.ok && res.connectorMessageId], [true, 'sms-1']);
  assert.match(res.ok ? res.note ?? '' : '', /no message id where response\.messageIdFrom\.path = "messages\.0\.id" looks/);
  assert.equal(events, [{
    evt: 'http-no-message-id', connector: 'rest', msgId: 'sms-1', status: 200, setting: 'response.messageIdFrom.path = "messages.0.id"',
    action: 'recorded as handed over with our own id; check the setting against the aggregator\'s answer',
  }]);
  assert.equal([c.health().up, c.health().state], [true, 'ready']);
});

send('http :: health (review 4a, F6) :: up follows the last submit; 429 with Retry-After keeps the connector away until then, then a submit decides', async ({ peer }) => {
  let now = new Date('2025-03-01T12:00:00Z');
  const events: Array<Record<string, unknown>> = [];
  const c = new HttpConnector(jsonApi(peer), { now: () => now, log: (evt, d) => events.push({ evt, ...d }) });
  assert.equal(c.health(), { up: true, state: 'ready', bySubmits: true });
  peer.reply = () => ({ status: 429, body: 'slow down', headers: { 'Retry-After': '120' } });
  const res = await c.submit(sms);
  assert.equal([res.ok, !res.ok && res.temporary], [false, true]);
  assert.equal(c.health(), { up: false, state: 'throttled', detail: 'the aggregator asked to wait until 2025-03-01T12:02:00.000Z (HTTP 429: slow down)' });
  // The refusal (at debug, for the metric) and the start of the throttling episode (connectors/throttling.ts).
  assert.equal(events, ['connector-throttled', 'http-throttled'].map((evt) => ({ evt, connector: 'rest', status: 429, waitSeconds: 120, until: '2025-03-01T12:02:00.000Z' })));
  now = new Date('2025-03-01T12:02:01Z');
  assert.equal(c.health(), { up: false, state: 'failing', bySubmits: true, detail: 'HTTP 429: slow down' }, 'offered again: only a submit can tell');
  peer.reply = () => ({ status: 400, body: 'invalid number' });
  await c.submit(sms);
  assert.equal(c.health(), { up: true, state: 'ready', bySubmits: true, detail: 'HTTP 400: invalid number' }, 'a refusal of the SMS is an answer: the connector works');
  peer.reply = () => ({ status: 503, body: 'down' });
  await c.submit(sms);
  assert.is(c.health().up, false, 'no Retry-After: failing, not throttled');
  assert.is(c.health().state, 'failing');
});

send('http :: lookup and resume :: HTTP cannot tell, nothing to re-arm', async ({ peer }) => {
  const c = new HttpConnector(jsonApi(peer));
  assert.equal(await c.lookup('sms-1'), { found: 'unknown' });
  c.resume([{ id: 'sms-1', to: sms.to, connectorMessageId: 'x' }]);
});

send('http :: options :: a typo in a template fails at construction', ({ peer }) => {
  assert.throws(() => new HttpConnector(jsonApi(peer, { query: { t: '{{txt}}' } })), /unknown placeholder \{\{txt\}\}/);
});

send.run();

// ---- webhook of a generic REST aggregator ----

const hook = suite<{ c: HttpConnector; reports: DeliveryReport[] }>('http :: webhook', { c: undefined as unknown as HttpConnector, reports: [] });
const at = new Date('2025-01-02T03:04:05Z');

const hookOptions: HttpConnectorOptions = {
  name: 'rest',
  url: 'http://127.0.0.1:9/unused',
  method: 'POST',
  timeoutMs: 1000,
  response: { messageIdFrom: { type: 'json', path: 'id' } },
  webhook: {
    listen: { host: '127.0.0.1', port: 0 },
    path: '/dlr/rest',
    secret: 'hook-secret',
    idParam: 'message.id',
    statusParam: 'message.status',
    statusMap: { DELIVERED: 'delivered', UNDELIVERABLE: 'failed', EXPIRED: 'expired' },
    reasonParam: 'message.error',
  },
};

hook.before(async (ctx) => {
  ctx.c = new HttpConnector(hookOptions, { now: () => at });
  ctx.c.onReport((r) => ctx.reports.push(r));
  await ctx.c.start();
});
hook.after(async (ctx) => ctx.c.stop());
hook.before.each((ctx) => {
  ctx.reports.length = 0;
});

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

hook('http :: webhook :: webhookUrl is the real loopback address after start', ({ c }) => {
  assert.match(c.webhookUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/dlr\/rest$/);
});

hook('http :: webhook :: JSON report with the secret in a header :: delivered', async ({ c, reports }) => {
  const res = await postJson(c.webhookUrl!, { message: { id: 'agg-77', status: 'DELIVERED' } }, { 'X-Webhook-Secret': 'hook-secret' });
  assert.is(res.status, 200);
  assert.equal(reports, [{ connectorMessageId: 'agg-77', status: 'delivered', at }]);
});

hook('http :: webhook :: JSON report with the secret in the query :: failed with reason', async ({ c, reports }) => {
  const res = await postJson(`${c.webhookUrl}?secret=hook-secret`, { message: { id: 'agg-78', status: 'UNDELIVERABLE', error: 'absent subscriber' } });
  assert.is(res.status, 200);
  assert.equal(reports, [{ connectorMessageId: 'agg-78', status: 'failed', at, reason: 'absent subscriber' }]);
});

hook('http :: webhook :: a report before anyone listens (the bridge still starting) :: 503, so the aggregator sends it again', async () => {
  const early = new HttpConnector({ ...hookOptions, name: 'early' });
  await early.start();
  try {
    const res = await postJson(early.webhookUrl!, { message: { id: 'agg-80', status: 'DELIVERED' } }, { 'X-Webhook-Secret': 'hook-secret' });
    assert.equal([res.status, await res.text()], [503, 'not ready for reports yet']);
  } finally {
    await early.stop();
  }
});

hook('http :: webhook :: wrong or missing secret :: 403 and no report', async ({ c, reports }) => {
  const body = { message: { id: 'agg-79', status: 'DELIVERED' } };
  assert.is((await postJson(c.webhookUrl!, body, { 'X-Webhook-Secret': 'hook-secreT' })).status, 403);
  assert.is((await postJson(`${c.webhookUrl}?secret=hook`, body)).status, 403);
  assert.is((await postJson(c.webhookUrl!, body)).status, 403);
  assert.equal(reports, []);
});

hook('http :: webhook :: unknown status or missing id :: 400 and no report', async ({ c, reports }) => {
  const h = { 'X-Webhook-Secret': 'hook-secret' };
  assert.is((await postJson(c.webhookUrl!, { message: { id: 'agg-80', status: 'SOMETHING' } }, h)).status, 400);
  assert.is((await postJson(c.webhookUrl!, { message: { id: 'agg-80', status: 'constructor' } }, h)).status, 400);
  assert.is((await postJson(c.webhookUrl!, { message: { status: 'DELIVERED' } }, h)).status, 400);
  assert.equal(reports, []);
});

hook('http :: webhook :: other paths 404, other methods 405', async ({ c }) => {
  const u = new URL(c.webhookUrl!);
  assert.is((await fetch(`${u.origin}/elsewhere?secret=hook-secret`)).status, 404);
  assert.is((await fetch(`${c.webhookUrl}?secret=hook-secret`, { method: 'PUT' })).status, 405);
});

hook('http :: webhook :: form report', async ({ c, reports }) => {
  const res = await fetch(`${c.webhookUrl}?secret=hook-secret`, {
    method: 'POST',
    body: new URLSearchParams({ 'message.id': 'agg-81', 'message.status': 'EXPIRED' }),
  });
  assert.is(res.status, 200);
  assert.equal(reports, [{ connectorMessageId: 'agg-81', status: 'expired', at }]);
});

hook.run();
