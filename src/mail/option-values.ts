/**
 * Parsers for single option values. Each returns undefined for a bad value;
 * option-sources.ts pairs it with the phrase naming the accepted
 * forms, so the wording of errors lives in one place.
 */

import { parseSenderId } from '../sms/sender-id.js';
import type { NotifyLevel } from '../store/types.js';

/** Upper bound for X-SMS-Validity / [VALIDITY]. 72 h is what carriers commonly honour; longer values are cut by SMSCs silently. */
export const MAX_VALIDITY_HOURS = 72;

/** Syntax only (src/sms/sender-id.ts), in its canonical form; allowlists and country rules apply later. CR/LF and anything else are refused. */
export function senderId(raw: string): string | undefined {
  return parseSenderId(raw)?.id;
}

/**
 * Retarus' [DN:ON] asks for the final status report on top of the report of
 * acceptance: closest is 'final'. [DN:OFF] maps to 'failure', not 'none',
 * because Retarus still reports a rejection without DN — a failure must not go unseen.
 */
export function deliveryNotification(raw: string): NotifyLevel | undefined {
  const on = flag(raw);
  return on === undefined ? undefined : on ? 'final' : 'failure';
}

const FLAGS: Record<string, boolean> = { yes: true, true: true, on: true, no: false, false: false, off: false };

export function flag(raw: string): boolean | undefined {
  return FLAGS[raw.toLowerCase()];
}

export type Priority = 'express' | 'normal';

/** Retarus' [QOS:EXPRESS] / [QOS:NORMAL], and the same words in X-SMS-Priority. */
export function priority(raw: string): Priority | undefined {
  const p = raw.toLowerCase();
  return p === 'express' || p === 'normal' ? p : undefined;
}

/**
 * The priority a mail client sets ("high importance" in Outlook, "Highest" /
 * "High" in Thunderbird): X-Priority 1 or 2, Importance: high, Priority:
 * urgent. Retarus reads it too, so clerks need learn no tag for an urgent SMS.
 * Low or normal importance asks for nothing.
 */
export function clientPriority(headers: ReadonlyMap<string, string>): Priority | undefined {
  const x = headers.get('x-priority')?.trim();
  if (x && /^[12](?!\d)/.test(x)) return 'express';
  if (headers.get('importance')?.trim().toLowerCase() === 'high') return 'express';
  if (headers.get('priority')?.trim().toLowerCase() === 'urgent') return 'express';
  return undefined;
}

const UNIT_HOURS: Record<string, number> = { '': 1, h: 1, m: 1 / 60, d: 24 };

/**
 * `48h`, `30m` (minutes), `2d` or a plain number of hours, at most
 * MAX_VALIDITY_HOURS. 0 (`0`, `0h`, …) is taken and returned as 0: Retarus'
 * [VALIDITY:0] and its API's validity 0 mean "the provider's default", no
 * validity of the mail's own (option-sources.ts drops it, so the account's applies).
 */
export function validityHours(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([hmd]?)$/i.exec(raw);
  if (!m) return undefined;
  const hours = Number(m[1]) * UNIT_HOURS[m[2].toLowerCase()];
  return hours >= 0 && hours <= MAX_VALIDITY_HOURS ? hours : undefined;
}

// Control, format (bidi overrides), private-use, unassigned and line/paragraph separators:
// a reference is echoed into mails, reports and logs, where any of these could forge lines.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

export function reference(raw: string): string | undefined {
  const length = [...raw].length;
  return length >= 1 && length <= 64 && !UNPRINTABLE.test(raw) ? raw : undefined;
}

/** Longest billing code: the billcode of Retarus' SMS API takes 70 characters. */
export const MAX_BILLING_CODE = 70;

/**
 * Retarus' [BC:…], the cost centre an SMS is billed to. Printable only, as
 * a reference: it goes into the CSV export, status callbacks and logs.
 */
export function billingCode(raw: string): string | undefined {
  const length = [...raw].length;
  return length >= 1 && length <= MAX_BILLING_CODE && !UNPRINTABLE.test(raw) ? raw : undefined;
}

/**
 * A URL as a mail header carries it: folded over lines (the blanks of the
 * fold are no part of it), or in angle brackets as RFC 3986 appendix C
 * suggests; undefined when empty.
 */
export function callbackUrl(raw: string): string | undefined {
  return raw.replace(/\s+/g, '').replace(/^<(.*)>$/, '$1') || undefined;
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

/** One period of [BLACKOUTPERIODS:…]: a daily window in local time, or an absolute one (ISO 8601 instants). */
export type BlackoutPeriod = { from: string; to: string } | { start: string; end: string };

/**
 * `20:00/08:00` (every day, in the recipient's local time) or Retarus' ISO
 * 8601 interval `2026-11-17T01:00:00-08:00/2026-11-17T08:00:00-08:00`;
 * several separated by commas. `parseInstant` reads one date-time
 * (an offset-less one in the account's zone). A period that starts where it
 * ends, or ends before it starts, is meaningless and refused.
 */
export function blackout(raw: string, parseInstant: (text: string) => Date | undefined): BlackoutPeriod[] | undefined {
  const periods: BlackoutPeriod[] = [];
  for (const part of raw.split(',')) {
    const m = /^\s*(\S+(?:\s\S+)?)\s*\/\s*(\S+(?:\s\S+)?)\s*$/.exec(part);
    if (!m) return undefined;
    const from = minuteOfDay(m[1]);
    const to = minuteOfDay(m[2]);
    if (from !== undefined && to !== undefined) {
      if (from === to) return undefined;
      periods.push({ from: m[1].padStart(5, '0'), to: m[2].padStart(5, '0') });
      continue;
    }
    const start = parseInstant(m[1]);
    const end = parseInstant(m[2]);
    if (!start || !end || end <= start) return undefined;
    periods.push({ start: start.toISOString(), end: end.toISOString() });
  }
  return periods.length ? periods : undefined;
}
