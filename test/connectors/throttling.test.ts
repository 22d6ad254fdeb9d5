import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_STATUS, SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { HTTP_QUIET_MS } from '../../src/connectors/throttling.js';
import { metric, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { logLines } from '../helpers/log.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { startLoopback } from './http/loopback.js';

/**
 * An aggregator that says "too fast" (SMPP ESME_RTHROTTLED, HTTP 429, 503
 * with Retry-After), through the whole bridge: every refusal counted in
 * mail2sms_connector_throttled_total, and the operator's log (a real logger
 * at info) says when the episode started and, when it ended, how many
 * refusals it had — not a line per refusal.
 */
const T = suite('connectors :: throttling episodes');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };

const taken = (b: TestBridge, id: string) => ['submitted', 'delivered'].includes(b.store.get(id)?.status ?? '');

async function send(b: TestBridge, to: string): Promise<string> {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'x', text: 'Zahlung offen' });
  return `${queuedAs(info.response)}.1`;
}

/** An SMSC simulator that throttles its first `n` PDUs, and a bridge bound to it (pause 50 ms) whose log at info the test reads. */
async function throttlingSmsc(n: number): Promise<{ sim: SmscSimulator; b: TestBridge; lines: Array<Record<string, any>> }> {
  const sim = new SmscSimulator({ ...LOGIN, behaviour: { throttleNext: n } });
  const { port } = await sim.start();
  const { lines, log } = logLines();
  const b = await startTestBridge({
    connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, reconnectSeconds: [0.1], throttlePauseMs: 50 } }] as never,
  }, undefined, { log });
  await waitFor('bound', () => b.events.some((e) => e.evt === 'smpp-bound')).catch(async (e) => {
    await b.stop();
    await sim.stop();
    await rm(b.dir, { recursive: true, force: true });
    throw e;
  });
  return { sim, b, lines };
}

/** The episode as an operator's log at info shows it: its start line (warn), its end line (info), and nothing per refusal. */
function assertOneEpisode(lines: Array<Record<string, any>>, startEvt: string, connector: string, refused: number): void {
  const starts = lines.filter((l) => l.evt === startEvt);
  assert.is(starts.length, 1, `one ${startEvt} line: ${JSON.stringify(starts)}`);
  assert.equal([starts[0].level, starts[0].connector], [40, connector]);
  const ends = lines.filter((l) => l.evt === 'connector-throttling-ended');
  assert.is(ends.length, 1, JSON.stringify(ends));
  assert.equal([ends[0].level, ends[0].connector, ends[0].refused], [30, connector, refused]);
  assert.ok(ends[0].ms >= 0, JSON.stringify(ends[0]));
  assert.not.ok(lines.some((l) => l.evt === 'connector-throttled'), 'each refusal only at debug');
}

