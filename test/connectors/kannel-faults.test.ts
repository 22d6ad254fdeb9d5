import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { startLoopback, type Loopback, type Reply } from './http/loopback.js';

/**
 * What Kannel's sendsms refusals do to an SMS and its connector
 * (kannel.connectorErrorStatus): 403 "Authorization failed for sendsms", a
 * wrong username or password, is the connector's fault (failover, breaker
 * open at once), a 400 about the SMS is the SMS's. A loopback server plays
 * Kannel's smsbox; a simulator stands by as the route's fallback.
 */
const F = suite('connectors :: kannel refusals through the bridge');

const AUTH_FAILED: Reply = { status: 403, type: 'text/plain', body: 'Authorization failed for sendsms' };
const DENIED: Reply = { status: 400, type: 'text/plain', body: 'Number(s) has/have been denied by white- and/or black-lists.' };
const fallback = { name: 'fallback', type: 'simulator', simulator: { deliveryDelayMs: 20 } };
const kannel = (peer: Loopback, more: object = {}) => ({
  name: 'kannel', type: 'kannel', kannel: { baseUrl: peer.base, username: 'bridge', password: 'wrong', secret: 'kannel-test-secret-123', listenPort: 0, ...more },
});

async function withKannel(reply: Reply, body: (peer: Loopback) => Promise<void>): Promise<void> {
  const peer = await startLoopback();
  peer.reply = () => reply;
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
}

async function send(b: TestBridge, to: string): Promise<string> {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'Mahnung', text: 'Zahlung offen' });
  return `${queuedAs(info.response)}.1`;
}
const eventsOf = (b: TestBridge, evt: string) => b.events.filter((e) => e.evt === evt);

F('403 Authorization failed for sendsms :: the connector\'s fault by default: the SMS goes through the fallback, the breaker opens on the first', async () => {
  await withKannel(AUTH_FAILED, async (peer) => {
    await withBridge({ connectors: [kannel(peer), fallback] } as never, async (b) => {
      const id = await send(b, '+4915112349101');
      await waitFor('delivered through the fallback', () => b.store.get(id)?.status === 'delivered');
      assert.equal(eventsOf(b, 'http-connector-refused').map((e) => [e.connector, e.status, e.msgId]), [['kannel', 403, id]]);
      assert.equal(eventsOf(b, 'breaker-open').map((e) => [e.connector, e.atOnce]), [['kannel', true]]);
      assert.is(peer.requests[0].url.pathname, '/cgi-bin/sendsms');
    });
  });
});

F('400 denied by Kannel\'s black-list :: the SMS\'s refusal, not the connector\'s: no failover, no breaker', async () => {
  await withKannel(DENIED, async (peer) => {
    await withBridge({ connectors: [kannel(peer), fallback] } as never, async (b) => {
      const id = await send(b, '+4915112349102');
      await waitFor('final', () => ['rejected', 'failed'].includes(b.store.get(id)?.status ?? ''));
      assert.is(b.sims.fallback.sent.length, 0);
      assert.is(eventsOf(b, 'breaker-open').length, 0);
      assert.match(b.store.get(id)!.history.at(-1)!.reason ?? '', /HTTP 400: Number\(s\) has\/have been denied/);
    });
  });
});

F('kannel.connectorErrorStatus: [] :: a 403 is then the SMS\'s refusal like any other status in no list', async () => {
  await withKannel(AUTH_FAILED, async (peer) => {
    await withBridge({ connectors: [kannel(peer, { connectorErrorStatus: [] }), fallback] } as never, async (b) => {
      const id = await send(b, '+4915112349103');
      await waitFor('final', () => ['rejected', 'failed'].includes(b.store.get(id)?.status ?? ''));
      assert.is(b.sims.fallback.sent.length, 0);
      assert.is(eventsOf(b, 'http-connector-refused').length, 0);
    });
  });
});

F.run();
