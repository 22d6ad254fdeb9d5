/**
 * An account's status callbacks: the checks of its configuration (shared
 * by the config file and run-time changes, like validate.ts) and which
 * callback an SMS gets, from the request's fields or the account's default.
 */
import type { Account, AccountConfig } from '../../accounts/types.js';
import type { NotifyLevel, StatusCallback } from '../../store/types.js';
import { prefixProblem, refusal } from './allow.js';

/** Problems as "<prefix><key>: …", e.g. "accounts[0].statusCallback: …". */
export function accountCallbackProblems(a: Pick<AccountConfig, 'statusCallback' | 'statusCallbacks'>, prefix: string): string[] {
  const allow = a.statusCallbacks?.allow ?? [];
  const problems = allow.flatMap((p, i) => {
    const bad = prefixProblem(p);
    return bad ? [`${prefix}statusCallbacks.allow[${i}]: "${p}" ${bad}`] : [];
  });
  const refused = a.statusCallback === undefined ? undefined : refusal(a.statusCallback, allow);
  if (refused) problems.push(`${prefix}statusCallback: ${refused}`);
  const previous = previousSecretProblem(a.statusCallbacks);
  if (previous) problems.push(`${prefix}statusCallbacks.previousSecret: ${previous}`);
  return problems;
}

/** The account's word on its callbacks that a mail or request meets: its default URL and level, and where they may go. */
export type CallbackRules = Pick<Account, 'statusCallback' | 'statusCallbackLevel' | 'statusCallbackAllow'>;

/** Why the previous secret cannot sign, or undefined; the value is never shown (it is a secret, if a bad one). */
function previousSecretProblem(c: AccountConfig['statusCallbacks']): string | undefined {
  if (!c?.previousSecret) return undefined;
  if (c.previousSecret.length < 16) return `has ${c.previousSecret.length} characters; allowed: at least 16, as secret, or "" for none`;
  // The same secret twice would sign twice alike and end no rotation: most likely the new one was not put in yet.
  if (c.previousSecret === c.secret) return 'is the same as statusCallbacks.secret; allowed: the secret before it, while receivers switch to the new one, or "" for none';
  return undefined;
}

/** What a request or mail asked for; absent fields take the account's default. */
export interface CallbackAsked {
  url?: string;
  level?: NotifyLevel;
}

/**
 * The callback the SMS get: the asked URL or the account's default, at the
 * asked level or the account's; undefined when there is none or the level
 * is none (then nothing is stored: an SMS without a callback costs nothing
 * more). A URL outside the account's allow list is the refusal's sentence.
 */
export function callbackFor(account: CallbackRules, asked: CallbackAsked = {}): StatusCallback | undefined | { refused: string } {
  const url = asked.url ?? account.statusCallback;
  const level = asked.level ?? account.statusCallbackLevel ?? 'all';
  if (url === undefined) return undefined;
  const refused = refusal(url, account.statusCallbackAllow ?? []);
  if (refused) return { refused };
  return level === 'none' ? undefined : { url, level };
}

/** The operator's word on an account's callbacks as the worker needs it: where they may go, and the secrets each push is signed with (the current first). */
export interface CallbackAccount {
  allow: readonly string[];
  secrets: readonly string[];
}

/** The operator's word on each account's callbacks, by account name, for the worker (the secrets never leave the config otherwise). */
export function callbackAccounts(accounts: readonly AccountConfig[]): (name: string) => CallbackAccount | undefined {
  const byName = new Map(accounts.flatMap(({ name, statusCallbacks: c }) => {
    if (!c) return [];
    return [[name, { allow: c.allow, secrets: c.previousSecret ? [c.secret, c.previousSecret] : [c.secret] }] as const];
  }));
  return (name) => byName.get(name);
}

/** Gives the SMS their callback; with none nothing is touched. */
export function attachCallback(messages: readonly { callback?: StatusCallback }[], callback: StatusCallback | undefined): void {
  if (callback) for (const m of messages) m.callback = callback;
}
