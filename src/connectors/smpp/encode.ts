/**
 * Octets of `short_message` for the three data codings we send over SMPP:
 * 0 (SMSC default alphabet = GSM 03.38), 3 (Latin-1) and 8 (UCS-2).
 *
 * With data_coding 0 most SMSCs expect one septet per octet ("unpacked")
 * and pack the septets themselves for the air interface; that is what
 * `encodeGsm7Unpacked` produces.
 */
import { GSM_BASIC_CODES, GSM_ESCAPE, GSM_EXTENSION_CODES } from '../../sms/gsm7.js';

const BASIC_CODE = GSM_BASIC_CODES;
const EXTENSION_CODE = GSM_EXTENSION_CODES;
const EXTENSION_CHAR = new Map([...GSM_EXTENSION_CODES].map(([char, code]) => [code, char]));
const BASIC_CHAR = new Map([...GSM_BASIC_CODES].map(([char, code]) => [code, char]));

export { GSM_ESCAPE };

/** The characters the encoder knows, for the consistency test against gsm7.ts. */
export const GSM_CHARACTERS = { basic: [...BASIC_CODE.keys()], extension: [...EXTENSION_CODE.keys()] };

/**
 * One octet per septet, 0x1B before each extension character. Throws on a
 * character outside GSM-7 rather than sending '?': silent substitution is
 * what users complain about, and callers choose GSM7 only for GSM-7 text.
 */
export function encodeGsm7Unpacked(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const basic = BASIC_CODE.get(char);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = EXTENSION_CODE.get(char);
    if (ext === undefined) throw new RangeError(`not a GSM-7 character: U+${char.codePointAt(0)!.toString(16).toUpperCase()}`);
    out.push(GSM_ESCAPE, ext);
  }
  return Buffer.from(out);
}

/**
 * Inverse of `encodeGsm7Unpacked`, for `deliver_sm` texts and tests. An
 * unknown extension code shows as its basic character, as GSM 03.38 asks
 * of receivers; a trailing lone escape is dropped.
 */
export function decodeGsm7Unpacked(octets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < octets.length; i++) {
    const code = octets[i]! & 0x7f;
    if (code !== GSM_ESCAPE) {
      text += BASIC_CHAR.get(code)!;
      continue;
    }
    const next = octets[++i];
    if (next === undefined) break;
    // 0x1B 0x1B is reserved for a further extension table; receivers show a space.
    text += EXTENSION_CHAR.get(next & 0x7f) ?? BASIC_CHAR.get(next & 0x7f) ?? ' ';
  }
  return text;
}

/** UTF-16BE: surrogate pairs stay as the two units they are in the string. */
export function encodeUcs2(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

export function decodeUcs2(octets: Uint8Array): string {
  return Buffer.from(octets).swap16().toString('utf16le');
}

/** ISO-8859-1 for data_coding 3; undefined when a character is above U+00FF (e.g. €). */
export function encodeLatin1(text: string): Buffer | undefined {
  for (const char of text) {
    if (char.codePointAt(0)! > 0xff) return undefined;
  }
  return Buffer.from(text, 'latin1');
}
