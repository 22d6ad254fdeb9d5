import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Config } from '../config/types.js';
import type { LogFn } from '../log.js';
import { schemaReasons, withChecks } from '../config/schema-problems.js';
import { problemEnglish, under, type KeyedReason } from '../config/reasons.js';
import { NetworkMap, parseNetwork } from './networks.js';
import { accountSchema, EDITABLE_ACCOUNT_KEYS } from './schema.js';
import { parseSenderId } from '../sms/sender-id.js';
import { allowedSenderIds, chooseSender } from './sender-ids.js';
import { optionReasons } from './validate.js';
import { accountCallbackProblems } from '../notify/callbacks/account.js';
import { callbackLevel } from '../notify/callbacks/levels.js';
import type { SettingsData, SettingsStore } from './settings.js';
import type { Account, AccountConfig, AccountInheritance } from './types.js';

/** Refused run-time change of an account: every problem, each naming the key. */
/**
 * Who changes an account's defaults, for the log and the audit trail: the
 * user and their role, the client's address, and where: the portal, the REST
 * API, or the command line (the operator's token; `person` who ran it).
 */
export interface ChangeActor {
  user: string;
  role: string;
  ip?: string;
  via: 'portal' | 'api' | 'cli';
  person?: string;
}

/** The keys whose stored value differs between two sets of run-time changes (a key added or removed counts). */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !isDeepStrictEqual(before[k], after[k]));
}

export class AccountChangeError extends Error {
  /** In the config loader's English ("<key>: …"), as the REST API and the CLI answer. */
  readonly problems: string[];
  /** The same as reasons under their keys, for the portal to word in the page's language. */
  constructor(readonly reasons: KeyedReason[]) {
    const problems = reasons.map(problemEnglish);
    super(problems.join('; '));
    this.problems = problems;
    this.name = 'AccountChangeError';
  }
}

/** A change refused as a whole, for a reason the config file has no words of its own for. */
const whole = (text: string): KeyedReason[] => [{ key: '', reason: { code: 'text', text } }];

/**
 * The account schema's validator for run-time changes, compiled at the first one: every `mail2sms` command loads this
 * module (the configuration's checks use accountsProblems) and none changes an account, and compiling it cost ~0.1 s.
 */
let accountValidator: ValidateFunction | undefined;
function validateAccount(): ValidateFunction {
  if (accountValidator) return accountValidator;
  // verbose: schemaProblems reads the schema of an unknown key to list the known ones
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, verbose: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return (accountValidator = ajv.compile(accountSchema));
}

/** Problems of the accounts list as a whole, which the schema cannot see: names and networks must be unique. */
export function accountsProblems(accounts: readonly AccountConfig[], maxSegments: number): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const networks = new Map<string, string>();
  accounts.forEach((a, i) => {
    if (names.has(a.name)) problems.push(`accounts[${i}].name: "${a.name}" is used by two accounts`);
    names.add(a.name);
    a.networks.forEach((n, j) => {
      const parsed = parseNetwork(n);
      if (typeof parsed === 'string') return problems.push(`accounts[${i}].networks[${j}]: ${parsed}`);
      const key = `${parsed.address}/${parsed.prefix}`;
      const other = networks.get(key);
      if (other !== undefined && other !== a.name) problems.push(`accounts[${i}].networks[${j}]: ${n} already belongs to account "${other}"`);
      networks.set(key, a.name);
    });
    problems.push(...under(`accounts[${i}].`, accountReasons(a, maxSegments)).map(problemEnglish));
  });
  return problems;
}

/** An account's own problems (not those of the list: names, networks) as reasons under their keys. */
function accountReasons(a: AccountConfig, maxSegments: number): KeyedReason[] {
  const reasons: KeyedReason[] = [];
  if (a.maxSegments !== undefined && a.maxSegments > maxSegments) reasons.push({ key: 'maxSegments', reason: { code: 'max-segments', value: a.maxSegments, limit: maxSegments } });
  reasons.push(...optionReasons(a));
  // The status callback's URL checks (notify/callbacks) speak English only.
  for (const p of accountCallbackProblems(a, '')) reasons.push({ key: p.slice(0, p.indexOf(':')), reason: { code: 'text', text: p.slice(p.indexOf(':') + 2) } });
  return reasons;
}

