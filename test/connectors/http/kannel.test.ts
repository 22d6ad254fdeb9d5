import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { HttpConnector } from '../../../src/connectors/http/connector.js';
import { kannelPreset } from '../../../src/connectors/http/kannel.js';
import type { DeliveryReport, OutboundSms } from '../../../src/connectors/types.js';
import { startLoopback, type Loopback } from './loopback.js';

const gsm: OutboundSms = { id: 'sms-1', to: '+4915112345678', text: 'Hello world & co', encoding: 'GSM7', segments: 1 };
const ucs2: OutboundSms = { id: 'sms-2', to: '+4915112345678', text: 'Привет 😀', encoding: 'UCS2', segments: 1, sender: 'Shop' };

interface Ctx {
  kannel: Loopback;
  c: HttpConnector;
  reports: DeliveryReport[];
}
const k = suite<Ctx>('http :: kannel preset', { kannel: undefined as unknown as Loopback, c: undefined as unknown as HttpConnector, reports: [] });
const at = new Date('2025-01-02T03:04:05Z');

k.before(async (ctx) => {
  ctx.kannel = await startLoopback();
  ctx.kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
  const opts = kannelPreset({ name: 'kannel', baseUrl: ctx.kannel.base, username: 'bridge', password: 'p&ss', from: 'ACME', secret: 'hook-secret' });
  ctx.c = new HttpConnector(opts, { now: () => at });
  ctx.c.onReport((r) => ctx.reports.push(r));
  await ctx.c.start();
});
k.after(async (ctx) => {
  await ctx.c.stop();
  await ctx.kannel.close();
});
k.before.each((ctx) => {
  ctx.kannel.requests.length = 0;
  ctx.reports.length = 0;
});

k('http :: kannel preset :: exact sendsms query for a GSM text', async () => {
  const kannel = await startLoopback();
  kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
  // a fixed public webhook URL, as behind a proxy, makes the whole query predictable
  const opts = kannelPreset({
    name: 'kannel',
    baseUrl: kannel.base,
    username: 'bridge',
    password: 'p&ss',
    from: 'ACME',
    smsc: 'vodafone',
    dlrWebhookBase: 'http://gw.example:8089/dlr/kannel',
    secret: 'hook-secret',
  });
  const c = new HttpConnector(opts);
  try {
    // No sender of its own: it went with the preset's from, and the result says so (the store keeps it for replies).
    assert.equal(await c.submit(gsm), { ok: true, connectorMessageId: 'sms-1', sender: 'ACME' });
  } finally {
    await kannel.close();
  }
  const [req] = kannel.requests;
  assert.is(req.method, 'GET');
  assert.is(req.url.pathname, '/cgi-bin/sendsms');
  assert.is(
    req.url.search,
    '?username=bridge&password=p%26ss&to=%2B4915112345678&text=Hello+world+%26+co&from=ACME&coding=0&charset=UTF-8' +
      '&dlr-mask=19&dlr-url=http%3A%2F%2Fgw.example%3A8089%2Fdlr%2Fkannel%3Fsecret%3Dhook-secret%26id%3Dsms-1%26type%3D%25d%26reply%3D%25A' +
      '&smsc=vodafone',
  );
  const q = Object.fromEntries(req.url.searchParams);
  assert.equal(q, {
    username: 'bridge',
    password: 'p&ss',
    to: '+4915112345678',
    text: 'Hello world & co',
    from: 'ACME',
    coding: '0',
    charset: 'UTF-8',
    'dlr-mask': '19',
    'dlr-url': 'http://gw.example:8089/dlr/kannel?secret=hook-secret&id=sms-1&type=%d&reply=%A',
    smsc: 'vodafone',
  });
});

k('http :: kannel preset :: a flash SMS valid 2 h 30 min 59 s more :: exact query with mclass=0 and validity=150 (minutes, rounded down)', async () => {
  const kannel = await startLoopback();
  kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
  const opts = kannelPreset({ name: 'kannel', baseUrl: kannel.base, username: 'bridge', password: 'pw', from: 'ACME', dlrWebhookBase: 'http://gw.example:8089/dlr/kannel', secret: 'hook-secret' });
  const c = new HttpConnector(opts, { now: () => new Date('2025-01-02T03:00:00Z') });
  try {
    const flash = { ...gsm, id: 'sms-9', text: 'Code 4711', flash: true, expiresAt: '2025-01-02T05:30:59.500Z' };
    assert.equal(await c.submit(flash), { ok: true, connectorMessageId: 'sms-9', sender: 'ACME' });
    assert.equal(await c.submit({ ...gsm, id: 'sms-10', text: 'Code 4712', expiresAt: '2025-01-02T03:00:30Z' }), { ok: true, connectorMessageId: 'sms-10', sender: 'ACME' });
  } finally {
    await kannel.close();
  }
  const [first, second] = kannel.requests;
  assert.is(
    first.url.search,
    '?username=bridge&password=pw&to=%2B4915112345678&text=Code+4711&from=ACME&coding=0&charset=UTF-8&mclass=0&validity=150' +
      '&dlr-mask=19&dlr-url=http%3A%2F%2Fgw.example%3A8089%2Fdlr%2Fkannel%3Fsecret%3Dhook-secret%26id%3Dsms-9%26type%3D%25d%26reply%3D%25A',
  );
  assert.equal([second.url.searchParams.get('mclass'), second.url.searchParams.get('validity')], [null, '1'], 'not flash; under a minute left still says 1');
});

