/**
 * In-memory counters over an injected clock: a token bucket (the per-minute
 * rate, rebuilt at start from the store's count of the last hour: see
 * policy.ts) and counts per minute (the fraud brake's windows). Pure, and
 * bounded: idle keys are dropped by `sweep`. The per-number cap is not
 * here: the store counts it (store/recent.ts), so it survives a restart.
 */

/** `capacity` tokens that refill continuously, `capacity` per `periodMs`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly periodMs: number) {}

  /** Takes n tokens if there are that many; returns whether it did. */
  take(key: string, n: number, capacity: number, now: number): boolean {
    const b = this.refilled(key, capacity, now);
    if (b.tokens < n) return false;
    b.tokens -= n;
    return true;
  }

  /** Whether n tokens are there now, without taking them. */
  has(key: string, n: number, capacity: number, now: number): boolean {
    return this.refilled(key, capacity, now).tokens >= n;
  }

  /** Takes n tokens whatever there are (never below none): an SMS that was taken in, replayed after a restart. */
  spend(key: string, n: number, capacity: number, now: number): void {
    const b = this.refilled(key, capacity, now);
    b.tokens = Math.max(0, b.tokens - n);
  }

  giveBack(key: string, n: number, capacity: number, now: number): void {
    const b = this.refilled(key, capacity, now);
    b.tokens = Math.min(capacity, b.tokens + n);
  }

  /** Buckets that are full again carry no information. */
  sweep(now: number, capacityOf: (key: string) => number): void {
    for (const [key] of this.buckets) if (this.refilled(key, capacityOf(key), now).tokens >= capacityOf(key)) this.buckets.delete(key);
  }

  private refilled(key: string, capacity: number, now: number): { tokens: number; at: number } {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: capacity, at: now }));
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) * capacity) / this.periodMs);
    b.at = now;
    return b;
  }
}

const MINUTE_MS = 60_000;

/** A key's counts per minute, oldest first: [minute since the epoch, count] pairs. */
export type MinuteCounts = Array<[number, number]>;

/**
 * Event counts per key and minute; each question says how far back it
 * looks. Counting by the minute bounds what a key costs (one pair per
 * minute it saw events in, however many) and lets the counts be saved and
 * read back across a restart. An event counts until its minute has wholly
 * left the window: up to a minute longer than its exact time would, never
 * shorter.
 */
export class MinuteWindows {
  private readonly counts = new Map<string, MinuteCounts>();

  /** `maxWindowMs`: the longest window ever asked about; older minutes are dropped. */
  constructor(private readonly maxWindowMs: number) {}

  count(key: string, now: number, windowMs = this.maxWindowMs): number {
    const c = this.recent(key, now);
    const since = now - windowMs;
    let n = 0;
    for (let i = c.length - 1; i >= 0 && endOf(c[i]![0]) > since; i--) n += c[i]![1];
    return n;
  }

  add(key: string, now: number, n = 1): void {
    const c = this.recent(key, now);
    const minute = Math.floor(now / MINUTE_MS);
    const last = c.at(-1);
    if (last && last[0] >= minute) last[1] += n; // a clock set back counts into the newest minute
    else c.push([minute, n]);
    if (!this.counts.has(key)) this.counts.set(key, c);
  }

  clear(key: string): void {
    this.counts.delete(key);
  }

  sweep(now: number): void {
    for (const key of [...this.counts.keys()]) this.recent(key, now);
  }

  get size(): number {
    return this.counts.size;
  }

  /** Every key's counts within the longest window (for saving). */
  save(now: number): Record<string, MinuteCounts> {
    this.sweep(now);
    return Object.fromEntries([...this.counts].map(([k, c]) => [k, c.map(([m, n]): [number, number] => [m, n])]));
  }

  /** Takes saved counts back, but only those of keys `take` agrees to and still within the longest window; what is wrong in them is skipped. */
  load(saved: unknown, now: number, take: (key: string) => boolean): void {
    if (!saved || typeof saved !== 'object') return;
    for (const [key, c] of Object.entries(saved)) {
      if (!take(key) || !Array.isArray(c)) continue;
      for (const pair of c) {
        const [minute, n] = Array.isArray(pair) ? pair : [];
        if (Number.isSafeInteger(minute) && Number.isSafeInteger(n) && n > 0 && minute <= Math.floor(now / MINUTE_MS)) this.add(key, minute * MINUTE_MS, n);
      }
      this.recent(key, now);
    }
  }

  private recent(key: string, now: number): MinuteCounts {
    const c = this.counts.get(key);
    if (!c) return [];
    const since = now - this.maxWindowMs;
    let drop = 0;
    while (drop < c.length && endOf(c[drop]![0]) <= since) drop++;
    if (drop) c.splice(0, drop);
    if (!c.length) this.counts.delete(key);
    return c;
  }
}

const endOf = (minute: number) => (minute + 1) * MINUTE_MS;
