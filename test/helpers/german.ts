import * as assert from 'uvu/assert';
import { de } from '../../src/api/portal-wording/de.js';
import { en } from '../../src/api/portal-wording/en.js';

/** A portal page's language, as <html lang> says it. */
export const langOf = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

/** Every string of the English table that German says otherwise (functions left out: their fixed words show in the pages' own checks). */
function englishOnly(e: unknown, g: unknown, out: string[] = []): string[] {
  if (typeof e === 'string') {
    if (e !== g) out.push(e.replace(/<[^>]+>/g, ''));
  } else if (e && typeof e === 'object') {
    // notify: the confirmations' table (its own tests); language: a code; switchTo: the link in the other language.
    for (const [k, v] of Object.entries(e)) if (!['notify', 'language', 'switchTo'].includes(k)) englishOnly(v, (g as Record<string, unknown>)[k], out);
  }
  return out;
}
/**
 * English made outside the table that a German page must not show bare: the connectors' state words, the confirmation
 * levels (a config value), the fixed words of the REST API's refusals of a search (search-refusals.ts), and those of
 * the configuration's checks that refuse an account's values (config/reasons.ts).
 */
const ELSEWHERE = ['ready', 'bound', 'connecting', 'failing', 'throttled', 'failure', 'delivery', 'is not before', 'has no digits', 'is not a date', 'is not a day', 'unknown status', 'may only see',
  'allowed', 'is required', 'unknown key', 'time zone', 'international number plan', 'printable characters', 'exponential time', 'without', 'at most', 'at least', 'a value of type', 'is not among'];

// "Connectors" is German too: the genitive of Connector ("die Voreinstellung des Connectors").
const ENGLISH = [...englishOnly(en, de).filter((s) => s.trim().length > 1 && s !== 'Connectors'), ...ELSEWHERE];

/**
 * The text a reader sees (no markup, no attributes; not what they wrote: an SMS's text, a field's value; not code: a
 * configuration key, a command, JSON), entities read.
 */
const textOf = (html: string) => html.replace(/<(svg|textarea|pre|code)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, '\n')
  .replace(/&#39;/g, '\'').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A German page: <html lang="de">, and none of the English table's strings that German words otherwise in the text a
 * reader sees (a guard against a label left in a template or built in code).
 */
export function assertGerman(html: string, page: string): void {
  assert.is(langOf(html), 'de', `${page}: <html lang>`);
  // A carrier's or connector's own words, named as such in German, are quoted, not left over.
  const text = textOf(html).replace(/^\s*(Meldung des Netzbetreibers|Meldung des Connectors|Grund): .*$/gm, '');
  const left = ENGLISH.filter((s) => new RegExp(`(^|[^\\p{L}])${escapeRe(s.trim())}($|[^\\p{L}])`, 'u').test(text));
  assert.equal(left, [], `${page}: English left on the German page`);
}
