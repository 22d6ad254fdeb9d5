/**
 * The prefixes mail clients put before a subject when replying or
 * forwarding, in the languages our clerks' clients speak: "Re:", "AW:",
 * "Antw:", "SV:", "Fwd:", "Fw:", "WG:", "TR:", repeated and mixed ("WG: AW:"),
 * with Outlook's counters ("AW[2]:"). They say nothing about the SMS: not
 * in its text, not in a confirmation's quoted subject.
 */
const PREFIXES = /^(?:(?:re|aw|antw|sv|fwd?|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+/i;

/** The subject without its reply and forward prefixes. */
export function withoutPrefixes(subject: string): string {
  return subject.replace(PREFIXES, '');
}
