import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { accountsProblems } from '../accounts/registry.js';
import { countryProblems, optionProblems, quietHoursProblems, timeZoneProblems } from '../accounts/validate.js';
import { configProblems } from './check.js';
import { jsonSyntaxProblem } from './json-error.js';
import { smtpProblems } from '../smtp/schema.js';
import { keyOfProblem, schemaProblems, withChecks } from './schema-problems.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

/** Thrown when the configuration cannot be used; `problems` lists every one of them, not just the first. */
export class ConfigError extends Error {
  /** `hint`: one line after the problems, on what to do about them all. */
  constructor(readonly source: string, readonly problems: string[], hint?: string) {
    super(`invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}${hint ? `\n${hint}` : ''}`);
    this.name = 'ConfigError';
  }
}

// discriminator: connectors are a oneOf by `type`, and only with it does ajv fill in the defaults of the chosen branch.
// Every `mail2sms` command compiles the schema once and validates one file: not optimizing the generated code saves
// ~0.12 s of CPU a run (it validates as well, a little slower, once), and checking our own schema against JSON Schema's
// meta-schema at each run is left to test/config/config.test.ts.
const ajv = new Ajv({
  allErrors: true, useDefaults: true, strict: true, strictTypes: false, verbose: true, discriminator: true, validateSchema: false, code: { optimize: false },
});
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(configSchema);

/** A `"${NAME}"` whose variable is not set: where, and which. */
interface Unset { path: string; name: string }

/** `"${NAME}"` as a whole string value reads NAME from the environment: secrets stay out of the file. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, unset: Unset[]): unknown {
  if (typeof value === 'string') {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (!m) return value;
    const v = env[m[1]];
    if (v === undefined) unset.push({ path: path || '(root)', name: m[1] });
    return v ?? '';
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, unset));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path ? `${path}.${k}` : k, unset)]));
  }
  return value;
}

export interface BuildOptions {
  /**
   * Called with the variables not set instead of refusing them: for the
   * commands beside the bridge, which use none of the secrets (users, backup,
   * hold…); their keys are then empty.
   */
  allowUnset?: (names: string[]) => void;
}

/** Validates raw configuration data, applies defaults, and returns a deep-frozen Config. */
export function buildConfig(raw: unknown, source = 'configuration', env: NodeJS.ProcessEnv = {}, o: BuildOptions = {}): Config {
  const unset: Unset[] = [];
  const data = substituteEnv(structuredClone(raw ?? {}), env, '', unset) as Record<string, unknown>;
  const problems: string[] = [];
  if (!validate(data)) problems.push(...schemaProblems(validate.errors ?? [], data));
  const all = withChecks(problems, () => crossChecks(data as unknown as Config), keyOfProblem)
    // What an unset variable's empty value breaks besides (is ""; at least 16 characters) follows from it: said once, below.
    .filter((p) => !unset.some((u) => p.startsWith(`${u.path}: `)));
  if (unset.length && !o.allowUnset) all.unshift(...unset.map((u) => `${u.path}: environment variable ${u.name} is not set`));
  if (all.length) throw new ConfigError(source, all, unset.length && !o.allowUnset ? UNSET_HINT : undefined);
  if (unset.length) o.allowUnset?.([...new Set(unset.map((u) => u.name))]);
  return deepFreeze(data as unknown as Config);
}

const UNSET_HINT = 'The variables come from the environment: the service reads them from its EnvironmentFile= (deploy/mail2sms.service: /etc/mail2sms/mail2sms.env); '
  + 'run commands through deploy/mail2sms (installed as /usr/local/bin/mail2sms), which loads the same file';

/** What the schema cannot express: names that must be unique, references between keys, time zones and countries that must exist, limits between keys. */
function crossChecks(c: Config): string[] {
  const countries = Object.entries(c.options.countryQuietHours).flatMap(([cc, q]) => quietHoursProblems(q, `options.countryQuietHours.${cc}`));
  return [
    ...countryProblems('smtp.defaultCountry', c.smtp.defaultCountry), ...timeZoneProblems('notify.timeZone', c.notify.timeZone),
    ...optionProblems(c.options, 'options.', true), ...countries, ...accountsProblems(c.accounts, c.text.maxSegments), ...configProblems(c), ...smtpProblems(c.smtp),
  ];
}

/** Reads and validates a config file; no path means all defaults. */
export async function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv, o: BuildOptions = {}): Promise<Config> {
  if (!path) return buildConfig({}, 'defaults', env, o);
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
  return buildConfig(raw, path, env, o);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
