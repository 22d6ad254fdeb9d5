/**
 * The dispatcher's side of connector-waits.ts: which SMS its work loop takes
 * next (due ones, and those woken by a connector's return, in the order they
 * are due), and the look, at every turn of the loop, for connectors that came
 * back or whose breaker wants a probe.
 */
import type { LogFn } from '../log.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import type { ConnectorPool } from './connector-pool.js';
import { ConnectorWaits, inLine } from './connector-waits.js';

export interface ConnectorReturnDeps {
  store: Pick<MessageStore, 'due' | 'get'>;
  pool: Pick<ConnectorPool, 'cameBack' | 'probesWanted' | 'unavailable' | 'presumeDown'>;
  now: () => Date;
  log: LogFn;
  /** Wakes the work loop. */
  wake: () => void;
}

export class ConnectorReturn {
  private readonly waits = new ConnectorWaits();

  constructor(private readonly d: ConnectorReturnDeps) {}

  /** Up to `limit` SMS to try: due ones and woken ones, in the order they are due (connector-waits.ts inLine). */
  next(limit: number): SmsMessage[] {
    const due = this.d.store.due(this.d.now(), limit);
    if (!this.waits.hasReady) return due;
    const woken = this.waits.ready(limit, (id, version) => {
      // Still as it was filed (no hold, cancel or retry since): a copy read from the spool would do, but get() gives the one the store changes.
      const m = this.d.store.get(id);
      return m?.status === 'accepted' && m.history.length === version ? m : undefined;
    }, (connectors) => connectors.some((c) => !this.d.pool.unavailable(c)));
    return inLine(due.map((m) => ({ job: m, at: m.notBefore, express: m.priority === 'express' })), woken, limit);
  }

  /**
   * At start: the SMS that waited for a connector before the restart (the store's connectorWaits) go once one of theirs
   * takes SMS. Those connectors could not when the bridge stopped, so each is probed with one of them first (presumeDown).
   */
  restored(groups: ReturnType<MessageStore['connectorWaits']>): void {
    const count = groups.reduce((n, g) => n + g.ids.size, 0);
    if (!count) return;
    this.waits.restore(groups);
    const waitingFor = new Map<string, number>();
    for (const g of groups) for (const c of g.connectors) waitingFor.set(c, (waitingFor.get(c) ?? 0) + g.ids.size);
    for (const [connector, n] of waitingFor) this.d.pool.presumeDown(connector, n);
    this.d.log('retries-waiting-restored', { count });
  }

  /** An attempt of SMS `id` starts: it waits no more. */
  attempting(id: string): void {
    this.waits.forget(id);
  }

  /** SMS `id`, its retry just recorded, waits only for one of `connectors` (its route's). */
  waiting(id: string, connectors: readonly string[]): void {
    this.waits.add(id, this.d.store.get(id)?.history.length ?? 0, connectors);
  }

  /**
   * SMS waiting only for a connector that can take SMS again go now, not at the end of their backoff. Not while
   * its breaker is open: once its cool-down is over one of them goes as its probe, and only the probe's success
   * closes it (cameBack) and lets the others go.
   */
  look(): void {
    const at = this.d.now().toISOString();
    let woke = false;
    for (const connector of this.d.pool.cameBack()) {
      const count = this.waits.wake(connector, at);
      if (!count) continue;
      woke = true;
      this.d.log('retries-brought-forward', { connector, count });
    }
    for (const connector of this.d.pool.probesWanted()) {
      if (!this.waits.wakeOne(connector, at)) continue;
      woke = true;
      this.d.log('retries-brought-forward', { connector, count: 1, probe: true });
    }
    // On the next turn: this runs at the end of a wake-up, whose jobs were chosen before.
    if (woke) setImmediate(() => this.d.wake());
  }
}
