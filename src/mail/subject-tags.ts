/**
 * Bracket tags `[KEY:VALUE]` / `[KEY]` in a subject. Only keys the caller
 * knows are taken out: gateways and clerks put their own brackets there
 * (`[EXTERNAL]`, `[WICHTIG]`, `[Ticket#123]`), and those are text, not options.
 */

export interface SubjectTag {
  key: string; // as written, for error messages
  value?: string; // undefined for a tag without ':'
}

const TAG = /\[\s*([A-Za-z][A-Za-z0-9_-]*)\s*(?::([^\]]*))?\]/g;

/** Removes the known tags; collapses the blanks they leave and trims. */
export function extractTags(
  subject: string,
  isKnown: (upperKey: string, hasValue: boolean) => boolean,
): { tags: SubjectTag[]; subject: string } {
  const tags: SubjectTag[] = [];
  const rest = subject.replace(TAG, (whole: string, key: string, value: string | undefined) => {
    if (!isKnown(key.toUpperCase(), value !== undefined)) return whole;
    tags.push(value === undefined ? { key } : { key, value: value.replace(/^[ \t]+|[ \t]+$/g, '') });
    return ' '; // "a[SRC:X]b" must not become "ab"
  });
  return { tags, subject: rest.replace(/[ \t]+/g, ' ').trim() };
}
