/**
 * A token bucket: at most `ratePerSecond` takes per second on average, with
 * bursts up to `burst`. Connectors use it to keep under an aggregator's
 * contracted throughput (an SMPP connector counts PDUs, not messages:
 * that is what SMSCs count).
 *
 * Waiters are served in arrival order, so a steady stream of single takes
 * cannot starve a message that needs several. The clock and the sleep are
 * injected: tests run it on a fake clock and assert the waits it asked for.
 */

export interface RateLimitClock {
  /** Milliseconds, monotonic enough for intervals (Date.now or performance.now). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface TokenBucketOptions {
  /** Average takes per second; 0 means no limit. */
  ratePerSecond: number;
  /** Takes allowed at once after an idle spell (default: one second's worth, at least 1). */
  burst?: number;
  clock?: RateLimitClock;
}

export const realClock: RateLimitClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: RateLimitClock;
  private tokens: number;
  private updated: number;
  /** The last queued take; each take starts when the one before it has its tokens. */
  private tail: Promise<void> = Promise.resolve();

  constructor(opts: TokenBucketOptions) {
    if (!(opts.ratePerSecond >= 0)) throw new RangeError(`ratePerSecond must be >= 0, got ${opts.ratePerSecond}`);
    this.rate = opts.ratePerSecond;
    this.burst = Math.max(1, opts.burst ?? Math.ceil(opts.ratePerSecond));
    this.clock = opts.clock ?? realClock;
    this.tokens = this.burst;
    this.updated = this.clock.now();
  }

  get unlimited(): boolean {
    return this.rate === 0;
  }

  /** Resolves when `n` tokens (at most `burst`) have been taken. */
  take(n = 1): Promise<void> {
    if (this.unlimited) return Promise.resolve();
    const count = Math.min(n, this.burst);
    const turn = this.tail.then(() => this.takeNow(count));
    // A rejected sleep must not block everyone queued behind it.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Takes `n` tokens if they are there now; never waits. */
  tryTake(n = 1): boolean {
    if (this.unlimited) return true;
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Tokens available now (for health and tests). */
  available(): number {
    if (this.unlimited) return Infinity;
    this.refill();
    return this.tokens;
  }

  private async takeNow(n: number): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= n) {
        this.tokens -= n;
        return;
      }
      await this.clock.sleep(Math.ceil(((n - this.tokens) / this.rate) * 1000));
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updated);
    this.updated = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.rate);
  }
}
