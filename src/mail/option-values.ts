/**
 * Parsers for single option values. Each returns undefined for a bad value;
 * the option table in options.ts pairs it with the phrase naming the accepted
 * forms, so the wording of errors lives in one place.
 */

export type NotifyLevel = 'none' | 'failure' | 'delivery' | 'all';

/** Upper bound for X-SMS-Validity / [VALIDITY]. 72 h is what carriers commonly honour; longer values are cut by SMSCs silently. */
export const MAX_VALIDITY_HOURS = 72;

const ALNUM_SENDER = /^[A-Za-z0-9 ]{1,11}$/;
const NUMERIC_SENDER = /^\+?[0-9]{1,15}$/;

/** Syntax only; allowlists and per-country rules come later. Anything else (CR/LF included) is refused. */
export function senderId(raw: string): string | undefined {
  if (NUMERIC_SENDER.test(raw)) return raw;
  if (ALNUM_SENDER.test(raw) && /[A-Za-z]/.test(raw)) return raw;
  return undefined;
}

const NOTIFY_LEVELS: readonly NotifyLevel[] = ['none', 'failure', 'delivery', 'all'];

export function notify(raw: string): NotifyLevel | undefined {
  return NOTIFY_LEVELS.find((level) => level === raw.toLowerCase());
}

/**
 * Retarus' [DN:ON] asks for the final status report on top of the report of
 * acceptance: closest is 'delivery'. [DN:OFF] maps to 'failure', not 'none',
 * because Retarus still reports a rejection without DN — a failure must not go unseen.
 */
export function deliveryNotification(raw: string): NotifyLevel | undefined {
  const on = flag(raw);
  return on === undefined ? undefined : on ? 'delivery' : 'failure';
}

const FLAGS: Record<string, boolean> = { yes: true, true: true, on: true, no: false, false: false, off: false };

export function flag(raw: string): boolean | undefined {
  return FLAGS[raw.toLowerCase()];
}

const UNIT_HOURS: Record<string, number> = { '': 1, h: 1, m: 1 / 60, d: 24 };

/** `48h`, `30m` (minutes), `2d` or a plain number of hours; > 0 and ≤ MAX_VALIDITY_HOURS. */
export function validityHours(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([hmd]?)$/i.exec(raw);
  if (!m) return undefined;
  const hours = Number(m[1]) * UNIT_HOURS[m[2].toLowerCase()];
  return hours > 0 && hours <= MAX_VALIDITY_HOURS ? hours : undefined;
}

// Control, format (bidi overrides), private-use, unassigned and line/paragraph separators:
// a reference is echoed into mails, reports and logs, where any of these could forge lines.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

export function reference(raw: string): string | undefined {
  const length = [...raw].length;
  return length >= 1 && length <= 64 && !UNPRINTABLE.test(raw) ? raw : undefined;
}

export function maxSegments(raw: string): number | undefined {
  if (!/^\d{1,3}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 255 ? n : undefined;
}

function minuteOfDay(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** `20:00/08:00`: local times, kept as given; a window that starts where it ends is meaningless. */
export function blackout(raw: string): { from: string; to: string } | undefined {
  const m = /^(\S+)\s*\/\s*(\S+)$/.exec(raw);
  if (!m) return undefined;
  const from = minuteOfDay(m[1]);
  const to = minuteOfDay(m[2]);
  if (from === undefined || to === undefined || from === to) return undefined;
  return { from: m[1], to: m[2] };
}
