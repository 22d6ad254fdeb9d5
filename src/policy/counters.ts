/**
 * In-memory counters over an injected clock: a token bucket (the per-minute
 * rate, rebuilt at start from the store's count of the last hour: see
 * policy.ts) and sliding windows (the fraud brake's counts). Pure, and
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

/** Event times per key; each question says how far back it looks. */
export class SlidingWindows {
  private readonly events = new Map<string, number[]>();

  /** `maxWindowMs`: the longest window ever asked about; older events are dropped. */
  constructor(private readonly maxWindowMs: number) {}

  count(key: string, now: number, windowMs = this.maxWindowMs): number {
    const e = this.recent(key, now);
    const since = now - windowMs;
    let n = 0;
    for (let i = e.length - 1; i >= 0 && e[i] > since; i--) n++;
    return n;
  }

  add(key: string, now: number, n = 1): void {
    const e = this.recent(key, now);
    for (let i = 0; i < n; i++) e.push(now);
    if (e.length && !this.events.has(key)) this.events.set(key, e);
  }

  clear(key: string): void {
    this.events.delete(key);
  }

  sweep(now: number): void {
    for (const key of [...this.events.keys()]) this.recent(key, now);
  }

  get size(): number {
    return this.events.size;
  }

  private recent(key: string, now: number): number[] {
    const e = this.events.get(key);
    if (!e) return [];
    const since = now - this.maxWindowMs;
    let drop = 0;
    while (drop < e.length && e[drop] <= since) drop++;
    if (drop) e.splice(0, drop);
    if (!e.length) this.events.delete(key);
    return e;
  }
}
