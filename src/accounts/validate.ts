/**
 * Checks of sending options that JSON Schema cannot express, shared by the
 * configuration (accounts and the gateway-wide `options`) and run-time
 * changes, so that both refuse the same values with the same words.
 */
// The metadata alone (about 6 ms to load) names the countries; the library's functions cost every CLI command about 50 ms.
import metadata from 'libphonenumber-js/max/metadata';
import type { QuietHours } from '../dispatch/quiet-hours.js';
import { billingCode, MAX_BILLING_CODE } from '../mail/option-values.js';
import { patternRisk } from '../mail/pattern-risk.js';
import { parseSenderId } from '../sms/sender-id.js';
import { problemEnglish, under, type KeyedReason } from '../config/reasons.js';

interface SendingDefaults {
  timeZone?: string;
  defaultCountry?: string;
  senderId?: string;
  numericSender?: string;
  allowedSenderIds?: readonly string[];
  quietHours?: QuietHours;
  /** An account's own signature patterns, which its team lead may set in the portal. */
  signaturePatterns?: readonly string[];
  /** An account's default billing code. */
  billingCode?: string;
}

/**
 * Problems as "<prefix><key>: …", e.g. "accounts[0].senderId: …" or "options.senderId: …".
 * `blankIsNone`: an empty sender means "none" (the gateway-wide `options`, whose defaults are empty); an
 * account's empty sender is refused with the forms a sender takes, as any other that is none of them.
 */
export function optionProblems(o: SendingDefaults, prefix: string, blankIsNone = false): string[] {
  return under(prefix, optionReasons(o, blankIsNone)).map(problemEnglish);
}

/** The same as reasons under their keys ("senderId", "quietHours.timeZones[0]"), for a page in another language. */
export function optionReasons(o: SendingDefaults, blankIsNone = false): KeyedReason[] {
  const problems: KeyedReason[] = [];
  // A zone or country nothing can read would fail every mail of the account at RCPT, so it is refused where it is set.
  if (o.timeZone !== undefined) problems.push(...timeZoneReasons('timeZone', o.timeZone));
  if (o.defaultCountry !== undefined) problems.push(...countryReasons('defaultCountry', o.defaultCountry));
  const sender = (key: string, v: string | undefined, numeric: boolean) => {
    if (v === undefined || (v === '' && blankIsNone)) return;
    const id = parseSenderId(v);
    if (!id) problems.push({ key, reason: { code: 'sender-form', value: v, numeric } });
    else if (numeric && id.kind === 'alphanumeric') problems.push({ key, reason: { code: 'sender-not-numeric', value: v } });
  };
  sender('senderId', o.senderId, false);
  sender('numericSender', o.numericSender, true);
  (o.allowedSenderIds ?? []).forEach((v, i) => {
    if (v !== '*') sender(`allowedSenderIds[${i}]`, v, false);
  });
  if (o.quietHours) problems.push(...quietHoursReasons(o.quietHours, 'quietHours'));
  problems.push(...billingCodeReasons(o.billingCode, 'billingCode'));
  (o.signaturePatterns ?? []).forEach((p, i) => {
    const risk = typeof p === 'string' ? patternRisk(p) : undefined;
    if (risk) problems.push({ key: `signaturePatterns[${i}]`, reason: { code: 'pattern-risk', value: p, risk } });
  });
  return problems;
}

/**
 * As [BC:…] and X-SMS-Billing-Code are read: it goes into the CSV export,
 * status callbacks and logs. A header's value never starts or ends with a
 * blank (they are trimmed), so a default with one would be a code no mail
 * could name, and a search for it without the blank would not find it.
 */
function billingCodeReasons(code: string | undefined, key: string): KeyedReason[] {
  if (code === undefined) return [];
  if (!billingCode(code)) return [{ key, reason: { code: 'billing-code', value: code, max: MAX_BILLING_CODE } }];
  return /^[ \t]|[ \t]$/.test(code) ? [{ key, reason: { code: 'billing-code-blank', value: code } }] : [];
}

export function quietHoursProblems(q: QuietHours, key: string): string[] {
  return quietHoursReasons(q, key).map(problemEnglish);
}

function quietHoursReasons(q: QuietHours, key: string): KeyedReason[] {
  const problems: KeyedReason[] = [];
  if (Boolean(q.from) !== Boolean(q.to)) problems.push({ key, reason: { code: 'quiet-half', has: q.from ? 'from' : 'to' } });
  else if (q.from && q.from === q.to) problems.push({ key, reason: { code: 'quiet-same', time: q.from } });
  (q.timeZones ?? []).forEach((zone, i) => problems.push(...timeZoneReasons(`${key}.timeZones[${i}]`, zone)));
  return problems;
}

/** `key`'s problem when `zone` is not an IANA time zone this Node knows; none when it is. */
export function timeZoneProblems(key: string, zone: unknown): string[] {
  return timeZoneReasons(key, zone).map(problemEnglish);
}

const timeZoneReasons = (key: string, zone: unknown): KeyedReason[] => (typeof zone === 'string' && isTimeZone(zone) ? [] : [{ key, reason: { code: 'time-zone', value: zone } }]);

/**
 * `key`'s problem when `country` is not the ISO 3166 code of a country in
 * the international number plan (libphonenumber's list). "UK", what people
 * write for the United Kingdom, is told that its code is "GB".
 */
export function countryProblems(key: string, country: unknown): string[] {
  return countryReasons(key, country).map(problemEnglish);
}

const countryReasons = (key: string, country: unknown): KeyedReason[] => (typeof country === 'string' && Object.hasOwn(metadata.countries, country) ? [] : [{ key, reason: { code: 'country', value: country } }]);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
