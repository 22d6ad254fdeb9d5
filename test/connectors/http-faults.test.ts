import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { metric, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { NOBODY_LISTENS, startLoopback, type Loopback, type Reply } from './http/loopback.js';

/**
 * Review 4a, F2, F3, F5 and F6: what an HTTP aggregator's answers other
 * than "taken, here is the id" do to an SMS, its connector and its sending
 * account. The aggregator is a loopback HTTP server answering as each case
 * says; a simulator stands by as the route's fallback where one matters.
 */
const F = suite('connectors :: http aggregator faults through the bridge');

const SECRET = 'rest-report-secret-123';
const BRAKE = { failureRatio: 0.5, minOutcomes: 2, newNumbersPerWindow: 0 };

const agg = (url: string) => ({
  name: 'agg', type: 'http',
  http: {
    url,
    body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}', callback: '{{dlr_url}}' } },
    response: { messageIdFrom: { type: 'json', path: 'messages.0.id' }, errorFrom: { type: 'json', path: 'error.message' } },
    webhook: {
      enabled: true, listen: { port: 0 }, secret: SECRET, dlrUrlQuery: { ref: '{{id}}' },
      idParam: 'message.id', statusParam: 'message.status', ourIdParam: 'ref', statusMap: { DELIVERED: 'delivered' },
    },
  },
});
const fallback = { name: 'fallback', type: 'simulator', simulator: { deliveryDelayMs: 20 } };

async function withAggregator(reply: (n: number) => Reply, body: (peer: Loopback) => Promise<void>): Promise<void> {
  const peer = await startLoopback();
  peer.reply = () => reply(peer.requests.length);
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
}

/** A bridge whose account's fraud brake would stop it after two failures in three outcomes. */
const withBrakedBridge = (config: object, body: (b: TestBridge) => Promise<void>) => withBridge({ limits: { brake: BRAKE }, ...config } as never, body);

const send = (b: TestBridge, to: string) => sendSms(b.port, to, { subject: 'Mahnung', text: 'Zahlung offen' });

const statusOf = (b: TestBridge, id: string) => b.store.get(id)?.status;
const eventsOf = (b: TestBridge, evt: string) => b.events.filter((e) => e.evt === evt);

F('F2 :: 200 without a readable message id :: handed over with our own id, never failed, not counted by the fraud brake; a warning names the setting; a report with our reference delivers it', async () => {
  await withAggregator(() => ({ status: 200, type: 'application/json', body: '{"status":"queued","msgid":"X"}' }), async (peer) => {
    await withBrakedBridge({ connectors: [agg(`${peer.base}/send`)] }, async (b) => {
      const ids = [await send(b, '+4915112349001'), await send(b, '+4915112349002'), await send(b, '+4915112349003')];
      await waitFor('all submitted', () => ids.every((id) => statusOf(b, id) === 'submitted'));
      const m = b.store.get(ids[0])!;
      const submitted = m.history.at(-1)!;
      assert.equal([submitted.connector, submitted.connectorMessageId], ['agg', ids[0]]);
      assert.match(submitted.reason ?? '', /took it \(HTTP 200\) but its answer had no message id where response\.messageIdFrom\.path = "messages\.0\.id" looks/);
      const warned = eventsOf(b, 'http-no-message-id');
      assert.equal(warned.map((e) => [e.connector, e.setting]), ids.map(() => ['agg', 'response.messageIdFrom.path = "messages.0.id"']));
      assert.is(eventsOf(b, 'brake-engaged').length, 0);

      const callback = (JSON.parse(peer.requests[0].body) as { callback: string }).callback;
      const res = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { id: 'AGG-1', status: 'DELIVERED' } }) });
      assert.is(res.status, 200);
      assert.is(statusOf(b, ids[0]), 'delivered');
      assert.equal(peer.requests.length, 3, 'each sent once');
    });
  });
});

