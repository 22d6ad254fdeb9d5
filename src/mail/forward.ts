/**
 * Forwarded mails: the separator a mail client writes above a forwarded
 * message, the header block below it, and the forwarded text itself.
 * Thunderbird writes "-------- Forwarded Message --------" (German
 * "Weitergeleitete Nachricht"), Gmail "---------- Forwarded message
 * ---------", Apple Mail "Begin forwarded message:" ("Anfang der
 * weitergeleiteten Nachricht:") over a '>'-quoted copy; Outlook writes the
 * same header block as for a reply ("-----Original Message-----", or a rule
 * and From/Sent lines), so only the subject (FW:, WG:) says it forwards.
 */
import { isHeaderBlock, isOriginalMessage, isQuoted, nextContent, quoteBlockEnd } from './quotes.js';

const SEPARATOR = [
  /^-{2,}\s*(?:Forwarded message|Weitergeleitete (?:Nachricht|E-Mail))\s*-{2,}$/i,
  /^(?:Begin forwarded message|Anfang der weitergeleiteten (?:Nachricht|E-Mail))\s*:$/i,
];

// The labels of a forwarded header block, English and German, '*' for Outlook's bold in text/plain.
const HEADER_LINE = /^\*?(?:From|Von|Date|Datum|Sent|Gesendet|Subject|Betreff|To|An|Cc|Kopie|Bcc|Reply-To|Antwort an|Importance|Wichtigkeit)\*?\s*:/i;
const FROM_LINE = /^\*?(?:From|Von)\*?\s*:/i;
/** Lines below a separator where its header block may start (blank lines between them). */
const HEADER_REACH = 3;
/** Most lines a header block may take, wrapped address lists included. */
const MAX_HEADER_LINES = 16;
/** Lines one header value may wrap onto. */
const MAX_WRAPPED = 2;

/** How many nested forwards are followed to find a text ("Fwd: Fwd: Fwd:"). */
export const MAX_FORWARD_DEPTH = 4;

const FIRST_CHARS = new Set([...'->BbAa \t'].map((c) => c.charCodeAt(0)));

/** True for a forward separator line, also inside a quote ('> Begin forwarded message:'). */
export function isForwardSeparator(line: string): boolean {
  // Cheap first test, as this runs on every line of every mail: a separator starts with
  // '-', '>', 'B' or 'A' (or a blank before them); most lines do not.
  if (!FIRST_CHARS.has(line.charCodeAt(0))) return false;
  const text = unquoted(line).trim();
  return SEPARATOR.some((re) => re.test(text));
}

/**
 * True when a forward starts at `i`: a separator line with a forwarded
 * header block below it. The phrase alone is prose ("Begin forwarded
 * message:" in a sentence of its own): every client writes the block right
 * under the separator (Thunderbird, Gmail) or after one blank line (Apple
 * Mail, its copy '>'-quoted), so the block must start on the first line
 * with content, at most HEADER_REACH lines down, and name the sender
 * (From/Von) among at least two header lines, as all of them do.
 */
export function isForwardAt(lines: readonly string[], i: number): boolean {
  if (!isForwardSeparator(lines[i])) return false;
  let j = i + 1;
  while (j < lines.length && j <= i + HEADER_REACH && bare(lines[j]) === '') j++;
  if (j > i + HEADER_REACH || j >= lines.length) return false;
  const block = lines.slice(j, j + MAX_HEADER_LINES).map(bare);
  const headers = block.slice(0, headerBlockEnd(block)).filter((l) => HEADER_LINE.test(l));
  return headers.length >= 2 && headers.some((l) => FROM_LINE.test(l));
}

// Whole own texts that only point at the forward below; anything more is a message of its own.
const INTRODUCTION_PHRASES = /^(?:fyi|f\.y\.i\.?|for your information|(?:please )?see below|zur (?:info(?:rmation)?|kenntnis(?:nahme)?)|z\.\s?k\.?|siehe unten|bitte beachten|please note)\s*[.!:]?$/i;
/** Longest own text that may be an introduction ending in ':'. */
const MAX_INTRODUCTION_LENGTH = 40;