k('http :: kannel preset :: UCS-2 text as UTF-8 with coding=2, the SMS sender wins', async ({ c, kannel }) => {
  assert.equal(await c.submit(ucs2), { ok: true, connectorMessageId: 'sms-2' });
  const q = kannel.requests[0].url.searchParams;
  assert.is(q.get('text'), 'Привет 😀');
  assert.ok(kannel.requests[0].url.search.includes('text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%F0%9F%98%80&'));
  assert.is(q.get('coding'), '2');
  assert.is(q.get('charset'), 'UTF-8');
  assert.is(q.get('from'), 'Shop');
  assert.is(q.get('dlr-url'), `${c.webhookUrl}?secret=hook-secret&id=sms-2&type=%d&reply=%A`);
});

k('http :: kannel preset :: no from anywhere :: Kannel default sender, no empty from=', async ({ kannel }) => {
  const c = new HttpConnector(kannelPreset({ name: 'k2', baseUrl: kannel.base, username: 'u', password: 'p', dlrWebhookBase: 'http://gw.example/dlr', secret: 's' }));
  assert.equal(await c.submit(gsm), { ok: true, connectorMessageId: 'sms-1' }, 'Kannel chose the sender: none is claimed');
  assert.is(kannel.requests[0].url.searchParams.has('from'), false);
});

k('http :: kannel preset :: 202 queued is ok, 503 temporary, 400 permanent, 403 (a wrong password, review 4a F3) the connector\'s fault', async ({ c, kannel }) => {
  kannel.reply = () => ({ status: 202, body: '3: Queued for later delivery' });
  assert.equal(await c.submit(gsm), { ok: true, connectorMessageId: 'sms-1', sender: 'ACME' });
  kannel.reply = () => ({ status: 503, body: 'Temporal failure, try again later.' });
  assert.equal(await c.submit(gsm), { ok: false, temporary: true, reason: 'HTTP 503: Temporal failure, try again later.' });
  kannel.reply = () => ({ status: 400, body: 'Number(s) has/have been denied by white- and/or black-lists.' });
  assert.equal(await c.submit(gsm), { ok: false, temporary: false, reason: 'HTTP 400: Number(s) has/have been denied by white- and/or black-lists.', final: 'rejected' });
  kannel.reply = () => ({ status: 403, body: 'Authorization failed for sendsms' });
  assert.equal(await c.submit(gsm), {
    ok: false, temporary: true, scope: 'connector', reason: 'HTTP 403: Authorization failed for sendsms (the aggregator refuses this connector\'s requests: check its credentials and URL)',
  });
  kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
});

/** What Kannel does with the dlr-url: substitute %d and %A (URL-encoded), then GET it. */
const kannelCallback = (dlrUrl: string, type: number, reply: string): Promise<Response> =>
  fetch(dlrUrl.replace('%d', String(type)).replace('%A', encodeURIComponent(reply)));

const callbacks: Array<[type: number, status: DeliveryReport['status']]> = [
  [1, 'delivered'],
  [2, 'failed'],
  [16, 'rejected'],
  [8, 'enroute'],
];
for (const [type, status] of callbacks) {
  k(`http :: kannel preset :: dlr callback type=${type} :: ${status}`, async ({ c, kannel, reports }) => {
    await c.submit(gsm);
    const dlrUrl = kannel.requests[0].url.searchParams.get('dlr-url') ?? '';
    const res = await kannelCallback(dlrUrl, type, 'id:1 stat:X err:000');
    assert.is(res.status, 200);
    // Our own id is Kannel's message id, so the report names our SMS (ourId) even if the submit's answer never came.
    assert.equal(reports, [{ connectorMessageId: 'sms-1', status, at, reason: 'id:1 stat:X err:000', ourId: 'sms-1' }]);
  });
}

k('http :: kannel preset :: callback with a wrong secret :: 403 and no report', async ({ c, reports }) => {
  const res = await fetch(`${c.webhookUrl}?secret=guess&id=sms-1&type=1`);
  assert.is(res.status, 403);
  assert.equal(reports, []);
});

k('http :: kannel preset :: unknown type :: 400 and no report', async ({ c, reports }) => {
  const res = await fetch(`${c.webhookUrl}?secret=hook-secret&id=sms-1&type=3`);
  assert.is(res.status, 400);
  assert.equal(reports, []);
});

k.run();
