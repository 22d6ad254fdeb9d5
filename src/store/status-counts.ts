import type { SmsStatus } from './types.js';

/**
 * How many live SMS are in each status, kept as records are applied rather
 * than counted at each look: a metrics scrape (api/metrics.ts) then costs one
 * copy of eight numbers, not a walk of every SMS in memory and of those out
 * of it (memory.ts). A message leaving memory for the spool keeps its status,
 * so moving in and out of memory changes nothing here.
 */
export class StatusCounts {
  private readonly n: Record<SmsStatus, number> = {
    accepted: 0, submitting: 0, submitted: 0, delivered: 0, failed: 0, expired: 0, rejected: 0, cancelled: 0,
  };

  /** A live message came (+1) or went (-1). */
  add(status: SmsStatus, by: 1 | -1): void {
    this.n[status] += by;
  }

  move(from: SmsStatus, to: SmsStatus): void {
    if (from === to) return;
    this.n[from]--;
    this.n[to]++;
  }

  /** A copy: the caller may keep or change it. */
  get(): Record<SmsStatus, number> {
    return { ...this.n };
  }
}
