/**
 * GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as
 * mapped to Unicode by unicode.org's GSM0338.TXT. No national language shift
 * tables: aggregators rarely support them, so text outside this alphabet
 * goes out as UCS-2.
 */

/**
 * The 127 printable characters of the default alphabet in code order
 * (0x1B, the escape to the extension table, is left out). 0x09 is the
 * capital Ç as in the ETSI standard; lower-case ç is therefore not GSM-7.
 * 0x24 is ¤ and 0x02 is $.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ' + 'ÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Reached through the escape 0x1B, so each costs two septets. */
const EXTENSION = '\f^{}\\[~]|€';

const BASIC_SET: ReadonlySet<string> = new Set(BASIC);
const EXTENSION_SET: ReadonlySet<string> = new Set(EXTENSION);

/** Septets one code point costs: 1, 2 for the extension table, undefined outside GSM-7. */
export function septetsOf(char: string): 1 | 2 | undefined {
  if (BASIC_SET.has(char)) return 1;
  if (EXTENSION_SET.has(char)) return 2;
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
