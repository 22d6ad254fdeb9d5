/**
 * A bounded-concurrency worker: whenever it is woken (a store change, its
 * timer, or a finished job) it asks `next` for up to the free number of
 * jobs and runs them, never the same key twice at once. Used by the
 * dispatcher (SMS to the connector) and the notifier (confirmations).
 */
export interface WorkLoopOptions<T> {
  concurrency: number;
  tickMs: number;
  /** Up to `limit` candidate jobs; ones already running are skipped by key. */
  next: (limit: number) => T[];
  key: (job: T) => string;
  run: (job: T) => Promise<void>;
  onError: (job: T, e: Error) => void;
  /** Extra work on every wake-up (e.g. sweeping timeouts). */
  onTick?: () => void;
}

export class WorkLoop<T> {
  private readonly busy = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private drained?: () => void;

  constructor(private readonly o: WorkLoopOptions<T>) {}

  get inFlight(): number {
    return this.busy.size;
  }

  start(): void {
    this.running = true;
    this.timer = setInterval(() => this.wake(), this.o.tickMs);
    this.wake();
  }

  wake(): void {
    if (!this.running) return;
    if (this.busy.size < this.o.concurrency) {
      for (const job of this.o.next(this.o.concurrency)) {
        if (this.busy.size >= this.o.concurrency) break;
        const k = this.o.key(job);
        if (this.busy.has(k)) continue;
        this.busy.add(k);
        void this.o.run(job)
          .catch((e: Error) => this.o.onError(job, e))
          .finally(() => this.done(k));
      }
    }
    this.o.onTick?.();
  }

  /**
   * Runs `fn` as if it were the job `key`: no job with that key starts
   * meanwhile. Undefined (and `fn` not run) when that job is running now.
   */
  async exclusive<R>(key: string, fn: () => Promise<R>): Promise<R | undefined> {
    if (this.busy.has(key)) return undefined;
    this.busy.add(key);
    try {
      return await fn();
    } finally {
      this.done(key);
    }
  }

  /** Stops starting jobs and waits for the running ones, at most timeoutMs. */
  async stop(timeoutMs: number): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    if (!this.busy.size) return;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      setTimeout(resolve, timeoutMs).unref();
    });
  }

  private done(k: string): void {
    this.busy.delete(k);
    if (!this.running && this.busy.size === 0) this.drained?.();
    else this.wake();
  }
}
