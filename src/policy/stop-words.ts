/**
 * What a handset's reply asks for, by its keyword: carriers' and regulators'
 * conventions (CTIA: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT to opt
 * out, START and UNSTOP to opt in again; German clerks' customers write
 * STOPP or ABMELDEN). Only a short reply that is the keyword (optionally
 * followed by one word, as in "STOP ACME") counts: "please stop calling me
 * at work" is a message for a person, not an instruction.
 *
 * A keyword is about the sender the reply was sent to (policy/inbound.ts),
 * unless it says ALL: "STOP ALL" (also STOPALL, "ABMELDEN ALLE") opts out of
 * every sender on the gateway, the shared short codes' convention, and
 * "START ALL" ends every opt-out the handset made. Pure.
 */
const OUT = new Set(['stop', 'stopp', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'abmelden', 'abbestellen', 'arret', 'arrêt']);
const IN = new Set(['start', 'unstop', 'anmelden']);
const ALL = new Set(['all', 'alle']);

export type Keyword = 'opt-out' | 'opt-in';

export interface KeywordReply {
  keyword: Keyword;
  /** About every sender on the gateway, not only the one the reply was sent to. */
  all: boolean;
}

export function keywordOf(text: string): KeywordReply | undefined {
  // Punctuation and case do not matter ("Stop.", "STOP!"); more than two words is not a keyword reply.
  const words = text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}\s]+/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 2) return undefined;
  const [first, second] = words as [string, string | undefined];
  const keyword: Keyword | undefined = OUT.has(first) ? 'opt-out' : IN.has(first) ? 'opt-in' : undefined;
  return keyword && { keyword, all: first === 'stopall' || (second !== undefined && ALL.has(second)) };
}
