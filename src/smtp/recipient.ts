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
  if (!n.ok) return errors.InvalidNumber(number, n.reason);
  return { e164: n.e164, country: n.country, type: n.type };
}

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
