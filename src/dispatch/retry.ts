/** Seconds to wait before attempt `attempts + 1`, after `attempts` temporary failures (1-based); the last entry repeats. */
export function retryDelaySeconds(attempts: number, schedule: readonly number[]): number {
  return schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1];
}

/** Whether a message first accepted at `acceptedAt` may still be retried at `now`. */
export function withinMaxAge(acceptedAt: string, now: Date, maxAgeHours: number): boolean {
  return now.getTime() - Date.parse(acceptedAt) < maxAgeHours * 3600_000;
}
