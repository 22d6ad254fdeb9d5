/**
 * SMPP 3.4 time fields (§7.1.1): `YYMMDDhhmmsstnnp`. Absolute times carry
 * tenths of a second (t), the offset from UTC in quarter hours (nn) and its
 * sign (p); relative times end in `R` and count years, months, days, hours,
 * minutes and seconds from when the SMSC gets the PDU.
 *
 * How an SMS's validity goes to the SMSC is a per-connector setting:
 * - 'absolute' (default): the end itself, in UTC (`…000+`). The SMS's
 *   validity is a moment (X-SMS-Validity counts from when it may go), and
 *   this keeps it exact however long the SMS waited in our queue, a retry or
 *   the window; it is the form every SMSC must read. It relies on the SMSC's
 *   clock being right.
 * - 'relative': what is left of it at the moment of the submit (`…R`), for
 *   SMSCs that want that form or whose clock cannot be trusted.
 * - 'none': no validity_period (the SMSC's default), for SMSCs that refuse
 *   validity periods longer than their own maximum with ESME_RINVEXPIRY.
 */
export type ValidityForm = 'absolute' | 'relative' | 'none';
export const VALIDITY_FORMS: readonly ValidityForm[] = ['absolute', 'relative', 'none'];

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYMMDDhhmmss000+` in UTC, to the second (rounded down: never later than `at`). */
export function absoluteTime(at: Date): string {
  return [at.getUTCFullYear() % 100, at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()].map(two).join('') + '000+';
}

/** `0000DDhhmmss000R` for a duration, rounded down to the second; at most 99 days 23:59:59. */
export function relativeTime(ms: number): string {
  let s = Math.min(Math.max(0, Math.floor(ms / 1000)), 99 * 86400 + 86399);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  return ['00', '00', two(days), two(Math.floor(s / 3600)), two(Math.floor((s % 3600) / 60)), two(s % 60)].join('') + '000R';
}

/** validity_period for an SMS that must not be delivered after `expiresAt` (ISO 8601); '' leaves it to the SMSC. */
export function validityPeriod(expiresAt: string | undefined, form: ValidityForm, now: Date): string {
  if (!expiresAt || form === 'none') return '';
  const end = new Date(expiresAt);
  if (Number.isNaN(end.getTime())) return '';
  return form === 'absolute' ? absoluteTime(end) : relativeTime(end.getTime() - now.getTime());
}
