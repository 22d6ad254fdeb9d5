/**
 * Whether a signature pattern an account sets (config or portal) could make
 * matching take exponential time. JavaScript's regular expressions
 * backtrack, run on the event loop and cannot be interrupted: one team lead
 * saving `^(a+)+$` froze the whole gateway for 44 s with a 33-character
 * line (review 4c), for every account. The patterns an account needs name a
 * signature's first line (`^Mit freundlichen Grüßen`, `^i\. ?A\.`); they do
 * without what makes backtracking explode, so the rule is strict rather than
 * clever: no repeated group (the source of nested and overlapping
 * repetition) and no back-reference. A repeated character or class
 * (`\s+`, `[-–]+`) stays allowed. The operator's text.signaturePatterns are
 * not held to this (the defaults repeat bounded groups); every pattern only
 * ever sees lines of at most MAX_PATTERN_LINE characters (extract.ts), which
 * bounds the polynomial cases.
 */

/** What makes `pattern` a risk; config/reasons.ts words it (English, and German for the portal). */
export type PatternRisk = 'back-reference' | 'repeated-group';

/** Why `pattern` is refused, or undefined when it is fine. */
export function patternRisk(pattern: string): PatternRisk | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<'))) return 'back-reference';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === ')' && repeats(pattern, i + 1)) {
      return 'repeated-group';
    }
  }
  return undefined;
}

/** Whether a quantifier that repeats (not `?`, not `{0,1}`/`{1}`) starts at `at`. */
function repeats(pattern: string, at: number): boolean {
  const c = pattern[at];
  if (c === '*' || c === '+') return true;
  if (c !== '{') return false;
  const m = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(at));
  if (!m) return false;
  const [, min, comma, max] = m;
  const upper = comma ? (max === '' ? Infinity : Number(max)) : Number(min);
  return upper > 1;
}
