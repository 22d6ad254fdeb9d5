import type { CountryCode } from 'libphonenumber-js/max';
import { parseRecipientNumber } from '../sms/number.js';
import type { NumberType } from '../sms/types.js';
import { errors, SmtpError } from './errors.js';

export interface RecipientRules {
  domains: readonly string[];
  /** The sending account's country for national numbers. */
  defaultCountry: string;
}

/** `<number>@<sms domain>` → E.164, or the SmtpError that RCPT TO answers. Pure. */
export function resolveRecipient(address: string, rules: RecipientRules): { e164: string; country?: string; type?: NumberType } | SmtpError {
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : address;
  const domain = at > 0 ? address.slice(at + 1).toLowerCase() : '';
  if (!rules.domains.some((d) => d.toLowerCase() === domain)) {
    return errors.UnknownDomain(address, rules.domains.join(' or @'));
  }
  const number = unquoted(local);
  const n = parseRecipientNumber(number, rules.defaultCountry as CountryCode);
  if (!n.ok) return errors.InvalidNumber(number, SHORT_BARE_DIGITS.test(number) ? `${n.reason}; ${BRACKETS_DROPPED}` : n.reason);
  return { e164: n.e164, country: n.country, type: n.type };
}

/**
 * Digits alone, not starting with 0, and too few for a number with its area
 * code or mobile prefix: most likely one whose prefix was written in
 * brackets. "(0151)12345605@…" reaches us as "12345605@…", because mail
 * programs read brackets in an address as an RFC 5322 comment and drop them
 * (Python's smtplib and nodemailer's address parser do; smtp-server passes
 * them on, and the number is then read whole). The clerk was refused a
 * number never written (review 4b, F8), so the refusal says what may have happened.
 */
const SHORT_BARE_DIGITS = /^[1-9][0-9]{0,8}$/;
const BRACKETS_DROPPED = 'if part of it was written in brackets, such as (0151), the mail program may have left that part out: write the number without brackets';

/**
 * A quoted local part (`"+49 151 12345676"`, RFC 5321 Quoted-string) stands
 * for its content, without the quotes and backslash escapes. The spaces of a
 * quoted number are gone already: smtp-server could not read the command
 * with them (see quoted-number.ts).
 */
function unquoted(local: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(local);
  return m ? m[1].replace(/\\(.)/g, '$1') : local;
}