function effective(c: AccountConfig, inherit: AccountInheritance): Account {
  return Object.freeze({
    name: c.name,
    description: c.description,
    networks: Object.freeze([...c.networks]),
    addresses: Object.freeze([...c.addresses]),
    timeZone: c.timeZone ?? inherit.timeZone,
    // A clerk in New York whose account reads send times in New York time reads the confirmations' times there too.
    ...(c.timeZone ? { confirmationTimeZone: c.timeZone } : {}),
    defaultCountry: c.defaultCountry ?? inherit.defaultCountry,
    notify: (c.notify && callbackLevel(c.notify)) ?? inherit.notify,
    language: c.language ?? inherit.language ?? 'en',
    maxSegments: Math.min(c.maxSegments ?? inherit.maxSegments, inherit.maxSegments),
    senderId: (c.senderId ?? inherit.senderId) || undefined,
    numericSender: (c.numericSender ?? inherit.numericSender) || undefined,
    allowedSenderIds: Object.freeze([...(c.allowedSenderIds ?? inherit.allowedSenderIds ?? [])]),
    validityHours: (c.validityHours ?? inherit.validityHours) || undefined,
    ...(c.billingCode ? { billingCode: c.billingCode } : {}),
    duplicateDetection: c.duplicateDetection ?? inherit.duplicateDetection ?? false,
    duplicateWindowMinutes: c.duplicateWindowMinutes ?? inherit.duplicateWindowMinutes ?? 10,
    signaturePatterns: Object.freeze([...(c.signaturePatterns ?? [])]),
    quietHours: c.quietHours ?? inherit.quietHours,
    // Only where set: an account without status callbacks looks as it did before they existed.
    ...(c.statusCallback ? { statusCallback: c.statusCallback } : {}),
    ...(c.statusCallbackLevel ? { statusCallbackLevel: callbackLevel(c.statusCallbackLevel) } : {}),
    ...(c.statusCallbacks ? { statusCallbackAllow: Object.freeze([...(c.statusCallbacks.allow ?? [])]) } : {}),
    forwardReplies: c.forwardReplies ?? inherit.forwardReplies ?? false,
    allowExpress: c.allowExpress ?? true,
  });
}

/** What accounts inherit from the gateway-wide configuration. */
export function accountInheritance(config: Config): AccountInheritance {
  const o = config.options;
  return {
    timeZone: o.timeZone, defaultCountry: config.smtp.defaultCountry, notify: callbackLevel(config.notify.level) ?? 'final', language: config.notify.language, maxSegments: config.text.maxSegments,
    senderId: o.senderId, numericSender: o.numericSender, allowedSenderIds: o.allowedSenderIds, validityHours: o.validityHours,
    duplicateDetection: o.duplicateDetection, duplicateWindowMinutes: o.duplicateWindowMinutes, quietHours: o.quietHours,
    forwardReplies: config.inbound.forward.enabled,
  };
}

export interface AccountsOptions {
  accounts: readonly AccountConfig[];
  inherit: AccountInheritance;
  /** Run-time changes (portal, CLI); without it accounts are exactly the config's. */
  settings?: SettingsStore;
  log?: LogFn;
}

/**
 * Who sends: the configured accounts with their run-time changes applied.
 * Lookups are synchronous and cheap (they run for every MAIL FROM); the
 * effective accounts are rebuilt whenever the settings change.
 */
export class Accounts {
  private byName = new Map<string, Account>();
  private networks = new NetworkMap<string>();

  constructor(private readonly o: AccountsOptions) {
    this.rebuild(o.settings?.data);
    o.settings?.onChange((d) => this.rebuild(d));
  }

  get(name: string): Account | undefined {
    return this.byName.get(name);
  }

  list(): Account[] {
    return [...this.byName.values()];
  }

  /** The account an unauthenticated connection from `ip` belongs to, if its network is trusted. */
  forNetwork(ip: string | undefined): Account | undefined {
    const name = this.networks.lookup(ip);
    return name === undefined ? undefined : this.byName.get(name);
  }

  /**
   * Changes an account's default options at run time (portal, CLI); `null`
   * removes a change, so the configured or inherited value applies again.
   * Validated with the same checks as the config file, every problem at
   * once; applies to the next mail. Stored values that no longer pass (see
   * usableChanges) are dropped with it, as they were not in force anyway.
   */
  async changeDefaults(name: string, patch: Record<string, unknown>, by?: ChangeActor): Promise<Account> {
    const settings = this.o.settings;
    if (!settings) throw new AccountChangeError(whole('run-time changes are not enabled'));
    const base = this.o.accounts.find((a) => a.name === name);
    if (!base) throw new AccountChangeError(whole(`no account "${name}"`));
    const notEditable = notEditableReasons(patch);
    if (notEditable.length) throw new AccountChangeError(notEditable);
    let keys: string[] = [];
    await settings.update((draft) => {
      const before = this.usableChanges(base, draft.accounts[name] ?? {}).kept;
      const next = { ...before };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      const problems = this.reasonsOf(base, next);
      if (problems.length) throw new AccountChangeError(problems);
      keys = changedKeys(before, next);
      draft.accounts[name] = next;
    });
    // A save that changes nothing (a form sent back as it was shown, a PATCH repeated) is no change to audit.
    if (keys.length) this.o.log?.('account-changed', { account: name, keys, ...by });
    return this.byName.get(name)!;
  }

  /**
   * The problems changeDefaults would find in `patch`, saving nothing: for a
   * form that has problems of its own to show (a field that is not JSON), so
   * that every problem is named at once, as a save names them.
   */
  defaultsProblems(name: string, patch: Record<string, unknown>): string[] {
    return this.defaultsReasons(name, patch).map(problemEnglish);
  }

