/**
 * The wording of one language, looked up per confirmation. Everything that
 * can be worked out once (the padded field labels of the plain-text body) is
 * worked out when the module loads, so a lookup costs one property read on
 * the compose thread's hot path.
 */
import { de } from './de.js';
import { en } from './en.js';
import type { Fields, Labels, Language, Wording, WordingTable } from './types.js';

export { LANGUAGES, type Language, type Wording } from './types.js';

// The plain-text body shows two blocks of "Label:  value" lines; each block's values start in one column.
const BLOCKS: ReadonlyArray<ReadonlyArray<keyof Fields>> = [
  ['recipient', 'reason', 'sendTime', 'sender', 'flash', 'length'],
  ['yourReference', 'billingCode', 'ourReference', 'carrierReference', 'yourMail'],
];

function fieldsOf(labels: Labels): Fields {
  const out = {} as Fields;
  for (const block of BLOCKS) {
    const width = Math.max(...block.map((k) => labels[k].length)) + 3;
    for (const k of block) out[k] = `${labels[k]}:`.padEnd(width);
  }
  return out;
}

const complete = (t: WordingTable): Wording => Object.freeze({ ...t, fields: fieldsOf(t.labels) });
const WORDINGS: Readonly<Record<Language, Wording>> = { en: complete(en), de: complete(de) };

/** English for anything unknown (a settings file edited by hand), so a confirmation is never lost over its language. */
export function wordingFor(language: string | undefined): Wording {
  return language !== undefined && Object.hasOwn(WORDINGS, language) ? WORDINGS[language as Language] : WORDINGS.en;
}
