/**
 * Characters that take no room on a phone and carry no text: zero-width
 * spaces, soft hyphens, byte order marks, direction marks and overrides.
 * Mail clients, web forms and copy-and-paste leave them in texts, and one
 * of them forces the whole SMS into UCS-2 (twice the price, 70 instead of
 * 160 characters), while a right-to-left override (U+202E) in a Latin text
 * even turns around what the reader sees. They are removed before the
 * encoding is chosen, whether or not the account transliterates: removing
 * them changes nothing a reader sees.
 *
 * Kept where they do something: direction marks in a text with right-to-left
 * letters (Hebrew, Arabic), which order its mixed runs (the SMS is UCS-2
 * anyway); the joiners ZWJ and ZWNJ next to emoji and in Persian or Indic
 * words, so they are removed only from a text that is GSM-7 without them.
 * Variation selectors and tag characters (parts of emoji) are not touched.
 */
import { isGsm7 } from './gsm7.js';
import type { Replacement } from './types.js';

// Soft hyphen, Mongolian vowel separator, zero-width space, word joiner and
// invisible operators, deprecated format characters, BOM (zero-width
// no-break space), interlinear annotation.
const FORMAT = '\\u00ad\\u180e\\u200b\\u2060-\\u2064\\u206a-\\u206f\\ufeff\\ufff9-\\ufffb';
// Embeddings and overrides, isolates: they turn the text around them.
const OVERRIDES = '\\u202a-\\u202e\\u2066-\\u2069';
// Arabic letter mark, LRM, RLM and the above (Unicode's Bidi_Control).
const BIDI = `\\u061c\\u200e\\u200f${OVERRIDES}`;
const JOINERS = '\\u200c\\u200d';

/** Direction embeddings, overrides and isolates, every one (for one-line texts such as a quoted subject, src/notify). */
export const DIRECTION_OVERRIDES = new RegExp(`[${OVERRIDES}]`, 'g');

/** The characters of this module as the inside of a regex character class (for isBlank in src/mail). */
export const INVISIBLE_CLASS = FORMAT + BIDI + JOINERS;

const ANY = new RegExp(`[${INVISIBLE_CLASS}]`);
const FORMAT_ONLY = new RegExp(`[${FORMAT}]`, 'g');
const FORMAT_AND_BIDI = new RegExp(`[${FORMAT}${BIDI}]`, 'g');
const JOINER = new RegExp(`[${JOINERS}]`, 'g');
const RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;

/** The text without invisible characters; `removed` lists each one (to: '') with its count, in order of first removal. */
export function removeInvisible(text: string): { text: string; removed: Replacement[] } {
  // The usual text has none: one scan, nothing built.
  if (!ANY.test(text)) return { text, removed: [] };
  const counts = new Map<string, number>();
  const drop = (s: string, re: RegExp) => s.replace(re, (char) => {
    counts.set(char, (counts.get(char) ?? 0) + 1);
    return '';
  });
  let out = drop(text, RTL.test(text) ? FORMAT_ONLY : FORMAT_AND_BIDI);
  if (isGsm7(out.replace(JOINER, ''))) out = drop(out, JOINER);
  return { text: out, removed: [...counts].map(([from, count]) => ({ from, to: '', count })) };
}
