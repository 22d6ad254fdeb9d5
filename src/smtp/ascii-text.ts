/**
 * Reply text as RFC 5321 allows it: ASCII (smtp-server writes whatever it is
 * given, as UTF-8). A sentence of the bridge's own wording in German or with
 * a dash ("20:00–08:00", "Empfänger") is spelled the way German is written
 * without umlauts, so that a bounce stays readable; accents on other
 * letters go (é → e), and any other character is named by its code point
 * ("П" → "U+041F"), so that a reply naming what the sender wrote (a sender
 * ID, the characters that made a text Unicode) still says which.
 */
const SPELLED: Readonly<Record<string, string>> = {
  ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss',
  '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
};

export function asciiReply(text: string): string {
  let out = '';
  let named = false; // the last thing written was a code point's name
  for (const c of text.normalize('NFC')) {
    const ascii = c >= '\x20' && c <= '\x7e' ? c : (SPELLED[c] ?? accentless(c));
    if (ascii !== undefined) {
      // "aПb" reads "a U+041F b": a name is kept apart from letters and digits, not from quotes or punctuation.
      out += named && /^[A-Za-z0-9]/.test(ascii) ? ` ${ascii}` : ascii;
      named = false;
      continue;
    }
    const name = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    out += named || /[A-Za-z0-9]$/.test(out) ? ` ${name}` : name;
    named = true;
  }
  return out;
}

/** An accented Latin letter without its accent (é → e); "й" is not "и", so other scripts' letters get none. */
function accentless(c: string): string | undefined {
  const base = c.normalize('NFD');
  return /^[A-Za-z][\u0300-\u036f]+$/.test(base) ? base[0] : undefined;
}
