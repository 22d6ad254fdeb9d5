/**
 * Line and whitespace normalisation for extracted text. Non-breaking spaces
 * inside a line are kept: the SMS encoder transliterates them.
 */
import { INVISIBLE_CLASS } from '../sms/invisible.js';

// Terminal escape sequences whole (ECMA-48): scripts and ERPs that colour
// their console output mail it too, and removing only ESC left "[31m" in the
// SMS. CSI (ESC [ parameters, intermediates, final byte), OSC (ESC ] up to
// BEL or ST), and escapes with intermediates (ESC ( B). After a bare ESC a
// letter may be text, so only the ESC goes. Then the C0 controls except TAB
// and LF, DEL and the C1 controls: a person never means them, and NUL would
// come out of a GSM 7-bit encoder as '@'. One pass.
const CONTROLS = /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[\x20-\x2f]+[\x30-\x7e]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// Characters that take no room on a phone: whitespace (NBSP included) and the
// invisible ones the SMS encoder removes (src/sms/invisible.ts), which `\s` does not cover.
const VISIBLE = new RegExp(`[^\\s${INVISIBLE_CLASS}]`);

/** True when the text holds nothing a reader would see. */
export function isBlank(text: string): boolean {
  return !VISIBLE.test(text);
}

/** CRLF and lone CR to LF, escape sequences and control characters removed, then split into lines. */
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
