/**
 * Line and whitespace normalisation for extracted text. Non-breaking spaces
 * inside a line are kept: the SMS encoder transliterates them.
 */

// C0 controls except TAB and LF, and DEL: a person never means them, and NUL
// would come out of a GSM 7-bit encoder as '@'.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

// Characters that take no room on a phone: whitespace (NBSP included) and the
// zero-width ones, which `\s` does not cover.
const VISIBLE = /[^\s\u200b-\u200d\u2060]/;

/** True when the text holds nothing a reader would see. */
export function isBlank(text: string): boolean {
  return !VISIBLE.test(text);
}

/** CRLF and lone CR to LF, control characters removed, then split into lines. */
export function toLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(CONTROLS, '').split('\n');
}

/** Trailing whitespace off every line, runs of blank lines down to one, the whole text trimmed. */
export function tidy(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    const clean = isBlank(line) ? '' : line.trimEnd();
    if (clean === '' && out.length > 0 && out[out.length - 1] === '') continue;
    
    out.push(clean);
  }
  return out.join('\n').trim();
}
