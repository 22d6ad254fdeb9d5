/**
 * SMS whose retry waits only because no connector of their route could
 * take them (breakers open, links down, credentials refused, or every one
 * tried failed for now), grouped by their route's connectors, so that when
 * one of those connectors can be used again they go at once (as Kannel's
 * bearerbox and Jasmin send what they queued as soon as the bind is back)
 * instead of each waiting out its own backoff.
 *
 * The durable notBefore is not touched, and nothing is written when SMS
 * are woken: a backlog of 100,000 costs no burst of 100,000 journal lines
 * that would starve SMTP acceptance. Why an SMS waits is written with its
 * retry (StatusEvent.waitsFor, no line of its own), and the store keeps who
 * waits so as records are applied (store/queue-marks.ts), so after a
 * restart they are filed again as waiting (restore), reading no SMS, and
 * go when one of their connectors takes SMS: each of those could not when
 * the bridge stopped, so one SMS probes it first (ConnectorPool.presumeDown),
 * as after any outage. Waking moves
 * whole groups (one per route), so it costs nothing per SMS; the woken ones
 * are handed to the work loop a few at a time, as it has room (ready), so
 * the event loop is never held for the backlog.
 *
 * Never twice: an SMS goes from here to the work loop, which runs at most
 * one attempt per id at a time (WorkLoop.busy), and only while it is still
 * the same waiting SMS (status accepted, no event since: `version` is its
 * history's length), so one sent, held, cancelled or retried meanwhile by
 * its own due time is dropped here, not sent again.
 */

/** SMS waiting for one of the same connectors: id → its history's length when it was filed; `at`: when woken (ISO). */
interface Group {
  readonly connectors: readonly string[];
  readonly ids: Map<string, number>;
  at?: string;
}

/** What the work loop may take: due by the store's index, or woken here (due since `at`, the wake-up). */
export interface InLine<T> {
  job: T;
  at: string;
  express: boolean;
}

export class ConnectorWaits {
  /** Waiting, by their route's connectors (sorted, joined). */
  private readonly waiting = new Map<string, Group>();
  /** Woken, oldest wake-up first: handed out by ready(). */
  private woken: Group[] = [];

  /** SMS `id` (its history `version` long) waits only for one of `connectors`. */
  add(id: string, version: number, connectors: readonly string[]): void {
    const sorted = [...new Set(connectors)].sort();
    const key = keyOf(sorted);
    let g = this.waiting.get(key);
    if (!g) this.waiting.set(key, (g = { connectors: sorted, ids: new Map() }));
    g.ids.set(id, version);
  }

  /**
   * At start: SMS that waited for a connector before the restart (`version`: their history's length), filed as waiting
   * again. Every connector of their route could not take SMS when the bridge stopped: they go when one comes back (wake),
   * one of them first as its probe (wakeOne).
   */
  restore(groups: ReadonlyArray<{ connectors: readonly string[]; ids: ReadonlyMap<string, number> }>): void {
    for (const g of groups) for (const [id, version] of g.ids) this.add(id, version, g.connectors);
  }

  /** SMS `id` is being attempted (or is gone): it waits no more. One delete per route group; there are few. */
  forget(id: string): void {
    for (const g of this.waiting.values()) g.ids.delete(id);
    for (const g of this.woken) g.ids.delete(id);
  }

  /** `connector` can take SMS again (at `at`, ISO): those whose route has it are ready; how many that are. */
  wake(connector: string, at: string): number {
    let n = 0;
    for (const [key, g] of this.waiting) {
      if (!g.connectors.includes(connector)) continue;
      this.waiting.delete(key);
      if (!g.ids.size) continue;
      g.at = at;
      this.woken.push(g);
      n += g.ids.size;
    }
    return n;
  }

  /** One SMS waiting for `connector`, the oldest, is ready (to probe it, at `at`); whether there was one. */
  wakeOne(connector: string, at: string): boolean {
    for (const g of this.waiting.values()) {
      const first = g.connectors.includes(connector) ? g.ids.entries().next() : undefined;
      if (!first || first.done) continue;
      const [id, version] = first.value;
      g.ids.delete(id);
      this.woken.push({ connectors: g.connectors, ids: new Map([[id, version]]), at });
      return true;
    }
    return false;
  }

  get hasReady(): boolean {
    return this.woken.some((g) => g.ids.size > 0);
  }

  /**
   * Up to `limit` woken SMS, oldest first, left filed until forget() (the loop may not start them all).
   * `current(id, version)`: the SMS if it still waits as filed. `usable(connectors)`: whether one of them can
   * take an SMS now; a group none of whose connectors can (down again) goes back to waiting, without a write.
   */
  ready<T extends { priority?: string }>(limit: number, current: (id: string, version: number) => T | undefined, usable: (connectors: readonly string[]) => boolean): Array<InLine<T>> {
    const out: Array<InLine<T>> = [];
    for (const g of [...this.woken]) {
      if (out.length >= limit) break;
      if (!usable(g.connectors)) {
        this.putBack(g);
        continue;
      }
      for (const [id, version] of g.ids) {
        if (out.length >= limit) break;
        const m = current(id, version);
        if (m === undefined) g.ids.delete(id);
        else out.push({ job: m, at: g.at!, express: m.priority === 'express' });
      }
    }
    this.woken = this.woken.filter((g) => g.ids.size > 0);
    return out;
  }

  /** Back to waiting (not woken any more), ahead of those that began to wait since it was woken (they keep their newer version). */
  private putBack(g: Group): void {
    this.woken = this.woken.filter((w) => w !== g);
    delete g.at;
    const key = keyOf(g.connectors);
    for (const [id, version] of this.waiting.get(key)?.ids ?? []) g.ids.set(id, version);
    this.waiting.set(key, g);
  }
}

const keyOf = (sorted: readonly string[]): string => sorted.join('\u0000');

/**
 * Up to `limit` jobs in the order the store's due index would give them had each woken SMS been filed as due
 * at its wake-up: the express lane first, then earliest due first (a wake-up's SMS after what was due before
 * it, before what came due since); each id once (one may be due by its own time and woken too).
 */
export function inLine<T extends { id: string }>(due: Array<InLine<T>>, woken: Array<InLine<T>>, limit: number): T[] {
  const seen = new Set<string>();
  return [...due, ...woken]
    .sort((a, b) => Number(b.express) - Number(a.express) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .filter((x) => !seen.has(x.job.id) && seen.add(x.job.id))
    .slice(0, limit)
    .map((x) => x.job);
}
