/**
 * Encoding choice and concatenated-SMS segmentation.
 *
 * Limits (3GPP TS 23.038 / 23.040): a single SMS holds 160 GSM-7 septets or
 * 70 UCS-2 units; each part of a concatenated SMS loses 6 octets to the UDH
 * and holds 153 septets or 67 units.
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

interface Limits {
  single: number;
  multi: number;
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
  GSM7: { single: 160, multi: 153, cost: (code, width) => (width === 1 && septetsOfCode(code)) || 1 },
  // String length is in UTF-16 units, so a character outside the BMP costs 2.
  UCS2: { single: 70, multi: 67, cost: (_code, width) => width },
};

/** Invisible characters removed (always), typographic ones replaced (when asked), then encoded and split. */
export function analyzeText(text: string, opts: { transliterate: boolean }): SmsText {
  let { text: out, removed: replaced } = removeInvisible(text);
  if (opts.transliterate) {
    const t = transliterate(out);
    out = t.text;
    replaced = replaced.length ? [...replaced, ...t.replaced] : t.replaced;
  }
  const nonGsm = nonGsmChars(out);
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM7' : 'UCS2';
  const limits = LIMITS[encoding];
  const units = unitLength(out, limits);
  // Counted by splitting so the number always matches splitSegments(),
  // including parts left short by a character that had to move on.
  const segments = splitSegments(out, encoding).length;
  const perSegment = segments > 1 ? limits.multi : limits.single;
  return { text: out, encoding, units, segments, perSegment, nonGsm, replaced };
}

/**
 * The text of each part, in order; joined they give `text` back. A character
 * that does not fit whole into what is left of a part (an escape pair with
 * one septet left, a surrogate pair with one unit left) starts the next part.
 */
export function splitSegments(text: string, encoding: SmsEncoding, udhOctets = 6): string[] {
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
