import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { accountsProblems } from '../accounts/registry.js';
import { isTimeZone, optionProblems, quietHoursProblems } from '../accounts/validate.js';
import { configProblems } from './check.js';
import { smtpProblems } from '../smtp/schema.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

/** Thrown when the configuration cannot be used; `problems` lists every one of them, not just the first. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

// discriminator: connectors are a oneOf by `type`, and only with it does ajv fill in the defaults of the chosen branch
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictTypes: false, verbose: true, discriminator: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(configSchema);

/** `"${NAME}"` as a whole string value reads NAME from the environment: secrets stay out of the file. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (!m) return value;
    const v = env[m[1]];
    if (v === undefined) problems.push(`${path || '(root)'}: environment variable ${m[1]} is not set`);
    return v ?? '';
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path ? `${path}.${k}` : k, problems)]));
  }
  return value;
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
    case 'minItems': return `at least ${String(p.limit)} item(s)`;
    case 'type': return `a value of type ${String(p.type)}`;
    default: return e.message ?? e.keyword;
  }
}

function valueAt(data: unknown, instancePath: string): unknown {
  let v: unknown = data;
  for (const part of instancePath.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

/** Validates raw configuration data, applies defaults, and returns a deep-frozen Config. */
export function buildConfig(raw: unknown, source = 'configuration', env: NodeJS.ProcessEnv = {}): Config {
  const problems: string[] = [];
  const data = substituteEnv(structuredClone(raw ?? {}), env, '', problems) as Record<string, unknown>;
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
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
      const value = e.keyword === 'additionalProperties' ? undefined : valueAt(data, e.instancePath);
      const shown = value === undefined ? '' : ` is ${JSON.stringify(value)};`;
      const verb = e.keyword === 'additionalProperties' ? 'unknown key' : 'allowed:';
      problems.push(`${keyOf(e)}:${shown} ${verb} ${allowedOf(e)}`);
    }
  }
  problems.push(...crossProblems(data as unknown as Config, problems));
  if (problems.length) throw new ConfigError(source, problems);
  return deepFreeze(data as unknown as Config);
}

/** What the schema cannot express: names that must be unique, references between keys, time zones that must exist, limits between keys. */
function crossChecks(c: Config): string[] {
  const zones: Array<[string, string | undefined]> = [
    ['options.timeZone', c.options.timeZone], ['notify.timeZone', c.notify.timeZone],
    ...c.accounts.map((a, i): [string, string | undefined] => [`accounts[${i}].timeZone`, a.timeZone]),
  ];
  const badZones = zones.filter(([, z]) => z !== undefined && !isTimeZone(z))
    .map(([key, z]) => `${key}: is ${JSON.stringify(z)}; allowed: an IANA time zone such as "Europe/Berlin"`);
  const countries = Object.entries(c.options.countryQuietHours).flatMap(([cc, q]) => quietHoursProblems(q, `options.countryQuietHours.${cc}`));
  return [...badZones, ...optionProblems(c.options, 'options.'), ...countries, ...accountsProblems(c.accounts, c.text.maxSegments), ...configProblems(c), ...smtpProblems(c.smtp)];
}

/**
 * Cross-reference problems are looked for even when the schema found some,
 * so one round shows everything; a key the schema already named is not
 * named twice, and data too broken to check is left to the schema's words.
 */
function crossProblems(config: Config, schemaProblems: string[]): string[] {
  let found: string[];
  try {
    found = crossChecks(config);
  } catch {
    return [];
  }
  const named = new Set(schemaProblems.map((p) => p.slice(0, p.indexOf(':'))));
  return found.filter((p) => !named.has(p.slice(0, p.indexOf(':'))));
}

/** Reads and validates a config file; no path means all defaults. */
export async function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv): Promise<Config> {
  if (!path) return buildConfig({}, 'defaults', env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
  return buildConfig(raw, path, env);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
