/**
 * Connector state in the log, for operators: one `connector-status` line
 * per connector when it changes (up or down, link state, breaker phase),
 * and one for every connector every `everyMs` (window in use, SMS taken in
 * the last minute, breaker), so a quiet log still says how things stand.
 * The portal reads the same data from Bridge.connectorStatus().
 */
import type { LogFn } from '../log.js';
import type { ConnectorStatus } from './connector-pool.js';

export interface StatusLogOptions {
  status: () => ConnectorStatus[];
  log: LogFn;
  /** Every connector's line this often; 0 logs changes only. */
  everyMs: number;
  now: () => number;
}

/** What counts as a change; numbers that move all the time (window, throughput) do not. */
const stateOf = (c: ConnectorStatus) => `${c.health.up}|${c.health.state}|${c.breaker.phase}`;

export function statusLine(c: ConnectorStatus, why: 'start' | 'changed' | 'periodic'): Record<string, unknown> {
  const { health: h, breaker: b } = c;
  return {
    connector: c.name, type: c.type, why, up: h.up, state: h.state,
    ...(h.window !== undefined ? { inFlight: h.inFlight ?? 0, window: h.window } : {}),
    takenLastMinute: c.taken.lastMinute, takenTotal: c.taken.total,
    breaker: b.phase, ...(b.failures ? { failures: b.failures } : {}), ...(b.openUntil ? { openUntil: b.openUntil } : {}),
    ...(h.detail ? { detail: h.detail } : {}),
  };
}

export class StatusLog {
  private readonly last = new Map<string, string>();
  private lastAll = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: StatusLogOptions) {}

  /** Logs every connector now, then looks for changes every `checkMs`. */
  start(checkMs = 1000): void {
    this.check('start');
    this.timer = setInterval(() => this.check(), checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Logs the connectors whose state changed since their last line, or all of them when it is time (or `why` says so). */
  check(why?: 'start'): void {
    const now = this.o.now();
    const all = why === 'start' || (this.o.everyMs > 0 && now - this.lastAll >= this.o.everyMs);
    if (all) this.lastAll = now;
    for (const c of this.o.status()) {
      const state = stateOf(c);
      const changed = this.last.get(c.name) !== state;
      this.last.set(c.name, state);
      if (all || changed) this.o.log('connector-status', statusLine(c, why ?? (changed ? 'changed' : 'periodic')));
    }
  }
}
