/**
 * Why a search (REST API query, portal form) is refused, as data, worded per
 * language where it is shown: the REST API answers in English (integrators
 * parse its sentences), a German portal page in German. One decision, two
 * wordings, rather than the portal translating the API's sentences.
 */
import type { Language } from '../notify/wording/index.js';
import { Problem } from './problems.js';

export type SearchRefusal =
  | { code: 'not-a-date'; field: string; text: string }
  | { code: 'not-a-day'; field: string; text: string }
  | { code: 'no-digits'; text: string }
  | { code: 'unknown-status'; unknown: string[]; known: readonly string[] }
  | { code: 'unknown-backup'; text: string }
  | { code: 'range-reversed'; from: string; until: string };

const FIELDS_DE: Record<string, string> = { from: 'Von', until: 'Bis' };

const WORDS: Readonly<Record<Language, (r: SearchRefusal) => string>> = {
  en: (r) => {
    switch (r.code) {
      case 'not-a-date': return `${r.field} "${r.text}" is not a date (YYYY-MM-DD) or a date-time with offset (2026-11-23T09:00:00+01:00)`;
      case 'not-a-day': return `${r.field} "${r.text}" is not a day of the calendar (YYYY-MM-DD)`;
      case 'no-digits': return `to "${r.text}" has no digits; search for a number or some of its digits (+49 151 1234, 1234)`;
      case 'unknown-status': return `unknown status ${r.unknown.map((s) => `"${s}"`).join(', ')}; known: ${r.known.join(', ')}`;
      case 'unknown-backup': return `backup is "${r.text}"; known: uncertain`;
      case 'range-reversed': return `from (${r.from}) is not before until (${r.until}): no SMS can lie between; swap them`;
    }
  },
  de: (r) => {
    switch (r.code) {
      case 'not-a-date': return `„${FIELDS_DE[r.field] ?? r.field}“ ist mit „${r.text}“ kein Datum (JJJJ-MM-TT) und keine Zeit mit Zeitzone (2026-11-23T09:00:00+01:00)`;
      case 'not-a-day': return `„${FIELDS_DE[r.field] ?? r.field}“ ist mit „${r.text}“ kein Tag des Kalenders (JJJJ-MM-TT)`;
      case 'no-digits': return `die Nummer „${r.text}“ enthält keine Ziffern; suchen Sie nach einer Nummer oder einigen ihrer Ziffern (+49 151 1234, 1234)`;
      case 'unknown-status': return `unbekannter Status ${r.unknown.map((s) => `„${s}“`).join(', ')}`;
      case 'unknown-backup': return `„${r.text}“ ist keine bekannte Auswahl der Sicherung`;
      case 'range-reversed': return `„Von“ (${r.from}) liegt nicht vor „Bis“ (${r.until}): dazwischen kann keine SMS liegen; tauschen Sie die beiden`;
    }
  },
};

export const searchRefusalWords = (language: Language, r: SearchRefusal): string => WORDS[language](r);

/** A refused search: a 400 whose detail is the English sentence, its reason kept for a page in another language. */
export class SearchRefused extends Problem {
  constructor(readonly refusal: SearchRefusal) {
    super(400, 'BadRequest', searchRefusalWords('en', refusal));
  }
}
