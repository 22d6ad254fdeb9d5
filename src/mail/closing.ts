/**
 * The closing formula of a mail and the signature block below it: Outlook
 * and Thunderbird users end with "Mit freundlichen Grüßen" and a name,
 * role, company and phone number, without a "-- " line, and each of those
 * lines costs SMS parts. Cut only where that is certain: the formula stands
 * on a line of its own (a name may follow it: "Gruß, Max"; thanks or a wish
 * may go before it: "Vielen Dank und freundliche Grüße"; a second one may
 * join it, in the other language: "Beste Grüße / Best regards"), and below it
 * there is nothing but a few short lines that look like a signature. A line
 * of message text below it (a sentence, lower-case words, a P.S.), or only
 * a salutation above it, keeps everything: a false cut would lose words the
 * sender meant. Nothing at all above it is a body of nothing but a
 * signature (signatureOnlyAt), which is no text to send.
 */
import { isNameBlock, isSignatureLine } from './signature-block.js';

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

// After the formula: nothing, or a name of up to four capitalised words (",
// Max Muster", " aus Köln"), and closing punctuation.
const NAME = String.raw`\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}`;
const TAIL = new RegExp(String.raw`^[,.!]*(?:,?\s*(?:(?:aus|from)\s+)?${NAME})?\s*[,.!]*$`, 'u');
// Thanks or a wish joined to the formula: "Vielen Dank und freundliche Grüße", "Schönes Wochenende und viele Grüße", "Thanks and best regards".
const JOINED = String.raw`(?:(?:(?:vielen|herzlichen|besten|nochmals|tausend)\s+)?dank(?:e)?(?:\s+(?:schön|schoen|sehr))?|(?:ein(?:en)?\s+)?(?:sch(?:ö|oe)ne[ns]?|frohe[ns]?|gute[ns]?|erholsame[ns]?)\s+\p{L}+|thanks?(?:\s+(?:again|a lot|so much))?|thank\s+you)\s*,?\s+(?:und|and|&)\s+`;

// Two formulas on one line, one in each language ("Beste Grüße / Best regards", "Mit freundlichen Grüßen | Kind regards"):
// a slash or bar with or without spaces, a dash only between spaces, so that a hyphenated word never joins two.
const BETWEEN = String.raw`\s*[/|]\s*|\s+[–—-]\s+`;

const SALUTATION = /^[^.!?]{1,60},$/u;

type Matcher = (line: string) => boolean;
const matchers = new WeakMap<readonly string[], Matcher>();

/**
 * Index of the closing line from which `lines` (the text as it is kept so
 * far) is to be cut, or -1. Each closings list is compiled once.
 */
export function closingAt(lines: readonly string[], closings: readonly string[]): number {
  const i = formulaAt(lines, closings);
  return i >= 0 && hasMessage(lines, i) ? i : -1;
}

/**
 * The first line when `lines` hold nothing but a signature: a closing
 * formula and its block with nothing above it ('closing'), or a name block
 * as Outlook adds to a new mail ('signature-block', signature-block.ts).
 * Such a body is no message: the subject is then the text, or there is none.
 */
export function signatureOnlyAt(lines: readonly string[], closings: readonly string[]): { at: number; kind: 'closing' | 'signature-block' } | undefined {
  const at = lines.findIndex((line) => line.trim() !== '');
  if (at < 0) return undefined;
  if (formulaAt(lines, closings) === at && !isGreeting(lines, at)) return { at, kind: 'closing' };
  return isNameBlock(lines.map((line) => line.trim()).filter((line) => line !== '')) ? { at, kind: 'signature-block' } : undefined;
}

// "Viele Grüße aus Köln!" with nothing below it is a greeting someone sends, not a signature.
function isGreeting(lines: readonly string[], at: number): boolean {
  return /\s(?:aus|from)\s+\S/iu.test(lines[at]) && lines.slice(at + 1).every((line) => line.trim() === '');
}

// The closing formula that only a signature block follows, message above it or not.
function formulaAt(lines: readonly string[], closings: readonly string[]): number {
  if (closings.length === 0) return -1;
  let isClosing = matchers.get(closings);
  if (!isClosing) matchers.set(closings, (isClosing = compile(closings)));
  let block = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (isClosing(line)) return i;
    if (++block > MAX_BLOCK_LINES || !isSignatureLine(line)) return -1;
  }
  return -1;
}

function compile(closings: readonly string[]): Matcher {
  // Longest first, so that "Best regards, Max" is not read as "Best" + " regards, Max".
  const alternatives = [...closings].sort((a, b) => b.length - a.length).map(phraseSource).join('|');
  const one = `(?:${alternatives})(?![\\p{L}\\p{N}])`;
  const formula = new RegExp(`^(?:${JOINED})?${one}(?:(?:${BETWEEN})${one})?`, 'iu');
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
