/**
 * Recognises the parts of a reply that the sender did not write: quoted
 * lines, attribution lines and the header blocks mail clients put above a
 * quoted message. Works on plain-text lines, including lines converted from
 * HTML (blockquotes come out with '> ' prefixes there).
 */

/** Longest attribution we believe; longer "On … wrote:" lines are prose. */
const MAX_ATTRIBUTION_LENGTH = 300;

// Both need a digit (date or time) so that "On Monday I wrote:" stays text.
const ATTRIBUTION = [/^On\s.*\d.*\swrote:$/i, /^Am\s.*\d.*\sschrieb\s.*:$/i];
const ATTRIBUTION_START = /^(?:On|Am)\s/i;
// Thunderbird's other reply headers and mobile clients': "Kunde schrieb:", "Max <max@x.de> wrote:",
// "Kunde schrieb am 27.11.26 um 10:00:". Believed only directly above a quoted block.
const AUTHOR_WROTE = /^[^>\s].{0,200}?\s(?:wrote|writes|schrieb|schreibt)(?:\s(?:am|on)\s.+)?:$/i;

const ORIGINAL_MESSAGE = /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Original-?Nachricht)\s*-{2,}$/i;

// Outlook writes the sender first (From/Sent), GMX and web.de the date first
// (Gesendet/Von); '*' is how Gmail shows Outlook's bold labels in text/plain.
const FROM_LABEL = /^\*?(?:From|Von)\*?:/i;
const DATE_LABEL = /^\*?(?:Sent|Gesendet|Date|Datum)\*?:/i;
/** How far below the first label the second one may be (a long From line wraps). */
const HEADER_BLOCK_REACH = 3;

/** True for a line of a quoted message ('>' prefix, any depth). */
export function isQuoted(line: string): boolean {
  return line.startsWith('>');
}

/** True for Outlook's "-----Original Message-----" and its German forms. */
export function isOriginalMessage(line: string): boolean {
  return ORIGINAL_MESSAGE.test(line.trim());
}

/** True when a From/Von line and a Sent/Gesendet/Date line start a header block at `i`. */
export function isHeaderBlock(lines: readonly string[], i: number): boolean {
  const first = lines[i].trim();
  const other = FROM_LABEL.test(first) ? DATE_LABEL : DATE_LABEL.test(first) ? FROM_LABEL : undefined;
  if (!other) return false;
  const reach = lines.slice(i + 1, i + 1 + HEADER_BLOCK_REACH);
  return reach.some((line) => other.test(line.trim()));
}

/**
 * Number of lines (0, 1 or 2) of an attribution such as "On …, Max <max@x.de> wrote:"
 * starting at `i`. Gmail wraps long ones, so a second line is tried. An
 * "<author> wrote:" line counts only above '>' lines.
 */
export function attributionLength(lines: readonly string[], i: number): number {
  const first = lines[i].trim();
  if (isAttribution(first)) return 1;
  if (first.length <= MAX_ATTRIBUTION_LENGTH && AUTHOR_WROTE.test(first) && isQuoted(lines[nextContent(lines, i + 1)] ?? '')) return 1;
  if (!ATTRIBUTION_START.test(first) || i + 1 >= lines.length) return 0;
  return isAttribution(`${first} ${lines[i + 1].trim()}`) ? 2 : 0;
}

function isAttribution(text: string): boolean {
  return text.length <= MAX_ATTRIBUTION_LENGTH && ATTRIBUTION.some((re) => re.test(text));
}

/**
 * True when `lines` show they answer an earlier mail: an attribution, an
 * "-----Original Message-----" line or a quoted header block. Without any
 * of these, and without reply headers or a Re:/AW: subject, a line that
 * begins with '>' is the sender's text ("> 1000 EUR Guthaben").
 */
export function hasReplyMarks(lines: readonly string[]): boolean {
  return lines.some((line, i) => attributionLength(lines, i) > 0 || isOriginalMessage(line) || isHeaderBlock(lines, i));
}

/**
 * Index just past the quoted block starting at `i`: quoted lines and the blank
 * lines between them, not the blank lines after the last one.
 */
export function quoteBlockEnd(lines: readonly string[], i: number): number {
  let end = i;
  for (let j = i; j < lines.length; j++) {
    if (isQuoted(lines[j])) end = j + 1;
    else if (lines[j].trim() !== '') break;
  }
  return end;
}

/** Index of the first non-blank line at or after `i` (lines.length if none). */
export function nextContent(lines: readonly string[], i: number): number {
  let j = i;
  while (j < lines.length && lines[j].trim() === '') j++;
  return j;
}
