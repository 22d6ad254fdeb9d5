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
 * placeholder. 0x09 is the capital Ç as in the ETSI standard; lower-case ç
 * is therefore not GSM-7. 0x24 is ¤ and 0x02 is $.
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

/** Septets one code point costs: 1, 2 for the extension table, undefined outside GSM-7. */
export function septetsOf(char: string): 1 | 2 | undefined {
  if (GSM_BASIC_CODES.has(char)) return 1;
  if (GSM_EXTENSION_CODES.has(char)) return 2;
  return undefined;
}

export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (septetsOf(char) === undefined) return false;
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
  for (const char of text) septets += septetsOf(char) ?? 1;
  return septets;
}

/** Code points that are not GSM-7, each once, in order of first appearance. */
export function nonGsmChars(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (septetsOf(char) === undefined) found.add(char);
  }
  return [...found];
}
