/** After a failed spool write (disk full, say) nothing is spooled for this long: messages stay in memory meanwhile. */
const AFTER_WRITE_MS = 60_000;
/**
 * After a failed read the rest starts at a minute and doubles with each
 * further one, up to this: each failed read makes the store read its whole
 * snapshot and journal while everything waits (live.ts), which a spool that
 * keeps failing must not cost every minute.
 */
const MAX_AFTER_READ_MS = 3_600_000;

/** Timers (injected in tests). */
export interface RestTimers {
  set(fn: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}
const realTimers: RestTimers = { set: (fn, ms) => setTimeout(fn, ms).unref(), clear: (t) => clearTimeout(t as NodeJS.Timeout) };

/**
 * When the spool (spool.ts) may take entries: not for a while after it
 * failed. The spool is only a cache, so resting costs memory, never a
 * message; the failures are logged once per rest, not once per message.
 */
export class SpoolRest {
  private until = 0;
  private readFailures = 0;
  private timer?: unknown;

  constructor(
    private readonly now: () => number,
    private readonly log?: (evt: string, data: Record<string, unknown>) => void,
    private readonly timers = realTimers,
  ) {}

  get resting(): boolean {
    return this.now() < this.until;
  }

  writeFailed(msgId: string, e: Error): void {
    if (!this.resting) this.log?.('store-spool-failed', { msgId, error: e.message });
    this.restFor(AFTER_WRITE_MS);
  }

  /** `readBack` messages are read back from the durable state instead; `resume` is called when the rest is over, to spool them again. */
  readFailed(msgId: string, e: Error, readBack: number, resume: () => void): void {
    const ms = Math.min(AFTER_WRITE_MS * 2 ** this.readFailures++, MAX_AFTER_READ_MS);
    this.log?.('store-spool-read-failed', { msgId, error: e.message, readBack, restSeconds: ms / 1000 });
    this.restFor(ms);
    this.timers.clear(this.timer);
    this.timer = this.timers.set(resume, this.until - this.now());
  }

  close(): void {
    this.timers.clear(this.timer);
  }

  /** A rest never ends sooner for a later failure (a write under way when a read failed, say). */
  private restFor(ms: number): void {
    this.until = Math.max(this.until, this.now() + ms);
  }
}
