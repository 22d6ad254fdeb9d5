/**
 * Encoding choice and concatenated-SMS segmentation.
 *
 * Limits (3GPP TS 23.038 / 23.040): a single SMS holds 160 GSM-7 septets or
 * 70 UCS-2 units; each part of a concatenated SMS loses its UDH: 6 octets
 * with an 8-bit reference (153 septets or 67 units), 7 with a 16-bit one
 * (152 or 66). Which one an SMS gets is the connector's choice, so the
 * caller says which to count with (src/dispatch/udh-size.ts decides it from
 * the route); the 6-octet one is what nearly every aggregator uses.
 *
 * An empty text has 0 segments and splits into no parts: nothing would be
 * sent, the caller rejects it, and `segments === 0` tells it so without a
 * second check. (An aggregator would bill an empty SMS as one part; we never
 * submit one.)
 */
import type { SmsEncoding } from '../store/types.js';
import { isPairStart, nonGsmChars, septetsOfCode } from './gsm7.js';
import { removeInvisible } from './invisible.js';
import { transliterate } from './transliterate.js';
import type { Replacement, SmsText } from './types.js';

/** The UDH of concatenated SMS with an 8-bit reference (05 00 03 ref total seq): 153 / 67 per part. */
export const STANDARD_UDH_OCTETS = 6;

interface Limits {
  single: number;
  /** Units the code point `width` code units long at `code` (its first unit) costs. */
  cost: (code: number, width: number) => number;
}

/**
 * Units per part of a concatenated SMS behind a UDH of `udhOctets`: the 140
 * octets of user data less the UDH, in septets rounded down for GSM-7
 * (the UDH is padded to a septet boundary) or in 2-octet units for UCS-2.
 * 6-octet UDH (8-bit reference): 153 / 67; 7-octet (16-bit reference): 152 / 66.
 */
export function partLimit(encoding: SmsEncoding, udhOctets: number): number {
  const left = 140 - udhOctets;
  return encoding === 'GSM7' ? Math.floor((left * 8) / 7) : Math.floor(left / 2);
}

const LIMITS: Record<SmsEncoding, Limits> = {
  // Non-GSM characters count 1, like septetLength(); callers pass GSM7 only for GSM-7 text.
  GSM7: { single: 160, cost: (code, width) => (width === 1 && septetsOfCode(code)) || 1 },
  // String length is in UTF-16 units, so a character outside the BMP costs 2.
  UCS2: { single: 70, cost: (_code, width) => width },
};

/**
 * Invisible characters removed (always), typographic ones replaced (when
 * asked, and only when that makes the whole text GSM-7), then encoded and
 * split into parts behind a UDH of `udhOctets` (default: the 6-octet one).
 */
export function analyzeText(text: string, opts: { transliterate: boolean; udhOctets?: number }): SmsText {
  let { text: out, removed: replaced } = removeInvisible(text);
  const t = opts.transliterate ? transliterate(out) : undefined;
  // What forces Unicode is what no replacement could make GSM-7 (review 4b, F7): in a text
  // that goes as Unicode anyway, "–" or "„" replaced would change what the clerk wrote and save nothing.
  const nonGsm = nonGsmChars(t?.text ?? out);
  if (t && nonGsm.length === 0) {
    out = t.text;
    replaced = replaced.length ? [...replaced, ...t.replaced] : t.replaced;
  }
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM7' : 'UCS2';
  const units = unitLength(out, LIMITS[encoding]);
  // Every GSM-7 character is one UTF-16 unit: only a Unicode text needs counting.
  const characters = encoding === 'GSM7' ? out.length : characterCount(out);
  return { text: out, encoding, characters, units, ...partsOf(out, encoding, opts.udhOctets ?? STANDARD_UDH_OCTETS), nonGsm, replaced };
}

/** Characters as a person counts them (code points: an emoji is one), where `units` counts what an SMS holds. */
function characterCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) if (isPairStart(text, i)) i++;
  return n;
}

/**
 * The same analysis counted behind another UDH: only the segments and their
 * capacity can change (a text that fits one SMS has no UDH at all).
 */
export function withUdh(sms: SmsText, udhOctets: number): SmsText {
  // Counted behind a UDH of this size already (parts of the same capacity split alike): every long mail is
  // counted again for its route at acceptance, and most routes use the standard UDH it was drafted with.
  if (sms.segments <= 1 || sms.perSegment === partLimit(sms.encoding, udhOctets)) return sms;
  return { ...sms, ...partsOf(sms.text, sms.encoding, udhOctets) };
}

function partsOf(text: string, encoding: SmsEncoding, udhOctets: number): Pick<SmsText, 'segments' | 'perSegment'> {
  // Counted by splitting so the number always matches splitSegments(),
  // including parts left short by a character that had to move on.
  const segments = splitSegments(text, encoding, udhOctets).length;
  return { segments, perSegment: segments > 1 ? partLimit(encoding, udhOctets) : LIMITS[encoding].single };
}

/**
 * The text of each part, in order; joined they give `text` back. A character
 * that does not fit whole into what is left of a part (an escape pair with
 * one septet left, a surrogate pair with one unit left) starts the next part.
 */
export function splitSegments(text: string, encoding: SmsEncoding, udhOctets = STANDARD_UDH_OCTETS): string[] {
  const limits = LIMITS[encoding];
  if (text === '') return [];
  if (unitLength(text, limits) <= limits.single) return [text];
  const multi = partLimit(encoding, udhOctets);
  const parts: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    const width = isPairStart(text, i, code) ? 2 : 1;
    const cost = limits.cost(code, width);
    if (used + cost > multi) {
      parts.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += cost;
    i += width;
  }
  parts.push(text.slice(start));
  return parts;
}

function unitLength(text: string, limits: Limits): number {
  let units = 0;
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    const width = isPairStart(text, i, code) ? 2 : 1;
    units += limits.cost(code, width);
    i += width;
  }
  return units;
}