T('smpp :: the SMSC throttles 4 PDUs :: counted 4, one smpp-throttled, and once it takes PDUs without throttling one connector-throttling-ended with refused 4', async () => {
  // The episode ends at a PDU taken after 10 pauses (500 ms) without ESME_RTHROTTLED.
  const { sim, b, lines } = await throttlingSmsc(4);
  try {
    // Two at once: their PDUs are in flight together, so a refusal can come after the other's acceptance.
    const ids = await Promise.all([send(b, '+4915112340001'), send(b, '+4915112340002')]);
    await waitFor('both taken', () => ids.every((id) => taken(b, id)));
    assert.is(sim.received.filter((r) => r.status === SMPP_STATUS.RTHROTTLED).length, 4);
    assert.is(await metric(b, 'mail2sms_connector_throttled_total{connector="smsc"}'), 4);
    assert.not.ok(lines.some((l) => l.evt === 'connector-throttling-ended' && l.refused !== 4), 'not ended before its last refusal');
    let n = 10;
    await waitFor('the end line, once an SMS goes without throttling', async () => {
      const id = await send(b, `+49151123400${n++}`);
      await waitFor('taken', () => taken(b, id));
      return lines.some((l) => l.evt === 'connector-throttling-ended');
    }, 15000);
    assertOneEpisode(lines, 'smpp-throttled', 'smsc', 4);
  } finally {
    await b.stop();
    await sim.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

T('smpp :: the SMSC throttles, then nothing more is sent :: the episode still ends, by itself, 10 pauses after its last refusal', async () => {
  const { sim, b, lines } = await throttlingSmsc(3);
  try {
    const id = await send(b, '+4915112340021');
    await waitFor('taken', () => taken(b, id));
    // Nothing else is sent: the connector is idle, and the operator's log must not say "throttled" for ever.
    await waitFor('the end line while idle', () => lines.some((l) => l.evt === 'connector-throttling-ended'));
    assertOneEpisode(lines, 'smpp-throttled', 'smsc', 3);
    assert.is(sim.received.filter((r) => r.status === SMPP_STATUS.RTHROTTLED).length, 3);
  } finally {
    await b.stop();
    await sim.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

/** An HTTP aggregator answering `answers` first, then taking every SMS, and a bridge (retries after a second) whose log at info and clock the test holds. */
type Answer = { status: number; body: string; type?: string; headers?: Record<string, string> };
async function throttlingAggregator(answers: Array<Answer | (() => Answer)>, http: Record<string, unknown> = {}) {
  return throttlingPeer(answers, { status: 200, type: 'application/json', body: '{"id":"AGG-1"}' }, (base) => (
    { name: 'agg', type: 'http', http: { url: `${base}/send`, body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}' } }, response: { messageIdFrom: { type: 'json', path: 'id' } }, ...http } }
  ));
}

/** A peer on loopback that answers `answers` in turn, then `taking`, and a bridge with the one connector `connector(base)` makes, on a clock the test can move. */
async function throttlingPeer(answers: Array<Answer | (() => Answer)>, taking: Answer, connector: (base: string) => Record<string, unknown>) {
  const peer = await startLoopback();
  peer.reply = () => {
    const a = answers.shift();
    return (typeof a === 'function' ? a() : a) ?? taking;
  };
  const { lines, log } = logLines();
  const clock = { offset: 0 };
  const b = await startTestBridge({
    connectors: [connector(peer.base)] as never,
    dispatch: { retry: { baseSeconds: 1, maxSeconds: 1, jitter: 0 } },
  }, undefined, { log, now: () => new Date(Date.now() + clock.offset) }).catch(async (e) => {
    await peer.close();
    throw e;
  });
  const close = async () => {
    await b.stop();
    await peer.close();
    await rm(b.dir, { recursive: true, force: true });
  };
  return { peer, b, lines, clock, close };
}

const ended = (lines: Array<Record<string, any>>) => lines.filter((l) => l.evt === 'connector-throttling-ended');

T('http :: 429 twice without Retry-After, then taken :: counted 2, one http-throttled; ten seconds (throttleQuietMs\'s default) later a taken SMS ends it with refused 2', async () => {
  const { peer, b, lines, clock, close } = await throttlingAggregator([{ status: 429, body: 'slow down' }, { status: 429, body: 'slow down' }]);
  try {
    const id = await send(b, '+4915112340003');
    await waitFor('taken', () => taken(b, id));
    assert.is(peer.requests.length, 3);
    assert.is(await metric(b, 'mail2sms_connector_throttled_total{connector="agg"}'), 2);
    // The sender's confirmation says "the carrier asked us to slow down" for such a wait (notify/hold-words.test.ts).
    assert.equal(b.store.get(id)!.history.filter((e) => e.retryAt).map((e) => e.throttled), [true, true], 'both waits marked as throttling');
    assert.is(ended(lines).length, 0, 'a second after a refusal is not the end yet');
    clock.offset = HTTP_QUIET_MS;
    const next = await send(b, '+4915112340004');
    await waitFor('taken', () => taken(b, next));
    assertOneEpisode(lines, 'http-throttled', 'agg', 2);
  } finally {
    await close();
  }
});

/**
 * throttleQuietMs 60000, one 429 (the peer's first answer), then an SMS taken at once, one ten seconds after it and
 * one a minute after it: only the last ends the episode. `numbers`: the three SMS's.
 */
async function endsAfterAMinute(peer: Awaited<ReturnType<typeof throttlingPeer>>, connector: string, numbers: [string, string, string]): Promise<void> {
  const { b, lines, clock } = peer;
  const first = await send(b, numbers[0]);
  await waitFor('taken after the 429', () => taken(b, first), 15000);
  for (const [offset, to, episodes] of [[HTTP_QUIET_MS, numbers[1], 0], [60_000, numbers[2], 1]] as const) {
    clock.offset = offset;
    const id = await send(b, to);
    await waitFor('taken', () => taken(b, id), 15000);
    assert.is(ended(lines).length, episodes, `${offset} ms after the 429`);
  }
  assertOneEpisode(lines, 'http-throttled', connector, 1);
}

T('http :: throttleQuietMs 60000 :: an SMS taken ten seconds after the 429 does not end the episode, one a minute after does', async () => {
  const agg = await throttlingAggregator([{ status: 429, body: 'slow down' }], { throttleQuietMs: 60_000 });
  try {
    await endsAfterAMinute(agg, 'agg', ['+4915112340005', '+4915112340006', '+4915112340009']);
  } finally {
    await agg.close();
  }
});

T('kannel :: throttleQuietMs 60000 :: an SMS taken ten seconds after a 429 does not end the episode, one a minute after does (it was a fixed ten seconds)', async () => {
  const kannel = (base: string) => ({ name: 'kannel', type: 'kannel', kannel: { baseUrl: base, username: 'bridge', password: 'pw', secret: 'kannel-test-secret-123', listenPort: 0, throttleQuietMs: 60_000 } });
  const peer = await throttlingPeer([{ status: 429, body: 'Too many requests' }], { status: 202, body: '0: Accepted for delivery' }, kannel);
  try {
    await endsAfterAMinute(peer, 'kannel', ['+4915112340010', '+4915112340011', '+4915112340012']);
    assert.ok(peer.peer.requests.every((r) => r.url.pathname === '/cgi-bin/sendsms'), 'sendsms, as Kannel is spoken to');
  } finally {
    await peer.close();
  }
});

T('http :: Retry-After (an HTTP date, then seconds) :: the first SMS taken once the wait is over ends the episode, without the default\'s ten seconds', async () => {
  // Three seconds ahead when it answers, as an HTTP date (whole seconds): a wait of two to three seconds.
  let date = '';
  const { b, lines, close } = await throttlingAggregator([() => {
    date = new Date(Date.now() + 3000).toUTCString();
    return { status: 429, body: 'slow down', headers: { 'Retry-After': date } };
  }]);
  try {
    const id = await send(b, '+4915112340007');
    await waitFor('taken', () => taken(b, id), 15000);
    await waitFor('the end of the first episode', () => ended(lines).length === 1);
    assert.is(ended(lines)[0].refused, 1);
    const started = lines.filter((l) => l.evt === 'http-throttled');
    assert.is(started[0].until, new Date(Date.parse(date)).toISOString(), 'the wait the date asked for');
  } finally {
    await close();
  }
  const again = await throttlingAggregator([{ status: 503, body: 'busy', headers: { 'Retry-After': '1' } }]);
  try {
    const id = await send(again.b, '+4915112340008');
    await waitFor('taken', () => taken(again.b, id), 15000);
    await waitFor('the end of the episode', () => ended(again.lines).length === 1);
    assertOneEpisode(again.lines, 'http-throttled', 'agg', 1);
  } finally {
    await again.close();
  }
});

T.run();
