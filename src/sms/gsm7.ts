/**
 * GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as
 * mapped to Unicode by unicode.org's GSM0338.TXT. No national language shift
 * tables: aggregators rarely support them, so text outside this alphabet
 * goes out as UCS-2.
 */

/** The escape to the extension table; not a character of its own. */
export const GSM_ESCAPE = 0x1b;

/**
 * The default alphabet in code order, 0x00–0x7F, with the escape 0x1B as a
 * placeholder. 0x24 is ¤ and 0x02 is $.
 *
 * 0x09 is the capital Ç, as 3GPP TS 23.038 has it to this day, so lower-case
 * ç is not GSM-7 and makes a text Unicode (review 4b, F8, decided so).
 * Unicode's GSM0338.TXT maps 0x09 to ç instead, reading the standard's
 * "intent", and Kannel sends both as 0x09; but handsets disagree (Kannel's
 * developers saw Sony Ericsson show Ç and Nokia ç) and ICU's table follows
 * the standard because most phones do. Sent as 0x09, "Façade" could arrive
 * as "FaÇade": a wrong letter in a customer's name costs more trust than
 * the second part costs money. The confirmation names the ç that made it Unicode.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Character → code of the 127 printable characters of the default alphabet. */
export const GSM_BASIC_CODES: ReadonlyMap<string, number> = new Map(
  [...BASIC].map((char, code) => [char, code] as [string, number]).filter(([, code]) => code !== GSM_ESCAPE),
);

/** Extension table, reached through the escape, so each costs two septets: character → code after 0x1B. */
export const GSM_EXTENSION_CODES: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
]);

/**
 * Septets per UTF-16 code unit: 0 outside GSM-7, 1 or 2. Every GSM-7 character
 * is one BMP code unit, so a table over them answers for a code point with one
 * index instead of two Map lookups of a one-character string (these functions
 * run over every character of every SMS on the event loop that answers SMTP).
 */
const SEPTETS = new Uint8Array(0x10000);
for (const char of GSM_BASIC_CODES.keys()) SEPTETS[char.charCodeAt(0)] = 1;
for (const char of GSM_EXTENSION_CODES.keys()) SEPTETS[char.charCodeAt(0)] = 2;

/** Septets one code point costs: 1, 2 for the extension table, undefined outside GSM-7. */
export function septetsOf(char: string): 1 | 2 | undefined {
  if (char.length !== 1) return undefined;
  return (SEPTETS[char.charCodeAt(0)] || undefined) as 1 | 2 | undefined;
}

/** Septets of the UTF-16 code unit `code` (0: not GSM-7; half a surrogate pair never is). */
export function septetsOfCode(code: number): number {
  return SEPTETS[code];
}

export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!SEPTETS[text.charCodeAt(i)]) return false;
  }
  return true;
}

/**
 * Septets the text takes in GSM-7. Only meaningful when `isGsm7(text)`;
 * other code points count 1 each, as they would if an SMSC replaced them
 * with '?', so the function never throws on ordinary input.
 */
export function septetLength(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    septets += SEPTETS[code] || 1;
    if (isPairStart(text, i, code)) i++; // a code point outside the BMP counts once
  }
  return septets;
}

/** Code points that are not GSM-7, each once, in order of first appearance. */
export function nonGsmChars(text: string): string[] {
  let found: Set<string> | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (SEPTETS[code]) continue;
    const pair = isPairStart(text, i, code);
    (found ??= new Set()).add(text.slice(i, pair ? i + 2 : i + 1));
    if (pair) i++;
  }
  return found ? [...found] : [];
}

/** A high surrogate followed by a low one: the two units are one code point. */
export function isPairStart(text: string, i: number, code = text.charCodeAt(i)): boolean {
  if (code < 0xd800 || code > 0xdbff || i + 1 >= text.length) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}
