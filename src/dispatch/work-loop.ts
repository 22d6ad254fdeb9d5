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
  /** Epoch ms; injected by tests. */
  now?: () => number;
}

/** Longest wait before a job that keeps failing is run again. */
export const MAX_COOL_MS = 60_000;

export class WorkLoop<T> {
  private readonly busy = new Set<string>();
  /**
   * Jobs whose last run failed, not started again before `until` (tickMs,
   * doubling with each failure up to MAX_COOL_MS). Without it a job that
   * fails at once (a throw before its first await) spun the loop: its
   * rejection ends in done(), which wakes the loop in the same chain of
   * microtasks, which starts the same job again, and the event loop never
   * turned again (no SMTP answer, no timer) while it kept failing.
   */
  private readonly cooling = new Map<string, { until: number; failures: number }>();
  /** Who waits for a running job to end (whenFree), by key. */
  private readonly waiting = new Map<string, Array<() => void>>();
  private timer?: NodeJS.Timeout;
  private running = false;
  /** A wake-up is queued for the jobs that ended in this run of microtasks (wakeSoon). */
  private wakeQueued = false;
  private drained?: () => void;

  constructor(private readonly o: WorkLoopOptions<T>) {}

  get inFlight(): number {
    return this.busy.size;
  }

  /** Whether job `key` is running now (a `next` may leave such jobs out rather than have them skipped). */
  isRunning(key: string): boolean {
    return this.busy.has(key);
  }

  start(): void {
    this.running = true;
    this.timer = setInterval(() => this.wake(), this.o.tickMs);
    this.wake();
  }

  wake(): void {
    if (!this.running) return;
    if (this.busy.size < this.o.concurrency) {
      const now = this.now();
      // Cooling jobs are asked for too, so that a few failing ones at the head of the queue cannot keep the others waiting.
      for (const job of this.o.next(this.o.concurrency + this.coolingAt(now))) {
        if (this.busy.size >= this.o.concurrency) break;
        const k = this.o.key(job);
        if (this.busy.has(k) || (this.cooling.get(k)?.until ?? 0) > now) continue;
        this.busy.add(k);
        // A run that throws before returning its promise is a failure like a rejection.
        void new Promise<void>((resolve) => resolve(this.o.run(job)))
          .then(() => this.cooling.delete(k), (e: Error) => {
            this.cool(k);
            this.o.onError(job, e);
          })
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

  /**
   * Resolves true once job `key` is not running (at once when it is not), false after `ms` if it still is.
   * The job may be started again before the caller's next step: try exclusive() again then.
   */
  whenFree(key: string, ms: number): Promise<boolean> {
    if (!this.busy.has(key)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const list = this.waiting.get(key) ?? [];
      const timer = setTimeout(() => {
        const left = (this.waiting.get(key) ?? []).filter((w) => w !== wake);
        if (left.length) this.waiting.set(key, left);
        else this.waiting.delete(key);
        resolve(false);
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      list.push(wake);
      this.waiting.set(key, list);
    });
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

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private cool(k: string): void {
    const failures = (this.cooling.get(k)?.failures ?? 0) + 1;
    const wait = Math.min(MAX_COOL_MS, this.o.tickMs * 2 ** (failures - 1));
    this.cooling.set(k, { until: this.now() + wait, failures });
  }

  /** How many jobs are cooling at `now`; forgets those whose wait ended long ago (jobs that are gone). */
  private coolingAt(now: number): number {
    let n = 0;
    for (const [k, c] of this.cooling) {
      if (c.until > now) n++;
      else if (now - c.until > MAX_COOL_MS) this.cooling.delete(k);
    }
    return n;
  }

  private done(k: string): void {
    this.busy.delete(k);
    const waiting = this.waiting.get(k);
    if (waiting) {
      this.waiting.delete(k);
      for (const w of waiting) w();
    }
    if (!this.running && this.busy.size === 0) this.drained?.();
    else this.wakeSoon();
  }

  /**
   * One wake-up for all the jobs that end together. Jobs end in batches (the
   * journal's group commit answers every record of a batch at once, the
   * confirmation thread its answers of one message), and each wake-up asks
   * `next` for up to the concurrency plus the jobs in flight: woken per job,
   * the notifier walked ~65 owed confirmations for each one sent (~30-45 µs
   * a mail in profiles). The microtask runs after the other jobs resolved
   * in the same step have ended too, and before any I/O or timer, so a job
   * still starts "at once" after another ends.
   */
  private wakeSoon(): void {
    if (this.wakeQueued) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      this.wake();
    });
  }
}
