/**
 * What the lines of a signature look like: names, roles, companies,
 * addresses, phone numbers and links — short, capitalised, no sentences.
 * Used below a closing formula (closing.ts) and for the company footer
 * around a disclaimer (disclaimer.ts).
 */

/** Longest line of a signature block: a one-line address with separators fits, a paragraph does not. */
const MAX_LINE = 72;
/** Longest line made of separated signature items ("ACME GmbH · Hauptstraße 1 · 50667 Köln · Tel. …"). */
const MAX_ITEMS_LINE = 200;
// Outlook and corporate signature generators join address, phone and web on one line with these.
const ITEM_SEPARATOR = /\s+[·|•]\s+/u;

// P.S., PS:, PPS, N.B.: what follows is message, wherever it stands.
const POSTSCRIPT = /^(?:p\.?\s?)+s\b|^n\.?\s?b\b/iu;
// Lower-case words a name, title, company or address line may hold; "i. A.", "i. V.", "ppa.", "gez." stand before the name in German business letters.
const SMALL_WORDS = new Set([
  'von', 'van', 'vom', 'der', 'den', 'dem', 'des', 'de', 'di', 'da', 'du', 'la', 'le', 'und', 'u.', 'für', 'fuer', 'of', 'and', 'the', 'for', 'at', 'in', 'im', 'am',
  'zu', 'zur', 'zum', 'an', 'bei', 'mbh', '&', '+', 'i.', 'i.a.', 'i.v.', 'ppa.', 'pp.', 'gez.',
]);

/** A short line of names, titles, companies, addresses, numbers or links; not a sentence, not a P.S. */
export function isSignatureLine(line: string): boolean {
  if (line.length > MAX_LINE) return isItemsLine(line);
  if (POSTSCRIPT.test(line) || /[?!]$/.test(line)) return false;
  const words = line.split(/\s+/);
  // A full stop after a word of four letters or more ends a sentence ("Bitte Rückruf."), not an abbreviation ("Co.", "Str.").
  if (/\p{L}{4,}\.$/u.test(words[words.length - 1])) return false;
  return words.every(isSignatureWord);
}

// A long line is a signature line when each of its separated items is one.
function isItemsLine(line: string): boolean {
  if (line.length > MAX_ITEMS_LINE) return false;
  const items = line.split(ITEM_SEPARATOR);
  return items.length > 2 && items.every((item) => item.length <= MAX_LINE && isSignatureLine(item));
}

function isSignatureWord(word: string): boolean {
  return /^\p{Lu}/u.test(word) || /[\p{N}@/:|]|\p{L}\.\p{L}/u.test(word) || !/\p{L}/u.test(word) || SMALL_WORDS.has(word.toLowerCase());
}
