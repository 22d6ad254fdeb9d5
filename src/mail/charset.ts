/**
 * Text whose bytes do not match the charset they are read in. Legacy ERPs
 * send Latin-1 without declaring a charset (RFC 2045 would then mean
 * US-ASCII) or under a wrong `charset=utf-8`, and mailparser reads both as
 * UTF-8, so every umlaut became U+FFFD and went out as '?'.
 *
 * The rule, for text read as UTF-8 (no charset, us-ascii or utf-8): valid
 * UTF-8 stays UTF-8; each byte that is not part of a valid UTF-8 sequence is
 * read as windows-1252, which is what mail clients and browsers fall back to
 * for Western text (and a superset of Latin-1's letters). Per byte rather
 * than for the whole text, so that a UTF-8 template filled with Latin-1 data
 * from a database keeps both right. A byte windows-1252 leaves undefined
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D) stays U+FFFD: that character is lost.
 * Other declared charsets are decoded as declared (libmime already reads
 * iso-8859-1 and us-ascii labels as windows-1252).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decode, normalizeCharset } from 'libmime/lib/charset.js';

/** The replacement character: what a decoder writes for bytes it could not read. */
export const LOST = '\uFFFD';

// The labels mailparser reads as UTF-8 without a decoder (mail-parser.js, processChunk); '' is no charset.
const AS_UTF8 = new Set(['', 'ascii', 'usascii', 'utf8']);

/**
 * True when mailparser reads text in this charset as UTF-8 (RFC 2231 language
 * suffix ignored): none, ASCII or UTF-8, and a charset it cannot decode
 * (libmime falls back to UTF-8), so that such text gets the fallback too
 * instead of going out as `?`.
 */
export function readsAsUtf8(charset: string | undefined): boolean {
  return AS_UTF8.has(squeezed(charset)) || unknownCharset(charset) !== undefined;
}

const squeezed = (charset: string | undefined): string => (charset ?? '').split('*')[0].toLowerCase().replace(/[^a-z0-9]+/g, '');

// libmime's own list (charset.js decode): decoded with encoding-japanese, not iconv-lite.
const JAPANESE = /^jis|^iso-?2022-?jp|^EUCJP/i;
// Codecs iconv-lite has that libmime refuses to read text in (UTF-7 smuggles markup; the others are transfer encodings).
const NOT_CHARSETS = new Set(['utf7', 'utf7imap', 'base64', 'hex'].map((name) => iconv.getCodec(name)));

/**
 * A declared charset that libmime cannot decode (`x-unknown-42`, a typo such
 * as `iso-8895-1`): it reads such text as UTF-8, and the bytes of any other
 * charset would be lost. The label as written, trimmed, or undefined when it is known or absent.
 */
export function unknownCharset(charset: string | undefined): string | undefined {
  const label = (charset ?? '').split('*')[0].trim();
  if (AS_UTF8.has(squeezed(label))) return undefined;
  const name = normalizeCharset(label);
  if (JAPANESE.test(name)) return undefined;
  if (!iconv.encodingExists(name)) return label;
  return NOT_CHARSETS.has(iconv.getCodec(name)) ? label : undefined;
}

/** A charset label from the mail as a reply or an answer may show it: whatever it holds must not reach the line raw. */
export function shownCharset(label: string): string {
  return label.slice(0, 40).replace(/[^\x21-\x7e]/g, '?');
}

/** Said in the 250 when a text's charset was unknown: how the bridge read it instead. */
export function unknownCharsetNote(label: string): string {
  return `the text's charset "${shownCharset(label)}" is unknown: it was read as if it named no charset: UTF-8 where the bytes are UTF-8 and windows-1252 (Western European) elsewhere; please check the SMS text`;
}

// Well-formed UTF-8 sequences of two to four bytes (RFC 3629, table 3-7 of
// Unicode), or a single high byte that starts none: the bytes as a latin1
// string, so that a regex can tell them apart. No library offers a UTF-8
// decoder with a per-byte fallback; this runs only for text that failed isUtf8.
const SEQUENCE_OR_STRAY = /[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|([\x80-\xff])/g;

// windows-1252 of 0x80..0xFF, from libmime's (iconv-lite's) table; Node's own
// TextDecoder reads this label as ISO-8859-1 (0x80 → U+0080 instead of €).
const CP1252_HIGH = [...decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), 'windows-1252')];

/** Bytes read as UTF-8 where they are valid UTF-8, each other byte as windows-1252. */
export function decodeUtf8OrLegacy(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  return buffer.toString('latin1').replace(SEQUENCE_OR_STRAY, (sequence: string, stray?: string) =>
    stray === undefined ? Buffer.from(sequence, 'latin1').toString('utf8') : CP1252_HIGH[stray.charCodeAt(0) - 0x80],
  );
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A header as mailparser holds it (a binary string, one character per byte), read with the fallback above. */
export function headerText(binary: string): string {
  return NON_ASCII.test(binary) ? decodeUtf8OrLegacy(Buffer.from(binary, 'latin1')) : binary;
}

/** How many characters of a decoded text could not be read (U+FFFD). */
export function countLost(text: string): number {
  let count = 0;
  for (let at = text.indexOf(LOST); at >= 0; at = text.indexOf(LOST, at + 1)) count++;
  return count;
}
