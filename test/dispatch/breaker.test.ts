import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { acquire, breakerAllows, breakerPhase, CLOSED, failed, released, succeeded, type BreakerOptions, type BreakerState } from '../../src/dispatch/breaker.js';
import { ConnectorPool } from '../../src/dispatch/connector-pool.js';
import { Metrics } from '../../src/api/metrics.js';
import { ScriptedSimulator } from '../helpers/connectors.js';

const B = suite('dispatch breaker');
const o: BreakerOptions = { failures: 3, coolDownMs: 30_000 };

B('breaker :: closed → 3 failures → open → cool-down → one probe → success → closed (fake clock)', () => {
  let s: BreakerState = CLOSED;
  let t = 1_000;
  for (let i = 0; i < 2; i++) s = failed(s, o, t, 'throttled', false);
  assert.equal(s, { kind: 'closed', failures: 2 });
  s = failed(s, o, t, 'timeout', false);
  assert.equal(s, { kind: 'open', until: 31_000, reason: 'timeout' });
  t = 30_999;
  assert.is(breakerPhase(s, t), 'open');
  assert.equal(acquire(s, t), { state: s, allowed: false, probe: false });
  t = 31_000;
  assert.is(breakerPhase(s, t), 'probe-due');
  const probe = acquire(s, t);
  assert.equal([probe.allowed, probe.probe], [true, true]);
  s = probe.state;
  assert.is(breakerPhase(s, t), 'half-open');
  assert.is(breakerAllows(s, t), false, 'only one probe at a time');
  assert.equal(acquire(s, t).allowed, false);
  s = succeeded(s, true);
  assert.equal(s, CLOSED);
});

B('breaker :: the probe fails :: open again for a full cool-down', () => {
  let s: BreakerState = { kind: 'open', until: 10_000, reason: 'x' };
  s = acquire(s, 10_000).state;
  s = failed(s, o, 12_000, 'still down', true);
  assert.equal(s, { kind: 'open', until: 42_000, reason: 'still down' });
});

B('breaker :: results of submits started before it opened do not count; only the probe decides', () => {
  let s: BreakerState = { kind: 'open', until: 10_000, reason: 'x' };
  assert.equal(succeeded(s, false), s);
  assert.equal(failed(s, o, 5_000, 'late', false), s, 'a late failure does not extend the cool-down');
  s = acquire(s, 10_000).state;
  assert.equal(succeeded(s, false), s, 'a straggler success does not close a half-open breaker');
  assert.equal(failed(s, o, 10_000, 'straggler', false), s);
});

B('breaker :: a success in closed resets the count :: failures must be consecutive', () => {
  let s: BreakerState = failed(failed(CLOSED, o, 0, 'a', false), o, 0, 'b', false);
  s = succeeded(s, false);
  s = failed(failed(s, o, 0, 'c', false), o, 0, 'd', false);
  assert.equal(s, { kind: 'closed', failures: 2 });
});

B('breaker :: a probe taken but never submitted is given back', () => {
  const s = acquire({ kind: 'open', until: 0, reason: 'x' }, 0).state;
  assert.equal(released(s, true), { kind: 'half-open', probing: false, reason: 'x' });
  assert.equal(released(CLOSED, false), CLOSED);
});

B('pool :: breaker-open and breaker-closed are logged, status shows the phase, the router is told why', () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const events: Array<Record<string, unknown>> = [];
  const a = new ScriptedSimulator('a');
  const pool = new ConnectorPool([{ connector: a, type: 'simulator', onUncertain: 'fail', breaker: { failures: 2, coolDownMs: 60_000 } }], () => new Date(t), (evt, d) => events.push({ evt, ...d }));
  for (let i = 0; i < 2; i++) {
    assert.ok(pool.acquire('a').allowed);
    pool.failed('a', false, 'throttled');
  }
  assert.equal(events, [{ evt: 'breaker-open', connector: 'a', reason: 'throttled', coolDownSeconds: 60, probe: false, failures: 2 }]);
  assert.equal(pool.status()[0].breaker, { phase: 'open', reason: 'throttled', openUntil: '2026-11-23T10:01:00.000Z' });
  assert.is(pool.unavailable('a'), 'breaker open until 2026-11-23T10:01:00.000Z after: throttled');
  t += 60_000;
  assert.is(pool.unavailable('a'), undefined);
  const grant = pool.acquire('a');
  assert.equal(grant, { allowed: true, probe: true });
  assert.is(pool.unavailable('a'), 'breaker half-open, its probe is under way');
  pool.answered('a', true);
  assert.equal(events.map((e) => e.evt), ['breaker-open', 'breaker-probe', 'breaker-closed']);
  assert.equal(pool.status()[0], { name: 'a', type: 'simulator', health: { up: true, state: 'ready' }, breaker: { phase: 'closed', failures: 0 }, taken: { lastMinute: 1, total: 1 } });
});

