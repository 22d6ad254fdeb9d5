/**
 * A mail whose header block never ends: no blank line between headers and
 * text, and a line among them that is no header (`Just text, no headers at
 * all`). MIME parsers read all of it as headers and drop the lines that are
 * none, so the text is lost and the mail looks empty; saying "nothing left
 * after removing the signature" would blame a cut that never happened.
 */

// RFC 5322 §2.2: a field name is printable ASCII but the colon, and the line continues with ':'.
const FIELD = /^[!-9;-~]+[ \t]*:/;
// Past this, the header block is too large anyway (parse.ts refuses it).
const MAX_SCAN = 64 * 1024;

/** True when `raw` has no blank line ending its header block and holds a line that is no header there. */
export function textInHeaderBlock(raw: Buffer): boolean {
  const head = raw.subarray(0, MAX_SCAN).toString('latin1');
  const lines = head.split(/\r?\n/);
  if (raw.length <= MAX_SCAN && lines.at(-1) === '') lines.pop(); // the line end of the last line, not a blank line
  let text = false;
  for (const line of lines) {
    if (line === '') return false;
    if (!FIELD.test(line) && !/^[ \t]/.test(line)) text = true;
  }
  return text;
}
