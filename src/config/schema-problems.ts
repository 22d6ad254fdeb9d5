import type { ErrorObject } from 'ajv';
import { meantTag } from '../mail/tag-near-miss.js';
import { patternWords } from './pattern-words.js';
import { problemEnglish, type Allowed, type KeyedReason } from './reasons.js';

/**
 * ajv's errors in the words of the configuration loader — "<key>: is
 * <value>; allowed: <what is>" — for the config file and for run-time
 * changes of an account (REST API, portal), so both answer alike and name
 * what would be accepted instead of ajv's bare "must be equal to one of".
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): string[] {
  return schemaReasons(errors, data).map(problemEnglish);
}

/** The same as reasons under their keys, for a page that words them in its own language. */
export function schemaReasons(errors: readonly ErrorObject[], data: unknown): KeyedReason[] {
  const problems: KeyedReason[] = [];
  for (const e of meantBranches(errors)) {
    if (e.keyword === 'propertyNames') continue; // the error about the name itself follows, with the name
    if (e.keyword === 'discriminator') continue; // the `type` key's own error (missing, not one of …) says it better
    if (e.keyword === 'required') {
      const key = keyOf(e);
      problems.push({ key: `${key === '(root)' ? '' : `${key}.`}${(e.params as { missingProperty: string }).missingProperty}`, reason: { code: 'required' } });
      continue;
    }
    if (e.propertyName !== undefined) {
      problems.push({ key: keyOf(e), reason: { code: 'key-not-allowed', name: e.propertyName, allowed: allowedOf(e) } });
      continue;
    }
    if (e.keyword === 'additionalProperties') {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      const meant = nearKey(String((e.params as { additionalProperty: string }).additionalProperty), known);
      problems.push({ key: keyOf(e), reason: { code: 'unknown-key', known, ...(meant ? { meant } : {}) } });
      continue;
    }
    // ajv's verbose errors carry the value (fastify's, whose data is not at hand here); else it is looked up.
    const value = 'data' in e ? e.data : valueAt(data, e.instancePath);
    problems.push({ key: keyOf(e), reason: { code: 'schema', ...(value === undefined ? {} : { value }), allowed: allowedOf(e) } });
  }
  return problems;
}

/**
 * Of a value that matched no branch of an anyOf, the complaints of the
 * branch it was meant for: a branch whose only complaint is the value's type
 * was not meant (text given where text or a list is allowed is no list), and
 * of several meant the first (with coerceTypes "array", the REST API's, ""
 * is also [""] and [""] also ""). When no branch is meant, one complaint
 * names the types allowed. The anyOf's own error ("must match a schema in
 * anyOf") adds nothing to either.
 */
function meantBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors];
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${any.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of out.filter((x) => x.schemaPath.startsWith(prefix))) {
      const i = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(i, [...(branches.get(i) ?? []), e]);
    }
    const wrongType = (b: ErrorObject[]) => b.every((e) => e.keyword === 'type' && e.instancePath === any.instancePath);
    const unmeant = [...branches.values()].filter(wrongType);
    const others = [...branches.values()].filter((b) => !wrongType(b)).slice(1);
    const drop = new Set<ErrorObject>([any, ...unmeant.flat(), ...others.flat()]);
    const types = unmeant.map((b) => String((b[0]!.params as { type: unknown }).type)).join(' or ');
    const typeError = unmeant.length && unmeant.length === branches.size ? [{ ...unmeant[0]![0]!, params: { type: types } }] : [];
    out = out.flatMap((e) => (e === any ? typeError : drop.has(e) ? [] : [e]));
  }
  return out;
}

/** The key a problem names: "accounts[0].timeZone" of "accounts[0].timeZone: is …". */
export const keyOfProblem = (p: string) => p.slice(0, p.indexOf(':'));

/**
 * The schema's problems followed by those of `checks` (what the schema
 * cannot express), looked for even when the schema found some, so one round
 * shows everything; a key the schema already named is not named twice, and
 * data too broken to check is left to the schema's words. Problems as the
 * loader's sentences (keyOfProblem) or as reasons under their keys.
 */
export function withChecks<P>(found: readonly P[], checks: () => P[], keyOf: (p: P) => string): P[] {
  let more: P[];
  try {
    more = checks();
  } catch {
    return [...found];
  }
  const named = new Set(found.map(keyOf));
  return [...found, ...more.filter((p) => !named.has(keyOf(p)))];
}

function keyOf(e: ErrorObject): string {
  const path = e.instancePath.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path || '(root)';
}

function allowedOf(e: ErrorObject): Allowed {
  const p = e.params as Record<string, unknown>;
  const limit = (rule: 'at-least' | 'at-most' | 'more-than' | 'min-length' | 'max-length' | 'min-items' | 'max-items'): Allowed => ({ rule, limit: Number(p.limit) });
  switch (e.keyword) {
    case 'enum': return { rule: 'one-of', values: p.allowedValues as unknown[] };
    case 'minimum': return limit('at-least');
    case 'maximum': return limit('at-most');
    case 'exclusiveMinimum': return limit('more-than');
    case 'minLength': return limit('min-length');
    case 'maxLength': return limit('max-length');
    case 'minItems': return limit('min-items');
    case 'maxItems': return limit('max-items');
    case 'format': return p.format === 'regex' ? { rule: 'regex' } : { rule: 'format', format: String(p.format) };
    case 'type': return { rule: 'type', type: String(p.type) };
    case 'pattern': return { rule: 'pattern', pattern: String(p.pattern), text: patternWords(String(p.pattern)) ?? e.message ?? e.keyword };
    case 'uniqueItems': return { rule: 'unique', text: e.message ?? e.keyword };
    default: return { rule: 'other', text: e.message ?? e.keyword };
  }
}

/**
 * The known key a misspelt one seems to mean — another case or spelling
 * (timezone, time_zone: timeZone), a typo (domain: domains) — by the rule
 * that finds a mistyped subject tag, so an operator is not left to compare
 * the key with a list of twenty.
 */
function nearKey(key: string, known: readonly string[]): string | undefined {
  const upper = known.map((k) => k.toUpperCase());
  const meant = meantTag(key, upper);
  return meant === undefined ? undefined : known[upper.indexOf(meant)];
}

function valueAt(data: unknown, instancePath: string): unknown {
  let v: unknown = data;
  for (const part of instancePath.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}