B('pool :: a connector reporting itself down is unavailable, with its state', () => {
  const a = new ScriptedSimulator('a');
  a.behaviour = 'down';
  const pool = new ConnectorPool([{ connector: a, type: 'simulator', onUncertain: 'fail', breaker: { failures: 2, coolDownMs: 1000 } }], () => new Date(), () => {});
  assert.is(pool.unavailable('a'), 'down (connecting: simulated outage)');
  assert.is(pool.unavailable('nope'), 'not configured');
  // Regression: an SMPP link that could not connect read "down (down: connect to … failed)" in every retry's history line.
  a.health = () => ({ up: false, state: 'down', detail: 'connect to 127.0.0.1:27999 failed: ECONNREFUSED' });
  assert.is(pool.unavailable('a'), 'down: connect to 127.0.0.1:27999 failed: ECONNREFUSED');
});

B('breaker :: cool-down over in a quiet period :: probe-due, and mail2sms_connector_breaker_open is 0 (nothing is kept away); 1 again while its probe is under way', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const a = new ScriptedSimulator('a');
  const pool = new ConnectorPool([{ connector: a, type: 'smpp', onUncertain: 'fail', breaker: { failures: 1, coolDownMs: 30_000 } }], () => new Date(t), () => {});
  const metrics = new Metrics({ counts: () => ({}), connectors: () => pool.status() });
  const gauge = async () => /^mail2sms_connector_breaker_open\{connector="a"\} (\d)$/m.exec(await metrics.text())?.[1];
  pool.acquire('a');
  pool.failed('a', false, 'no submit_sm_resp within 10000 ms');
  assert.equal([pool.status()[0].breaker.phase, await gauge()], ['open', '1']);
  t += 30_000;
  assert.equal([pool.status()[0].breaker.phase, await gauge()], ['probe-due', '0'], 'the SMSC is back, no SMS came yet');
  const grant = pool.acquire('a');
  assert.equal([pool.status()[0].breaker.phase, await gauge()], ['half-open', '1']);
  pool.release('a', grant.probe);
  assert.equal([pool.status()[0].breaker.phase, await gauge()], ['probe-due', '0'], 'a probe given back waits for the next SMS');
});

B('pool :: presumed down at start (SMS waited for it when the bridge stopped) :: probe-due at once, one probe, its success is a return', () => {
  const t = Date.parse('2026-11-23T10:00:00Z');
  const events: Array<Record<string, unknown>> = [];
  const a = new ScriptedSimulator('a');
  const pool = new ConnectorPool([{ connector: a, type: 'http', onUncertain: 'fail', breaker: { failures: 5, coolDownMs: 30_000 } }], () => new Date(t), (evt, d) => events.push({ evt, ...d }));
  pool.presumeDown('a', 7);
  pool.presumeDown('gone', 1);
  assert.equal(events, [{ evt: 'breaker-presumed-down', connector: 'a', reason: '7 SMS waited for it when the bridge stopped', phase: 'probe-due' }], 'not breaker-open: nothing failed, and operators alert on that');
  assert.equal([pool.status()[0].breaker.phase, pool.cameBack(), pool.probesWanted()], ['probe-due', [], ['a']]);
  assert.equal(pool.acquire('a'), { allowed: true, probe: true });
  assert.equal(pool.acquire('a'), { allowed: false, probe: false }, 'one probe, not one per waiting SMS');
  pool.answered('a', true);
  assert.equal(pool.cameBack(), ['a']);
});

B('pool :: came back :: a probe closing the breaker, a link up again; not an open breaker whose cool-down ended (probe wanted once per cool-down)', () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const a = new ScriptedSimulator('a');
  const b = new ScriptedSimulator('b');
  const pool = new ConnectorPool(['a', 'b'].map((n, i) => ({ connector: [a, b][i], type: 'simulator', onUncertain: 'fail' as const, breaker: { failures: 1, coolDownMs: 30_000 } })), () => new Date(t), () => {});
  assert.equal([pool.cameBack(), pool.probesWanted()], [[], []], 'nothing was away');
  pool.acquire('a');
  pool.failed('a', false, 'ESME_RSYSERR');
  b.behaviour = 'down';
  assert.equal([pool.cameBack(), pool.probesWanted()], [[], []], 'open and down');
  t += 30_000;
  assert.equal(pool.cameBack(), [], 'a cool-down that ended is no return');
  assert.equal(pool.probesWanted(), ['a']);
  assert.equal(pool.probesWanted(), [], 'once per cool-down');
  t += 30_000;
  assert.equal(pool.probesWanted(), ['a'], 'still probe-due a cool-down later: the SMS offered did not probe');
  const probe = pool.acquire('a');
  pool.failed('a', probe.probe, 'still ESME_RSYSERR');
  t += 30_000;
  assert.equal(pool.probesWanted(), ['a'], 'the next cool-down wants its own probe');
  pool.answered('a', pool.acquire('a').probe);
  b.behaviour = 'ok';
  assert.equal(pool.cameBack(), ['a', 'b']);
  assert.equal([pool.cameBack(), pool.probesWanted()], [[], []]);
});

B.run();