F('F3 :: 401 (an expired API key) with a fallback :: the SMS goes to the fallback at once, the breaker opens on the first, logged at error, connector_up 0, counted as a connector failure and a failover', async () => {
  await withAggregator(() => ({ status: 401, type: 'application/json', body: '{"error":{"message":"invalid API key"}}' }), async (peer) => {
    await withBrakedBridge({ connectors: [agg(`${peer.base}/send`), fallback] }, async (b) => {
      const id = await send(b, '+4915112349011');
      await waitFor('delivered through the fallback', () => statusOf(b, id) === 'delivered');
      assert.is(b.sims.fallback.sent.length, 1);
      const refused = eventsOf(b, 'http-connector-refused');
      assert.equal(refused.map((e) => [e.connector, e.status, e.msgId]), [['agg', 401, id]]);
      assert.match(String(refused[0].reason), /^HTTP 401: invalid API key \(the aggregator refuses this connector's requests: check its credentials and URL\)$/);
      const opened = eventsOf(b, 'breaker-open');
      assert.equal(opened.map((e) => [e.connector, e.failures, e.atOnce]), [['agg', 1, true]]);
      assert.equal([
        await metric(b, 'mail2sms_connector_up{connector="agg"}'),
        await metric(b, 'mail2sms_connector_breaker_open{connector="agg"}'),
        await metric(b, 'mail2sms_connector_submit_failures_total{connector="agg",kind="connector"}'),
        await metric(b, 'mail2sms_sms_failovers_total{from="agg",to="fallback"}'),
        await metric(b, 'mail2sms_sms_final_total{connector="agg",status="rejected"}'),
      ], [0, 1, 1, 1, undefined]);
    });
  });
});

F('F3 :: Kannel-style 403 and no fallback :: the SMS waits for a retry instead of being rejected, and the account\'s fraud brake stays off', async () => {
  await withAggregator(() => ({ status: 403, body: 'Authorization failed for sendsms' }), async (peer) => {
    await withBrakedBridge({ connectors: [{ ...agg(`${peer.base}/send`), breaker: { failures: 1, coolDownSeconds: 1 } }], dispatch: { retry: { baseSeconds: 3600 } } }, async (b) => {
      const ids = [await send(b, '+4915112349021'), await send(b, '+4915112349022'), await send(b, '+4915112349023')];
      await waitFor('each waiting for a retry', () => ids.every((id) => eventsOf(b, 'sms-retry').some((e) => e.msgId === id)));
      for (const id of ids) assert.is(statusOf(b, id), 'accepted');
      assert.match(b.store.get(ids[0])!.history.at(-1)!.reason ?? '', /agg: HTTP 403: Authorization failed for sendsms/);
      assert.is(eventsOf(b, 'sms-final').length, 0);
      assert.is(eventsOf(b, 'brake-engaged').length, 0);
    });
  });
});

F('F5 :: 504 from a proxy in front of the aggregator, a fallback ready :: not confirmed (it may have been taken), not sent again through the fallback', async () => {
  await withAggregator(() => ({ status: 504, body: '<html>504 Gateway Time-out</html>' }), async (peer) => {
    await withBrakedBridge({ connectors: [agg(`${peer.base}/send`), fallback] }, async (b) => {
      const id = await send(b, '+4915112349031');
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      const failed = b.store.get(id)!.history.at(-1)!;
      assert.equal([failed.uncertain, failed.connector], [true, 'agg']);
      assert.match(failed.detail ?? '', /agg: HTTP 504: <html>504 Gateway Time-out<\/html> \(the aggregator may have taken it\)/);
      assert.is(b.sims.fallback.sent.length, 0, 'not sent twice');
      assert.is(await metric(b, 'mail2sms_connector_submit_failures_total{connector="agg",kind="uncertain"}'), 1);
    });
  });
});

F('F5 :: a plain 500 still means "not taken" by default :: the fallback sends it at once', async () => {
  await withAggregator(() => ({ status: 500, body: 'Internal Server Error' }), async (peer) => {
    await withBrakedBridge({ connectors: [agg(`${peer.base}/send`), fallback] }, async (b) => {
      const id = await send(b, '+4915112349032');
      await waitFor('delivered through the fallback', () => statusOf(b, id) === 'delivered');
      assert.is(await metric(b, 'mail2sms_connector_submit_failures_total{connector="agg",kind="temporary"}'), 1);
    });
  });
});

F('F6 :: aggregator unreachable :: connector_up 0 and the failover counted; once it answers again connector_up is 1', async () => {
  await withBrakedBridge({ connectors: [agg(`${NOBODY_LISTENS}/send`), fallback] }, async (b) => {
    const id = await send(b, '+4915112349041');
    await waitFor('delivered through the fallback', () => statusOf(b, id) === 'delivered');
    assert.equal([
      await metric(b, 'mail2sms_connector_up{connector="agg"}'),
      await metric(b, 'mail2sms_connector_up{connector="fallback"}'),
      await metric(b, 'mail2sms_sms_failovers_total{from="agg",to="fallback"}'),
      await metric(b, 'mail2sms_connector_submit_failures_total{connector="agg",kind="temporary"}'),
    ], [0, 1, 1, 1]);
    const status = b.connectorStatus().find((c) => c.name === 'agg')!;
    assert.equal([status.health.up, status.health.state], [false, 'failing']);
    assert.match(status.health.detail ?? '', /ECONNREFUSED/);
  });
  let answer: Reply = { status: 503, body: 'Service Unavailable' };
  await withAggregator(() => answer, async (peer) => {
    await withBrakedBridge({ connectors: [agg(`${peer.base}/send`), fallback] }, async (b) => {
      const first = await send(b, '+4915112349042');
      await waitFor('delivered through the fallback', () => statusOf(b, first) === 'delivered');
      assert.is(await metric(b, 'mail2sms_connector_up{connector="agg"}'), 0);
      answer = { status: 200, type: 'application/json', body: '{"messages":[{"id":"AGG-2"}]}' };
      const id = await send(b, '+4915112349043');
      await waitFor('submitted through agg', () => statusOf(b, id) === 'submitted');
      assert.is(await metric(b, 'mail2sms_connector_up{connector="agg"}'), 1);
    });
  });
});

F.run();
