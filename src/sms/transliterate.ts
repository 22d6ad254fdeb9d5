/**
 * "Smart replacement": typographic characters that mail clients (Outlook
 * autocorrect above all) put into otherwise plain text, mapped to GSM-7
 * equivalents. One such character forces the whole message into UCS-2,
 * which halves the characters per part. Letters are never touched: genuine
 * non-Latin text and emoji must stay and go out as UCS-2.
 *
 * The table is applied unconditionally; whether to call it at all is the
 * caller's (the account's) choice.
 */
import type { Replacement } from './types.js';

/** [characters, replacement]. Every character here is a single BMP code point. */
const TABLE: ReadonlyArray<readonly [from: string, to: string]> = [
  // single quotes, primes and single guillemets
  ['\u2019\u2018\u201A\u201B\u2032\u2039\u203A', "'"],
  // double quotes, double prime and guillemets
  ['\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB', '"'],
  // hyphens and dashes: en, em, figure, minus, hyphen, non-breaking hyphen, horizontal bar
  ['\u2013\u2014\u2012\u2212\u2010\u2011\u2015', '-'],
  ['\u2026', '...'],
  // Bullets become '-' rather than '*': a dash list is the plain-text
  // convention and reads well on a phone. The middle dot is mostly a
  // separator ("Home · Contact"), where '-' reads better than '.' or '*'.
  ['\u2022\u2023\u2043\u25E6\u00B7', '-'],
  // no-break space, en quad .. hair space, narrow no-break, medium math, ideographic;
  // tab is not in GSM-7 either and is common in mail text
  ['\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\t', ' '],
  // what Outlook autocorrect makes of (c) (r) (tm) --> <-- ==> <==
  ['\u00A9', '(c)'],
  ['\u00AE', '(R)'],
  ['\u2122', '(TM)'],
  ['\u2192', '->'],
  ['\u2190', '<-'],
  ['\u21D2', '=>'],
  ['\u21D0', '<='],
  // The replacement character stands for bytes no charset could read: what
  // can be recovered (undeclared or mislabelled Latin-1, src/mail/charset.ts)
  // is recovered before this, so the letter is lost here, and as U+FFFD it
  // would double the price of the whole SMS. The preview counts them.
  ['\uFFFD', '?'],
];

const MAP: ReadonlyMap<string, string> = new Map(
  TABLE.flatMap(([chars, to]) => [...chars].map((char) => [char, to] as const)),
);

// Every character of the table (all single BMP code units), so one regex pass finds them.
const ANY = new RegExp(`[${[...MAP.keys()].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`, 'g');

/** Replaces typographic characters; `replaced` lists each one used, in order of first appearance. */
export function transliterate(text: string): { text: string; replaced: Replacement[] } {
  const counts = new Map<string, number>();
  const out = text.replace(ANY, (char) => {
    counts.set(char, (counts.get(char) ?? 0) + 1);
    return MAP.get(char) as string;
  });
  const replaced = [...counts].map(([from, count]) => ({ from, to: MAP.get(from) as string, count }));
  return { text: out, replaced };
}
