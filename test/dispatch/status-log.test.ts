import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Connector, ConnectorHealth } from '../../src/connectors/types.js';
import { ConnectorPool } from '../../src/dispatch/connector-pool.js';
import { StatusLog } from '../../src/dispatch/status-log.js';

const L = suite('dispatch connector status log');

/** A pool of two connectors whose health the test sets, on a clock it moves. */
function fixture(everyMs: number) {
  const clock = { t: Date.UTC(2026, 0, 5, 9) };
  const health: Record<string, ConnectorHealth> = {
    smsc: { up: true, state: 'bound', inFlight: 3, window: 10 },
    rest: { up: true, state: 'ready' },
  };
  const connector = (name: string) => ({ name, health: () => health[name]! }) as unknown as Connector;
  const breaker = { failures: 2, coolDownMs: 30_000 };
  const pool = new ConnectorPool([
    { connector: connector('smsc'), type: 'smpp', onUncertain: 'fail', breaker },
    { connector: connector('rest'), type: 'http', onUncertain: 'fail', breaker },
  ], () => new Date(clock.t), () => {});
  const lines: Array<Record<string, unknown>> = [];
  const log = new StatusLog({ status: () => pool.status(), log: (evt, d) => lines.push({ evt, ...d }), everyMs, now: () => clock.t });
  return { clock, health, pool, lines, log };
}

const brief = (lines: Array<Record<string, unknown>>) => lines.splice(0).map((l) => `${l.connector} ${l.why} ${l.state} up=${l.up} breaker=${l.breaker}`);

L('connector status :: every connector at start, then only the one whose link or breaker changed, then all again after the period', () => {
  const { clock, health, pool, lines, log } = fixture(5 * 60_000);
  log.check('start');
  assert.equal(brief(lines), ['smsc start bound up=true breaker=closed', 'rest start ready up=true breaker=closed']);
  log.check();
  assert.equal(lines, [], 'nothing changed');
  health.smsc = { up: false, state: 'connecting', inFlight: 0, window: 10, detail: 'connection closed by the SMSC' };
  clock.t += 1000;
  log.check();
  assert.equal(lines[0]?.detail, 'connection closed by the SMSC');
  assert.equal(brief(lines), ['smsc changed connecting up=false breaker=closed']);
  pool.failed('rest', false, '503');
  pool.failed('rest', false, '503');
  log.check();
  assert.equal(brief(lines), ['rest changed ready up=true breaker=open']);
  clock.t += 5 * 60_000;
  log.check();
  // the cool-down is over meanwhile: the breaker waits for a probe, which is a change of its own
  assert.equal(brief(lines), ['smsc periodic connecting up=false breaker=closed', 'rest changed ready up=true breaker=probe-due']);
});

L('connector status :: window in use and SMS taken in the last minute and in all; changes only when the period is 0', () => {
  const { clock, pool, lines, log } = fixture(0);
  for (let i = 0; i < 4; i++) pool.answered('smsc', false, true);
  pool.answered('smsc', false, false); // refused by the aggregator: it works, but took nothing
  log.check('start');
  assert.equal([lines[0]?.inFlight, lines[0]?.window, lines[0]?.takenLastMinute, lines[0]?.takenTotal], [3, 10, 4, 4]);
  assert.not.ok('window' in lines[1]!, 'a connector without a window has no window keys');
  lines.length = 0;
  clock.t += 30_000;
  pool.answered('smsc', false, true);
  clock.t += 45_000;
  assert.equal(pool.status()[0]!.taken, { lastMinute: 1, total: 5 }, 'the first four are older than a minute');
  clock.t += 3600_000;
  log.check();
  assert.equal(lines, [], 'no periodic lines with everyMs 0');
  assert.equal(pool.status()[0]!.taken, { lastMinute: 0, total: 5 });
});

L.run();