  /** The same as reasons under their keys, for the portal to word in the page's language. */
  defaultsReasons(name: string, patch: Record<string, unknown>): KeyedReason[] {
    const base = this.o.accounts.find((a) => a.name === name);
    if (!base) return whole(`no account "${name}"`);
    const next = { ...this.usableChanges(base, this.o.settings?.data.accounts[name] ?? {}).kept };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return this.reasonsOf(base, next);
  }

  /**
   * Every problem of `changes` on top of `base`, in the config loader's
   * words and with the same checks as the config file (schema, then time
   * zone, country, sender IDs, quiet hours, maxSegments), keys named
   * without the "accounts[0]." a config file's problems carry.
   */
  private reasonsOf(base: AccountConfig, changes: Record<string, unknown>): KeyedReason[] {
    const merged = { ...base, ...changes };
    const validate = validateAccount();
    const found = validate(merged) ? [] : schemaReasons(validate.errors ?? [], merged);
    return [...notEditableReasons(changes), ...withChecks(found, () => [
      ...accountReasons(merged as AccountConfig, this.o.inherit.maxSegments),
      ...this.senderChangeReasons(base, changes),
      ...this.forwardChangeReasons(base, changes),
    ], (r) => r.key)];
  }

  /**
   * Forwarding replies may be switched off at run time, and on only where
   * the configuration has it on for the account: the operator's value is
   * the default and the limit, as for sender IDs. (The bridge also keeps
   * the reply index only when the configuration forwards for some account.)
   */
  private forwardChangeReasons(base: AccountConfig, changes: Record<string, unknown>): KeyedReason[] {
    if (changes.forwardReplies !== true || effective(base, this.o.inherit).forwardReplies) return [];
    return [{ key: 'forwardReplies', reason: { code: 'forward-off', by: base.forwardReplies === false ? 'account' : 'operator' } }];
  }

  /**
   * A run-time change may only pick sender IDs the configuration already
   * allows the account: the portal must not let a company send under a
   * name the operator never approved.
   */
  private senderChangeReasons(base: AccountConfig, changes: Record<string, unknown>): KeyedReason[] {
    const configured = effective(base, this.o.inherit);
    const allowed = { account: base.name, defaultId: configured.senderId, numericFallback: configured.numericSender, allowed: configured.allowedSenderIds, numericOnlyCountries: [], onNumericOnly: 'reject' as const };
    const problems: KeyedReason[] = [];
    for (const key of ['senderId', 'numericSender'] as const) {
      const v = changes[key];
      const id = typeof v === 'string' ? parseSenderId(v) : undefined;
      if (!id || chooseSender(id, undefined, allowed).ok) continue;
      problems.push({ key, reason: { code: 'sender-not-allowed', value: v as string, allowed: allowedSenderIds(allowed) } });
    }
    return problems;
  }

  private rebuild(data: SettingsData | undefined): void {
    const byName = new Map<string, Account>();
    const networks = new NetworkMap<string>();
    for (const c of this.o.accounts) {
      const stored = data?.accounts[c.name];
      const { kept, problems } = this.usableChanges(c, stored ?? {});
      if (problems.length) {
        const ignored = Object.keys(stored ?? {}).filter((k) => !(k in kept));
        this.o.log?.('account-settings-ignored', { account: c.name, file: this.o.settings?.file, ignored, problems });
      }
      byName.set(c.name, effective({ ...c, ...kept } as AccountConfig, this.o.inherit));
      for (const n of c.networks) networks.add(n, c.name);
    }
    this.byName = byName;
    this.networks = networks;
  }

  /**
   * The stored changes of an account that pass today's checks. A value that
   * does not (written by an older version without them, or by hand) must
   * not take the account down, so it is left out — rebuild() warns at every
   * start and change until someone fixes it — and the configured or
   * inherited value applies instead; the account's other changes still do.
   */
  private usableChanges(c: AccountConfig, stored: Record<string, unknown>): { kept: Record<string, unknown>; problems: string[] } {
    const reasons = this.reasonsOf(c, stored);
    const problems = reasons.map(problemEnglish);
    if (!problems.length) return { kept: { ...stored }, problems };
    // The top-level key of each reason's key ("quietHours" of "quietHours.timeZones[0]").
    const bad = new Set(reasons.map((r) => /^[A-Za-z]+/.exec(r.key)?.[0]));
    const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k)));
    return { kept: this.reasonsOf(c, kept).length ? {} : kept, problems };
  }
}

/** Keys a run-time change may not touch: networks, addresses and the sender ID allowlist are the operator's, in the config file. */
function notEditableReasons(changes: Record<string, unknown>): KeyedReason[] {
  return Object.keys(changes).filter((k) => !(EDITABLE_ACCOUNT_KEYS as readonly string[]).includes(k))
    .map((key) => ({ key, reason: { code: 'not-editable', editable: EDITABLE_ACCOUNT_KEYS } }));
}
