/**
 * Option tags written in the wrong shape: `[JOBPERIOD=2026-12-01T09:00]`,
 * `[JOBPERIOD;…]`, `[JOBPERIOD 2026-…]` or `(JOBPERIOD:…)`, as other
 * gateways' manuals and ERP templates write them. Left as text, such a tag
 * changes nothing: a scheduled SMS goes out at once, and `[SRC=ACME]` reaches
 * the customer as SMS text. Subjects carry brackets of their own
 * (`[Ticket #123]`, `[EXTERN]`, `(Rechnung 4711)`), so only a bracket whose
 * first word is one of our tag names (or close to one, as tag-near-miss.ts
 * decides) counts, and only with a value after it. The looser shapes (a blank
 * instead of `:`, round brackets) count only with the name in capitals as tags
 * are written: `[From Hamburg]` and `(Ref: 4711)` are a clerk's words.
 * `meantTag` may also ask that a loose shape's value be one the tag takes
 * (option-tags.ts; a sender tag only with a sender of the account): `[AT RISK]` and `[DN 123]` are a clerk's words too.
 */

export interface MistypedTag {
  /** The bracket as written, for the refusal. */
  written: string;
  /** Our tag it seems to be, written the right way: `[JOBPERIOD:2026-12-01T09:00]`. */
  meant: string;
}

const BRACKETED = /[[(][^[\]()]*[\])]/g;
const INSIDE = /^[ \t]*([A-Za-z][A-Za-z0-9_-]*)([ \t]*[=;:][ \t]*|[ \t]+)(.*?)[ \t]*$/s;

/** Whether a bracket opened with `open`, with this separator and name, is a tag in the wrong shape. */
function wrongShape(open: string, separator: string, key: string): boolean {
  const loose = open === '(' || separator === '';
  if (loose && key !== key.toUpperCase()) return false;
  return open === '(' || separator !== ':'; // `[KEY:…]` is the right shape, read elsewhere
}

/**
 * The brackets in `subject` that are tags in the wrong shape, in order.
 * `meantTag` names our tag (upper case) that a key with this value stands
 * for, or undefined; `loose`: written with a blank or in round brackets.
 */
export function mistypedTags(subject: string, meantTag: (key: string, value: string, loose: boolean) => string | undefined): MistypedTag[] {
  const found: MistypedTag[] = [];
  for (const [written] of subject.matchAll(BRACKETED)) {
    const open = written[0];
    if ((open === '[') !== written.endsWith(']')) continue;
    const m = INSIDE.exec(written.slice(1, -1));
    if (!m) continue;
    const [, key, rawSeparator, value] = m;
    if (!value) continue;
    if (!wrongShape(open, rawSeparator.trim(), key)) continue;
    const tag = meantTag(key, value, open === '(' || rawSeparator.trim() === '');
    if (tag) found.push({ written, meant: `[${tag}:${value}]` });
  }
  return found;
}
