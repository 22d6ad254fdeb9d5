import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { accountsProblems } from '../accounts/registry.js';
import { countryProblems, optionProblems, quietHoursProblems, timeZoneProblems } from '../accounts/validate.js';
import { configProblems } from './check.js';
import { jsonSyntaxProblem } from './json-error.js';
import { smtpProblems } from '../smtp/schema.js';
import { schemaProblems, withChecks } from './schema-problems.js';
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

/** Validates raw configuration data, applies defaults, and returns a deep-frozen Config. */
export function buildConfig(raw: unknown, source = 'configuration', env: NodeJS.ProcessEnv = {}): Config {
  const problems: string[] = [];
  const data = substituteEnv(structuredClone(raw ?? {}), env, '', problems) as Record<string, unknown>;
  if (!validate(data)) problems.push(...schemaProblems(validate.errors ?? [], data));
  const all = withChecks(problems, () => crossChecks(data as unknown as Config));
  if (all.length) throw new ConfigError(source, all);
  return deepFreeze(data as unknown as Config);
}

/** What the schema cannot express: names that must be unique, references between keys, time zones and countries that must exist, limits between keys. */
function crossChecks(c: Config): string[] {
  const countries = Object.entries(c.options.countryQuietHours).flatMap(([cc, q]) => quietHoursProblems(q, `options.countryQuietHours.${cc}`));
  return [
    ...countryProblems('smtp.defaultCountry', c.smtp.defaultCountry), ...timeZoneProblems('notify.timeZone', c.notify.timeZone),
    ...optionProblems(c.options, 'options.'), ...countries, ...accountsProblems(c.accounts, c.text.maxSegments), ...configProblems(c), ...smtpProblems(c.smtp),
  ];
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
  // An editor's byte order mark (Windows Notepad's "UTF-8 with BOM") is no part of the JSON.
  text = text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [jsonSyntaxProblem(text, (err as Error).message)]);
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
