import type { ErrorObject } from 'ajv';

/**
 * ajv's errors in the words of the configuration loader — "<key>: is
 * <value>; allowed: <what is>" — for the config file and for run-time
 * changes of an account (REST API, portal), so both answer alike and name
 * what would be accepted instead of ajv's bare "must be equal to one of".
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): string[] {
  const problems: string[] = [];
  for (const e of meantBranches(errors)) {
    if (e.keyword === 'propertyNames') continue; // the error about the name itself follows, with the name
    if (e.keyword === 'discriminator') continue; // the `type` key's own error (missing, not one of …) says it better
    if (e.keyword === 'required') {
      const key = keyOf(e);
      problems.push(`${key === '(root)' ? '' : `${key}.`}${(e.params as { missingProperty: string }).missingProperty}: is required`);
      continue;
    }
    if (e.propertyName !== undefined) {
      problems.push(`${keyOf(e)}: key ${JSON.stringify(e.propertyName)} is not allowed: ${allowedOf(e)}`);
      continue;
    }
    // ajv's verbose errors carry the value (fastify's, whose data is not at hand here); else it is looked up.
    const value = e.keyword === 'additionalProperties' ? undefined : 'data' in e ? e.data : valueAt(data, e.instancePath);
    const shown = value === undefined ? '' : ` is ${JSON.stringify(value)};`;
    const verb = e.keyword === 'additionalProperties' ? 'unknown key' : 'allowed:';
    problems.push(`${keyOf(e)}:${shown} ${verb} ${allowedOf(e)}`);
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
const keyOfProblem = (p: string) => p.slice(0, p.indexOf(':'));

/**
 * The schema's problems followed by those of `checks` (what the schema
 * cannot express), looked for even when the schema found some, so one round
 * shows everything; a key the schema already named is not named twice, and
 * data too broken to check is left to the schema's words.
 */
export function withChecks(found: readonly string[], checks: () => string[]): string[] {
  let more: string[];
  try {
    more = checks();
  } catch {
    return [...found];
  }
  const named = new Set(found.map(keyOfProblem));
  return [...found, ...more.filter((p) => !named.has(keyOfProblem(p)))];
}

function keyOf(e: ErrorObject): string {
  const path = e.instancePath.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path || '(root)';
}

function allowedOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum': return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      return `(known keys here: ${known.join(', ')})`;
    }
    case 'minimum': return `at least ${String(p.limit)}`;
    case 'maximum': return `at most ${String(p.limit)}`;
    case 'exclusiveMinimum': return `more than ${String(p.limit)}`;
    case 'minLength': return `at least ${String(p.limit)} character(s)`;
    case 'maxLength': return `at most ${String(p.limit)} characters`;
    case 'minItems': return `at least ${String(p.limit)} item(s)`;
    case 'maxItems': return `at most ${String(p.limit)} item(s)`;
    case 'format': return p.format === 'regex' ? 'a regular expression (JavaScript syntax)' : `a value of format ${String(p.format)}`;
    case 'type': return `a value of type ${String(p.type)}`;
    default: return e.message ?? e.keyword;
  }
}

function valueAt(data: unknown, instancePath: string): unknown {
  let v: unknown = data;
  for (const part of instancePath.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}
