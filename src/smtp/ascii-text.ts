/**
 * Reply text as RFC 5321 allows it: ASCII (smtp-server writes whatever it is
 * given, as UTF-8). A sentence of the bridge's own wording in German or with
 * a dash ("20:00–08:00", "Empfänger") is spelled the way German is written
 * without umlauts, so that a bounce stays readable; anything else outside
 * ASCII becomes "?".
 */
const SPELLED: Readonly<Record<string, string>> = {
  ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss',
  '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
};

export function asciiReply(text: string): string {
  return text
    .replace(/[^\x20-\x7e]/g, (c) => SPELLED[c] ?? c)
    // Accents on other letters (é, ñ) go; what still is not ASCII is shown as "?".
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
}
