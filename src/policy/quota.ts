import { wallTimeIn, zonedToInstant } from '../mail/dates.js';
import { errors, type SmtpError } from '../smtp/errors.js';
import type { Limits } from './limits.js';

/** Midnight today and on the first of this month, on the account's clock. */
export function periodStarts(now: Date, timeZone: string): { day: Date; month: Date } {
  const w = wallTimeIn(now, timeZone);
  const midnight = { ...w, hour: 0, minute: 0, second: 0 };
  return { day: zonedToInstant(midnight, timeZone), month: zonedToInstant({ ...midnight, day: 1 }, timeZone) };
}

/** The refusal when `adding` more segments would go over the day's or the month's quota. Pure. */
export function quotaRefusal(
  account: string, limits: Pick<Limits, 'segmentsPerDay' | 'segmentsPerMonth'>, used: { day: number; month: number }, adding: number,
): SmtpError | undefined {
  const over = (quota: number, n: number) => quota > 0 && n + adding > quota;
  if (over(limits.segmentsPerDay, used.day)) return errors.QuotaExceeded(account, 'today', String(limits.segmentsPerDay), String(used.day));
  if (over(limits.segmentsPerMonth, used.month)) return errors.QuotaExceeded(account, 'this month', String(limits.segmentsPerMonth), String(used.month));
  return undefined;
}
