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
import { NUMERIC_SENDER_FORMS, parseSenderId, SENDER_ID_FORMS } from '../sms/sender-id.js';

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
  const problems: string[] = [];
  // A zone or country nothing can read would fail every mail of the account at RCPT, so it is refused where it is set.
  if (o.timeZone !== undefined) problems.push(...timeZoneProblems(`${prefix}timeZone`, o.timeZone));
  if (o.defaultCountry !== undefined) problems.push(...countryProblems(`${prefix}defaultCountry`, o.defaultCountry));
  const sender = (key: string, v: string | undefined, numeric: boolean) => {
    if (v === undefined || (v === '' && blankIsNone)) return;
    const id = parseSenderId(v);
    if (!id) problems.push(`${prefix}${key}: is ${JSON.stringify(v)}; allowed: ${numeric ? NUMERIC_SENDER_FORMS : SENDER_ID_FORMS}`);
    else if (numeric && id.kind === 'alphanumeric') problems.push(`${prefix}${key}: is ${JSON.stringify(v)}; allowed: a number (international or short code), since it stands in where names are not delivered`);
  };
  sender('senderId', o.senderId, false);
  sender('numericSender', o.numericSender, true);
  (o.allowedSenderIds ?? []).forEach((v, i) => {
    if (v !== '*') sender(`allowedSenderIds[${i}]`, v, false);
  });
  if (o.quietHours) problems.push(...quietHoursProblems(o.quietHours, `${prefix}quietHours`));
  problems.push(...billingCodeProblems(o.billingCode, `${prefix}billingCode`));
  (o.signaturePatterns ?? []).forEach((p, i) => {
    const risk = typeof p === 'string' ? patternRisk(p) : undefined;
    if (risk) problems.push(`${prefix}signaturePatterns[${i}]: is ${JSON.stringify(p)}; ${risk}`);
  });
  return problems;
}

/**
 * As [BC:…] and X-SMS-Billing-Code are read: it goes into the CSV export,
 * status callbacks and logs. A header's value never starts or ends with a
 * blank (they are trimmed), so a default with one would be a code no mail
 * could name, and a search for it without the blank would not find it.
 */
function billingCodeProblems(code: string | undefined, key: string): string[] {
  if (code === undefined) return [];
  if (!billingCode(code)) return [`${key}: is ${JSON.stringify(code)}; allowed: 1 to ${MAX_BILLING_CODE} printable characters`];
  return /^[ \t]|[ \t]$/.test(code) ? [`${key}: is ${JSON.stringify(code)}; allowed: no blank at the start or the end (a mail's billing code never has one)`] : [];
}

export function quietHoursProblems(q: QuietHours, key: string): string[] {
  const problems: string[] = [];
  if (Boolean(q.from) !== Boolean(q.to)) problems.push(`${key}: has ${q.from ? 'from' : 'to'} without ${q.from ? 'to' : 'from'}; allowed: both (a daily window like 20:00 to 08:00) or neither`);
  else if (q.from && q.from === q.to) problems.push(`${key}: from and to are both ${q.from}; allowed: two different times`);
  (q.timeZones ?? []).forEach((zone, i) => problems.push(...timeZoneProblems(`${key}.timeZones[${i}]`, zone)));
  return problems;
}

/** `key`'s problem when `zone` is not an IANA time zone this Node knows; none when it is. */
export function timeZoneProblems(key: string, zone: unknown): string[] {
  return typeof zone === 'string' && isTimeZone(zone) ? [] : [`${key}: is ${JSON.stringify(zone)}; allowed: an IANA time zone such as "Europe/Berlin"`];
}

/**
 * `key`'s problem when `country` is not the ISO 3166 code of a country in
 * the international number plan (libphonenumber's list). "UK", what people
 * write for the United Kingdom, is told that its code is "GB".
 */
export function countryProblems(key: string, country: unknown): string[] {
  if (typeof country === 'string' && Object.hasOwn(metadata.countries, country)) return [];
  const uk = typeof country === 'string' && country.toUpperCase() === 'UK' ? '; the United Kingdom is "GB" ("UK" is not an ISO 3166 code)' : '';
  return [`${key}: is ${JSON.stringify(country)}; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"${uk}`];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
