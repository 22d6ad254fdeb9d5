/**
 * Why a search (REST API query, portal form) is refused, as data, worded per
 * language where it is shown: the REST API answers in English (integrators
 * parse its sentences), here; a German portal page in German, with the rest
 * of the portal's German (portal-wording/de.ts). One decision, two wordings,
 * rather than the portal translating the API's sentences.
 */
import { Problem } from './problems.js';

export type SearchRefusal =
  | { code: 'not-a-date'; field: string; text: string }
  | { code: 'not-a-day'; field: string; text: string }
  | { code: 'no-digits'; text: string }
  | { code: 'unknown-status'; unknown: string[]; known: readonly string[] }
  | { code: 'unknown-backup'; text: string }
  | { code: 'range-reversed'; from: string; until: string }
  /** A user's search naming another account than theirs (`own`): only a hand-made URL does. */
  | { code: 'other-account'; own: string };

/** The REST API's sentence (integrators parse it); a German page words the same refusal in portal-wording/de.ts. */
export function searchRefusalWords(r: SearchRefusal): string {
  switch (r.code) {
    case 'not-a-date': return `${r.field} "${r.text}" is not a date (YYYY-MM-DD) or a date-time with offset (2026-11-23T09:00:00+01:00)`;
    case 'not-a-day': return `${r.field} "${r.text}" is not a day of the calendar (YYYY-MM-DD)`;
    case 'no-digits': return `to "${r.text}" has no digits; search for a number or some of its digits (+49 151 1234, 1234)`;
    case 'unknown-status': return `unknown status ${r.unknown.map((s) => `"${s}"`).join(', ')}; known: ${r.known.join(', ')}`;
    case 'unknown-backup': return `backup is "${r.text}"; known: uncertain`;
    case 'range-reversed': return `from (${r.from}) is not before until (${r.until}): no SMS can lie between; swap them`;
    case 'other-account': return `you may only see your account "${r.own}"`;
  }
}

/**
 * A refused search: a 400 (a 403 for another account's SMS) whose detail is the English sentence, its reason kept for
 * a page in another language.
 */
export class SearchRefused extends Problem {
  constructor(readonly refusal: SearchRefusal) {
    super(refusal.code === 'other-account' ? 403 : 400, refusal.code === 'other-account' ? 'Forbidden' : 'BadRequest', searchRefusalWords(refusal));
  }
}
