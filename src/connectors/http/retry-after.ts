/**
 * An aggregator's Retry-After (RFC 9110 §10.2.3) on a temporary refusal
 * (429 Too Many Requests, 503): how long the whole connector waits before
 * it is offered SMS again. Either delay-seconds or an HTTP date.
 */

/** A Retry-After of a day (a daily quota used up) is believed only this far: an operator may have raised the quota meanwhile. */
export const MAX_RETRY_AFTER_MS = 3600_000;

/** Milliseconds to wait from `now`, at most MAX_RETRY_AFTER_MS; undefined when there is nothing (valid) to wait for. */
export function retryAfterMs(value: string | null | undefined, now: Date): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
