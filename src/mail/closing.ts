/**
 * The closing formula of a mail and the signature block below it: Outlook
 * and Thunderbird users end with "Mit freundlichen Grüßen" and a name,
 * role, company and phone number, without a "-- " line, and each of those
 * lines costs SMS parts. Cut only where that is certain: the formula stands
 * on a line of its own (a name may follow it: "Gruß, Max"), and below it
 * there is nothing but a few short lines that look like a signature. A line
 * of message text below it (a sentence, lower-case words, a P.S.), or no
 * message above it, keeps everything: a false cut would lose words the
 * sender meant.
 */

/** Closing formulas cut by default (text.closings). "Danke"/"Thanks" are not: alone, they are often the message. */
export const DEFAULT_CLOSINGS: readonly string[] = [
  'Mit freundlichen Grüßen', 'Mit freundlichem Gruß', 'Freundliche Grüße', 'Mit besten Grüßen', 'Beste Grüße',
  'Viele Grüße', 'Liebe Grüße', 'Herzliche Grüße', 'Mit herzlichen Grüßen', 'Schöne Grüße', 'Mit kollegialen Grüßen',
  'Gruß', 'Grüße', 'MfG', 'VG', 'LG', 'Hochachtungsvoll',
  'Best regards', 'Kind regards', 'Kindest regards', 'Warm regards', 'With best regards', 'Regards', 'Best wishes', 'Best',
  'Cheers', 'Sincerely', 'Yours sincerely', 'Yours faithfully',
];

/** Most lines (not counting blank ones) a signature block below the closing may have. */
const MAX_BLOCK_LINES = 10;
/** Longest line of a signature block: a one-line address with separators fits, a paragraph does not. */
const MAX_BLOCK_LINE = 72;

// After the formula: nothing, or a name of up to four capitalised words (",
// Max Muster", " aus Köln"), and closing punctuation.
const NAME = String.raw`\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}`;
const TAIL = new RegExp(String.raw`^[,.!]*(?:,?\s*(?:(?:aus|from)\s+)?${NAME})?\s*[,.!]*$`, 'u');

const SALUTATION = /^[^.!?]{1,60},$/u;
// P.S., PS:, PPS, N.B.: what follows is message, wherever it stands.
const POSTSCRIPT = /^(?:p\.?\s?)+s\b|^n\.?\s?b\b/iu;
// Lower-case words a name, title, company or address line may hold.
const SMALL_WORDS = new Set(['von', 'van', 'vom', 'der', 'den', 'dem', 'des', 'de', 'di', 'da', 'du', 'la', 'le', 'und', 'u.', 'für', 'fuer', 'of', 'and', 'the', 'for', 'at', 'in', 'im', 'am', 'zu', 'zur', 'zum', 'an', 'bei', 'mbh', '&', '+']);

type Matcher = (line: string) => boolean;
const matchers = new WeakMap<readonly string[], Matcher>();

/**
 * Index of the closing line from which `lines` (the text as it is kept so
 * far) is to be cut, or -1. Each closings list is compiled once.
 */
export function closingAt(lines: readonly string[], closings: readonly string[]): number {
  if (closings.length === 0) return -1;
  let isClosing = matchers.get(closings);
  if (!isClosing) matchers.set(closings, (isClosing = compile(closings)));
  let block = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (isClosing(line)) return hasMessage(lines, i) ? i : -1;
    if (++block > MAX_BLOCK_LINES || !isSignatureLine(line)) return -1;
  }
  return -1;
}

function compile(closings: readonly string[]): Matcher {
  // Longest first, so that "Best regards, Max" is not read as "Best" + " regards, Max".
  const alternatives = [...closings].sort((a, b) => b.length - a.length).map(phraseSource).join('|');
  const formula = new RegExp(`^(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');
  return (line) => {
    const m = formula.exec(line);
    return m !== null && TAIL.test(line.slice(m[0].length));
  };
}

// Case aside, 'ß' and 'ss', 'ü' and 'ue' (and ä, ö) are the same: Swiss and ASCII-only senders write "Gruss", "Gruesse".
function phraseSource(phrase: string): string {
  const folded = phrase.trim().toLowerCase().replace(/ß/g, 'ss').replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue');
  return folded
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+')
    .replace(/ss|ae|oe|ue/g, (pair) => `(?:${pair}|${{ ss: 'ß', ae: 'ä', oe: 'ö', ue: 'ü' }[pair]})`);
}

// Something besides a salutation ("Hallo Max,") above the closing: cutting must leave a message.
function hasMessage(lines: readonly string[], end: number): boolean {
  const above = lines.slice(0, end).map((l) => l.trim()).filter((l) => l !== '');
  return above.length > 1 || (above.length === 1 && !SALUTATION.test(above[0]));
}

/** A short line of names, titles, companies, addresses, numbers or links; not a sentence, not a P.S. */
function isSignatureLine(line: string): boolean {
  if (line.length > MAX_BLOCK_LINE || POSTSCRIPT.test(line) || /[?!]$/.test(line)) return false;
  const words = line.split(/\s+/);
  // A full stop after a word of four letters or more ends a sentence ("Bitte Rückruf."), not an abbreviation ("Co.", "Str.").
  if (/\p{L}{4,}\.$/u.test(words[words.length - 1])) return false;
  return words.every(isSignatureWord);
}

function isSignatureWord(word: string): boolean {
  return /^\p{Lu}/u.test(word) || /[\p{N}@/:|]|\p{L}\.\p{L}/u.test(word) || !/\p{L}/u.test(word) || SMALL_WORDS.has(word.toLowerCase());
}
