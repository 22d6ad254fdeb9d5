/**
 * What the lines of a signature look like: names, roles, companies,
 * addresses, phone numbers and links — short, capitalised, no sentences.
 * Used below a closing formula (closing.ts), for a body that is nothing but
 * Outlook's automatic signature (a name block without a formula), and for
 * the company footer around a disclaimer (disclaimer.ts).
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

// A person's name: up to four capitalised words, perhaps after a title or "i. A.".
const PERSON = /^(?:(?:i\.\s?[AV]\.|ppa\.|pp\.|gez\.)\s+)?(?:(?:Dr|Prof|Dipl)\.[^\s]*\s+)*\p{Lu}[\p{Ll}'’-]+\.?(?:\s+(?:von|van|de|der|zu)?\s*\p{Lu}[\p{L}'’-]*\.?){1,3}$/u;
// Capitalised words that begin a message rather than a name ("Bitte Rückruf", "Termin Montag").
const MESSAGE_START = /^(?:bitte|danke|vielen|rückruf|termin|achtung|hinweis|info|hallo|hi|hey|guten|sehr|liebe|lieber|ihr|ihre|wir|ich|sie|es|der|die|das|heute|morgen|neue|neuer|please|call|thanks|thank|dear|hello|your|we|the|today|tomorrow|new)\b/iu;
// Phone, fax or mobile with its label, an e-mail address, a web address.
const CONTACT = /^(?:tel(?:efon)?|fon|phone|mobil(?:e)?|handy|cell|fax|e-?mail|mail|web|internet)\b\.?\s*:?\s*\S|[^\s@]+@[^\s@]+\.\p{L}{2,}|\bwww\.|https?:\/\//iu;
/** Fewest lines of a name block taken for a signature without a closing formula: name, company or role, contact. */
const MIN_NAME_BLOCK = 3;
const MAX_NAME_BLOCK = 10;

/**
 * True when `lines` (non-blank, trimmed) are a signature on their own, as
 * Outlook adds one to a new mail: a person's name first, then at least a
 * company or role and a contact line (labelled phone, e-mail, web), all of
 * them signature lines. Two lines ("Max Muster / Tel. …") are not enough: a
 * clerk sends a contact that way.
 */
export function isNameBlock(lines: readonly string[]): boolean {
  if (lines.length < MIN_NAME_BLOCK || lines.length > MAX_NAME_BLOCK) return false;
  if (!PERSON.test(lines[0]) || MESSAGE_START.test(lines[0])) return false;
  return lines.every(isSignatureLine) && lines.slice(1).some((line) => CONTACT.test(line));
}
