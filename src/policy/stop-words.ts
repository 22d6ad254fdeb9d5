/**
 * What a handset's reply asks for, by its keyword: carriers' and regulators'
 * conventions (CTIA: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT to opt
 * out, START and UNSTOP to opt in again; German clerks' customers write
 * STOPP or ABMELDEN). Only a short reply that is the keyword (optionally
 * followed by one word, as in "STOP ACME") counts: "please stop calling me
 * at work" is a message for a person, not an instruction. Pure.
 */
const OUT = new Set(['stop', 'stopp', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'abmelden', 'abbestellen', 'arret', 'arrêt']);
const IN = new Set(['start', 'unstop', 'anmelden']);

export type Keyword = 'opt-out' | 'opt-in';

export function keywordOf(text: string): Keyword | undefined {
  // Punctuation and case do not matter ("Stop.", "STOP!"); more than two words is not a keyword reply.
  const words = text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}\s]+/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 2) return undefined;
  if (OUT.has(words[0]!)) return 'opt-out';
  if (IN.has(words[0]!)) return 'opt-in';
  return undefined;
}
