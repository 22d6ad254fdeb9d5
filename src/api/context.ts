import type { Accounts } from '../accounts/registry.js';
import type { User } from '../accounts/users.js';
import type { Config } from '../config/types.js';
import type { RepliesSource } from './history/replies.js';
import type { BackupVerdict, VerdictResult } from '../dispatch/backup-verdict.js';
import type { Actor, CancelBy, CancelResult } from '../dispatch/cancel.js';
import type { ConnectorStatus } from '../dispatch/connector-pool.js';
import type { OpenReceipt } from '../dispatch/restore-receipts.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import { Problem } from './problems.js';
import { AuthThrottle } from '../smtp/auth-throttle.js';
import { Sessions, type Principal } from './auth.js';
import { SkippedLines } from './history/archived.js';
import type { HistorySource } from './history/search.js';
import { StatsIndex } from './history/stats.js';
import type { Metrics } from './metrics.js';
import type { SubmitDeps } from './submit-request.js';

/** Cancels a queued or scheduled SMS: Bridge.cancel (src/dispatch/cancel.ts). */
export type CancelFn = (id: string, by: CancelBy) => Promise<CancelResult>;

/** What the portal and the API are built from (src/bridge.ts wires it). */
export interface ApiDeps extends SubmitDeps {
  config: Config;
  store: MessageStore & HistorySource & RepliesSource & { counts(): Record<string, number> };
  accounts: Accounts;
  /** Users.verify remembers a success for smtp.auth.cacheSeconds (scrypt costs tens of ms), keyed by the stored hash. */
  users: { verify(name: string, password: string): Promise<User | undefined>; get(name: string): User | undefined };
  /** Health and circuit breaker of each connector. */
  connectors: () => ConnectorStatus[];
  metrics: Metrics;
  cancel: CancelFn;
  /** The operator's word on an SMS a restored backup caught being handed over (src/dispatch/backup-verdict.ts). */
  markBackupVerdict: (id: string, verdict: BackupVerdict, by: Actor, carrierId?: string) => Promise<VerdictResult>;
  /** SMPP receipts kept since a restore that settled no held SMS, with the held SMS each fits (src/dispatch/restore-receipts.ts). */
  backupReceipts: () => OpenReceipt[];
  templatesDir: string;
  /** store.dir: where the operator token file, the sessions and the statistics cache go. */
  storeDir: string;
  /** The restore whose SMS are held until an operator releases them (src/dispatch/restore-hold.ts), shown on every page. */
  restoreHold?: () => { finishedAt?: string } | undefined;
  /** The local operator's bearer token (written to <store.dir>/api-token for the CLI). */
  operatorToken: string;
}

/** Everything the route modules share, built once per server. */
export interface ApiContext {
  deps: ApiDeps;
  sessions: Sessions;
  /** Failed portal and API logins: the same rules and limits as SMTP AUTH (smtp.auth.*), counted apart. */
  throttle: AuthThrottle;
  stats: StatsIndex;
  /** The store's messages for the read side (search, lookups, export), with the log that names an archive line that is no message. */
  history: HistorySource & { get(id: string): SmsMessage | undefined };
  /** Days between acceptance and final status at most: which archive days a time range touches. */
  lagDays: number;
  timeZone: string;
  operator: Principal;
}

/** How many days after its acceptance a message may be filed in the archive (send time ahead, retries, waiting for the receipt). */
export function historyLagDays(config: Config): number {
  return Math.ceil(config.options.maxAheadDays + (config.dispatch.maxAgeHours + config.dispatch.receiptTimeoutHours) / 24) + 2;
}

export function buildContext(deps: ApiDeps, statsCacheFile: string, sessionsFile?: string): ApiContext {
  const { config, now } = deps;
  const lagDays = historyLagDays(config);
  const a = config.smtp.auth;
  const skipped = new SkippedLines(deps.log);
  return {
    deps, lagDays,
    sessions: new Sessions({ idleMs: config.api.sessionHours * 3600_000, now, lookup: (n) => deps.users.get(n), file: sessionsFile, log: deps.log }),
    throttle: new AuthThrottle({
      baseDelayMs: a.failureDelayMs, maxDelayMs: a.maxFailureDelayMs, maxFailuresPerIp: a.maxFailuresPerIp,
      windowMs: a.failureWindowMinutes * 60_000, now: () => now().getTime(),
    }),
    history: { liveMessages: () => deps.store.liveMessages(), get archiveDir() { return deps.store.archiveDir; }, get: (id) => deps.store.get(id), skipped },
    stats: new StatsIndex({ source: deps.store, cacheFile: statsCacheFile, timeZone: config.options.timeZone, lagDays, log: deps.log, skipped }),
    timeZone: config.options.timeZone,
    operator: { name: 'operator', account: config.accounts[0].name, role: 'admin' },
  };
}

/**
 * The zone a person reads times and days in: their account's (accounts[].timeZone, else options.timeZone); an admin,
 * who sees every account's SMS, the gateway's.
 */
export function zoneOf(ctx: ApiContext, p: Principal | undefined): string {
  return (p && p.role !== 'admin' ? ctx.deps.accounts.get(p.account)?.timeZone : undefined) ?? ctx.timeZone;
}

/**
 * Where a principal's search reads days and national numbers: the zone its pages show times in (a day searched is the
 * day the list shows), the country of its account (the first account's for the operator).
 */
export function searchPlace(ctx: ApiContext, p: Principal): { timeZone: string; country: string } {
  const account = ctx.deps.accounts.get(p.account);
  return { timeZone: zoneOf(ctx, p), country: account?.defaultCountry ?? ctx.deps.config.smtp.defaultCountry };
}

/** Who may see a message: admins all, users their account's. */
export const maySee = (p: Principal, m: Pick<SmsMessage, 'account'>) => p.role === 'admin' || m.account === p.account;

/**
 * Users.verify behind the throttle; the one place a password is checked
 * (portal, API login, HTTP Basic). `ip` is the client as fastify's
 * trustProxy yields it. Failures and refusals are logged (and audited) for
 * every way in; a success only where a session starts, not for each
 * request that carries HTTP Basic.
 */
export async function login(ctx: ApiContext, client: { ip: string; via: 'portal' | 'api' | 'basic' }, name: string, password: string) {
  const { ip, via } = client;
  const until = ctx.throttle.lockedUntil(ip);
  if (until) {
    const wait = Math.ceil((until - ctx.deps.now().getTime()) / 1000);
    ctx.deps.log('login-locked', { user: name, ip, via });
    throw new Problem(429, 'TooManyAttempts', `too many failed logins from ${ip}; try again in ${Math.ceil(wait / 60)} minute(s)`, { retryAfter: wait }, { 'retry-after': String(wait) });
  }
  const user = await ctx.deps.users.verify(name, password);
  if (user) {
    ctx.throttle.succeeded(name);
    if (via !== 'basic') ctx.deps.log('login-succeeded', { user: user.name, account: user.account, ip, via });
    return user;
  }
  const delay = ctx.throttle.failed(ip, name);
  ctx.deps.log('login-failed', { user: name, ip, via, delayMs: delay });
  await new Promise((r) => setTimeout(r, delay));
  return undefined;
}
