/**
 * Whether a body marked Content-Transfer-Encoding: base64 is base64. The
 * decoders (mailsplit's, libmime's) skip every character outside the
 * alphabet and stop at a stray '=', so plain text under that label came out
 * as garbage and a broken body cut short, both sent. RFC 2045 (6.8) says
 * such characters show a transmission error and allows refusing the mail.
 *
 * Valid: the 64 characters, line breaks and other whitespace anywhere, and
 * groups of four, the last of them padded ('xx==', 'xxx='). A padded group
 * may also end a run that another one follows ('SGFsbG8gV2VsdA==ISE='):
 * encoders that encode line by line or chunk by chunk write that, and the
 * decoders read it whole, as it was meant.
 */

// 0: not base64, 1: of the alphabet, 2: whitespace, 3: '='
const CLASS = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') CLASS[c.charCodeAt(0)] = 1;
for (const c of ' \t\r\n\f\v') CLASS[c.charCodeAt(0)] = 2;
CLASS['='.charCodeAt(0)] = 3;

/** Reads a body chunk by chunk, as a MIME splitter hands it over. */
export class Base64Check {
  /** Characters of the current group of four, whitespace not counted. */
  private inGroup = 0;
  private padded = false;
  private broken = false;

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && !this.broken; i++) this.broken = !this.take(CLASS[chunk[i]]);
  }

  /** Whether all that was fed is base64 that ends with a whole group. */
  get valid(): boolean {
    return !this.broken && this.inGroup === 0;
  }

  private take(kind: number): boolean {
    if (kind === 2) return true;
    // '=' pads the third and fourth place of a group only; after it, only another '=' may come.
    if (kind === 0 || (kind === 3 ? this.inGroup < 2 : this.padded)) return false;
    if (kind === 3) this.padded = true;
    this.inGroup = (this.inGroup + 1) % 4;
    if (this.inGroup === 0) this.padded = false;
    return true;
  }
}

export function isBase64(body: Uint8Array): boolean {
  const check = new Base64Check();
  check.feed(body);
  return check.valid;
}
