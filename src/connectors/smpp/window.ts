/**
 * The SMPP window: at most `size` submit_sm sent and not yet answered.
 * SMSCs enforce their own (often 10) and answer excess with throttling or
 * a dropped link, so we never go beyond it. Waiters are served in order.
 */
export class Window {
  private used = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  }

  get inFlight(): number {
    return this.used;
  }

  /** The most ever in flight at once (for tests and metrics). */
  get highWater(): number {
    return this.peak;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => {
      this.take();
      resolve();
    }));
  }

  release(): void {
    if (this.used === 0) throw new Error('window released more often than acquired');
    this.used--;
    const next = this.waiters.shift();
    if (next) return next();
    if (this.used === 0) for (const done of this.idleWaiters.splice(0)) done();
  }

  /** Resolves when nothing is in flight and nobody waits. */
  idle(): Promise<void> {
    if (this.used === 0 && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private take(): void {
    this.used++;
    this.peak = Math.max(this.peak, this.used);
  }
}
