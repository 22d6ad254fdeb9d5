/** Seconds to wait before attempt `attempts + 1`, after `attempts` temporary failures (1-based); the last entry repeats. */
export function retryDelaySeconds(attempts: number, schedule: readonly number[]): number {
  return schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1];
}

/** Whether a message first accepted at `acceptedAt` may still be retried at `now`. */
export function withinMaxAge(acceptedAt: string, now: Date, maxAgeHours: number): boolean {
  return now.getTime() - Date.parse(acceptedAt) < maxAgeHours * 3600_000;
}

export interface Backoff {
  baseSeconds: number;
  factor: number;
  /** Longest wait before jitter. */
  maxSeconds: number;
  /** Spread as a fraction of the wait: 0.2 means anywhere in ±20 %. */
  jitter: number;
}

/**
 * Seconds to wait after `attempts` failed attempts (1-based): exponential,
 * capped, then spread by jitter so SMS that failed together (a connector
 * outage) do not all come back in the same second. `random` is in [0, 1).
 */
export function backoffSeconds(attempts: number, b: Backoff, random: () => number): number {
  const exp = Math.min(b.maxSeconds, b.baseSeconds * b.factor ** Math.max(attempts - 1, 0));
  return exp * (1 + b.jitter * (2 * random() - 1));
}
