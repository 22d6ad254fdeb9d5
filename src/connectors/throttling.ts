import type { LogFn } from '../log.js';

/** How long without a "too fast" before a taken submit ends an HTTP connector's throttling episode, when the aggregator said nothing (connectors[].http.throttleQuietMs). */
export const HTTP_QUIET_MS = 10_000;

/**
 * A connector's throttling episodes: from the first "too fast" of the
 * aggregator (SMPP ESME_RTHROTTLED, HTTP 429, a temporary refusal with
 * Retry-After) to the first submit it takes after `quietMs` without one.
 * Not the first taken submit: an SMSC over its rate takes some PDUs and
 * refuses others within the same second, and a PDU sent before an
 * acceptance may be refused after it. The operator's log gets one line when
 * an episode starts (`startEvt`, at warn: smpp-throttled, http-throttled)
 * and one when it ends (connector-throttling-ended, at info: `refused`, how
 * many refusals, and `ms`, from the first to the last), not one per
 * refusal: a throttling SMSC refuses hundreds of PDUs a minute. Each
 * refusal is still an event, connector-throttled at debug, which the
 * metrics count (mail2sms_connector_throttled_total{connector}).
 * An episode whose connector goes idle after its last refusal ends by a
 * timer, `quietMs` after that refusal, once a submit was taken after it:
 * otherwise the log said "throttled" with no end until the next burst, or
 * never (review 5). A refusal that says how long to wait (HTTP
 * Retry-After) sets the quiet time until the next refusal: the aggregator's
 * own word on when it is over.
 */
export class ThrottleEpisodes {
  private since?: number;
  private last = 0;
  private refusals = 0;
  private takenAfterLast = false;
  private timer?: NodeJS.Timeout;
  /** The quiet time of the last refusal: its own, else the connector's. */
  private quiet: number;

  constructor(
    private readonly connector: string,
    private readonly startEvt: string,
    private readonly log: LogFn,
    /** Milliseconds, for durations only (the SMPP connector's clock is monotonic); the lines' own time says when. */
    private readonly now: () => number,
    private readonly quietMs: number,
  ) {
    this.quiet = quietMs;
  }

  /**
   * The aggregator refused a submit as too many; `detail` goes on the start
   * line and the debug line. `waitMs`: how long it asked us to wait, which
   * is then the quiet time that ends the episode.
   */
  refused(detail: Record<string, unknown>, waitMs?: number): void {
    this.log('connector-throttled', { connector: this.connector, ...detail });
    this.refusals++;
    this.last = this.now();
    this.quiet = waitMs ?? this.quietMs;
    this.takenAfterLast = false;
    // An end timer armed on the quiet time before this refusal is stale: the next taken submit arms it anew (review 7, L7).
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.since !== undefined) return;
    this.since = this.last;
    this.log(this.startEvt, { connector: this.connector, ...detail });
  }

  /** The aggregator took a submit. Per taken submit: nothing but a comparison when no episode is under way. */
  taken(): void {
    if (this.since === undefined) return;
    if (this.now() - this.last >= this.quiet) return this.end();
    this.takenAfterLast = true;
    this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.since === undefined || !this.takenAfterLast) return;
      if (this.now() - this.last >= this.quiet) this.end();
      else this.arm();
    }, Math.max(1, this.quiet - (this.now() - this.last)));
    // A log line is no reason to keep a stopping process alive.
    this.timer.unref();
  }

  private end(): void {
    this.log('connector-throttling-ended', { connector: this.connector, refused: this.refusals, ms: Math.round(this.last - this.since!) });
    this.since = undefined;
    this.refusals = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