/**
 * True when the sender's own text above a forward only introduces it, so
 * that the forwarded text is what they meant to send: one line, either one
 * of a few set phrases (FYI, zur Info, siehe unten, see below, …) or short
 * and ending in a colon ("Kurze Info an Sie:", "Bitte beachten:"). Kept
 * narrow on purpose: a real message ("Ihre Lieferung kommt morgen.") taken
 * for one would send the wrong text.
 */
export function isIntroduction(text: string): boolean {
  if (text.includes('\n')) return false;
  const line = text.trim();
  return INTRODUCTION_PHRASES.test(line) || (line.endsWith(':') && Array.from(line).length <= MAX_INTRODUCTION_LENGTH);
}

const FORWARD_SUBJECT = /^\s*(?:(?:re|aw|antw|sv)\s*(?:\[\d+\])?\s*:\s*)*(?:fwd?|wg|tr)\s*(?:\[\d+\])?\s*:/i;

/** True when the subject says the mail forwards another (Fwd:, Fw:, WG:), after any reply prefixes. */
export function isForwardSubject(subject: string | undefined): boolean {
  return subject !== undefined && FORWARD_SUBJECT.test(subject);
}

/**
 * Where the forwarded message starts: the first separator line, or — when
 * the subject says it is a forward — Outlook's "Original Message" line or
 * From/Sent header block. -1 when there is none.
 */
export function forwardStart(lines: readonly string[], forwardSubject: boolean): number {
  for (let i = 0; i < lines.length; i++) {
    if (isForwardAt(lines, i)) return i;
    if (forwardSubject && !isQuoted(lines[i]) && (isOriginalMessage(lines[i]) || isHeaderBlock(lines, i))) return i;
  }
  return -1;
}

/**
 * The lines of the forwarded text below the marker at `start`: without the
 * separator and its header block, one level of quoting taken off where the
 * client quoted the forwarded copy (Apple Mail). The text is what it is: its
 * own signature and quotes are for the caller to cut.
 */
export function forwardedLines(lines: readonly string[], start: number): string[] {
  if (isQuoted(lines[start])) return forwardedLines(unquoteBlock(lines, start), 0);
  const separator = isForwardSeparator(lines[start]) || isOriginalMessage(lines[start]);
  const first = nextContent(lines, separator ? start + 1 : start);
  const rest = first < lines.length && isQuoted(lines[first]) ? unquoteBlock(lines, first) : lines.slice(first);
  return rest.slice(headerBlockEnd(rest));
}

/**
 * Index just past the header block at the top of `lines` (0 when the first
 * line is no header): header lines, and the lines a long value wrapped onto
 * (at most two after each), up to the first blank line. Where the blank line
 * is missing (text from HTML) it ends after the last header line.
 */
function headerBlockEnd(lines: readonly string[]): number {
  if (lines.length === 0 || !HEADER_LINE.test(lines[0].trim())) return 0;
  let lastHeader = 0;
  for (let i = 1; i < lines.length && i < MAX_HEADER_LINES; i++) {
    const line = lines[i].trim();
    if (line === '') return i;
    if (HEADER_LINE.test(line)) lastHeader = i;
    else if (i - lastHeader > MAX_WRAPPED) break;
  }
  return lastHeader + 1;
}

/** The quoted block at `i` with one level of '>' (and the space after it) taken off. */
function unquoteBlock(lines: readonly string[], i: number): string[] {
  return lines.slice(i, quoteBlockEnd(lines, i)).map(unquoted);
}

/** The line without any depth of quoting and outer blanks. */
function bare(line: string): string {
  return line.replace(/^[>\s]+/, '').trimEnd();
}

function unquoted(line: string): string {
  return line.startsWith('> ') ? line.slice(2) : line.startsWith('>') ? line.slice(1) : line;
}
