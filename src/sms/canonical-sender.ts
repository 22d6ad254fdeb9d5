/**
 * Our senders in the one form they compare in. Apart from sender-id.ts,
 * which reads a sender by its look alone: this one reads national numbers in
 * the number plan, and the configuration's checks (and with them every CLI
 * command) load sender-id.ts but need no libphonenumber, about 50 ms per run.
 */
import { parseRecipientNumber } from './number.js';
import { parseSenderId } from './sender-id.js';
import type { CountryCode } from './types.js';

/**
 * Any way an aggregator or an operator writes one of our senders, in the
 * canonical sender-ID form, so that the forms compare equal: "+4930123456",
 * "004930123456" and "4930123456" (SMPP TON 1) are "+4930123456"; a national
 * number with a trunk 0 (SMPP TON 2, "030…") is read in the default country;
 * short codes are their digits; names as written. Separators in a number
 * ("030 901820") do not count. Undefined when it is none of these. Pure.
 */
export function canonicalSender(raw: string, defaultCountry: string): string | undefined {
  // A number may come with a person's separators ("030 901820"); a name keeps its inner spaces.
  const s = /^[+0-9\s().\/-]+$/.test(raw) ? raw.replace(/[\s().\/-]/g, '') : raw.trim();
  const own = parseSenderId(s)?.id;
  if (own !== undefined || !/^0[1-9][0-9]+$/.test(s)) return own;
  const n = parseRecipientNumber(s, defaultCountry as CountryCode);
  return n.ok ? n.e164 : undefined;
}
