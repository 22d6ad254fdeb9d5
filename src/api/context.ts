import type { Accounts } from '../accounts/registry.js';
import type { User } from '../accounts/users.js';
import type { Config } from '../config/types.js';
import type { CancelBy, CancelResult } from '../dispatch/cancel.js';
import type { ConnectorStatus } from '../dispatch/connector-pool.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import { Problem } from './problems.js';
import { BasicCache, LoginThrottle, Sessions, type Principal } from './auth.js';
import type { HistorySource } from './history/search.js';
import { StatsIndex } from './history/stats.js';
import type { Metrics } from './metrics.js';
import type { SubmitDeps } from './submit.js';

/** Cancels a queued or scheduled SMS: Bridge.cancel (src/dispatch/cancel.ts). */
export type CancelFn = (id: string, by: CancelBy) => Promise<CancelResult>;

/** What the portal and the API are built from (src/bridge.ts wires it). */
export interface ApiDeps extends SubmitDeps {
  config: Config;
  store: MessageStore & HistorySource & { counts(): Record<string, number> };
  accounts: Accounts;
  users: { verify(name: string, password: string): Promise<User | undefined>; get(name: string): User | undefined };
  /** Called whenever users change (a new password, a removed user). */
  onUsersChange: (listener: () => void) => void;
  /** Health and circuit breaker of each connector. */
  connectors: () => ConnectorStatus[];
  metrics: Metrics;
  cancel: CancelFn;
  templatesDir: string;
  /** store.dir: where the operator token file and the statistics cache go. */
  storeDir: string;
  /** The local operator's bearer token (written to <store.dir>/api-token for the CLI). */
  operatorToken: string;
}

/** Everything the route modules share, built once per server. */
export interface ApiContext {
  deps: ApiDeps;
  sessions: Sessions;
  basic: BasicCache;
  throttle: LoginThrottle;
  stats: StatsIndex;
  /** Days between acceptance and final status at most: which archive days a time range touches. */
  lagDays: number;
  timeZone: string;
  operator: Principal;
}

export function buildContext(deps: ApiDeps, statsCacheFile: string): ApiContext {
  const { config, now } = deps;
  const lagDays = Math.ceil(config.options.maxAheadDays + (config.dispatch.maxAgeHours + config.dispatch.receiptTimeoutHours) / 24) + 2;
  const basic = new BasicCache(now);
  deps.onUsersChange(() => basic.clear());
  return {
    deps, basic, lagDays,
    sessions: new Sessions({ idleMs: config.api.sessionHours * 3600_000, now, lookup: (n) => deps.users.get(n) }),
    throttle: new LoginThrottle(now),
    stats: new StatsIndex({ source: deps.store, cacheFile: statsCacheFile, timeZone: config.options.timeZone, lagDays, log: deps.log }),
    timeZone: config.options.timeZone,
    operator: { name: 'operator', account: config.accounts[0].name, role: 'admin' },
  };
}

/** Who may see a message: admins all, users their account's. */
export const maySee = (p: Principal, m: Pick<SmsMessage, 'account'>) => p.role === 'admin' || m.account === p.account;

/** Users.verify behind the throttle; the one place a password is checked. */
export async function login(ctx: ApiContext, ip: string, name: string, password: string) {
  const keys = [`ip:${ip}`, `user:${name}`];
  const wait = ctx.throttle.waitSeconds(keys);
  if (wait) throw new Problem(429, 'TooManyAttempts', `too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s)`, { retryAfter: wait });
  const user = await ctx.deps.users.verify(name, password);
  if (user) ctx.throttle.succeeded(keys);
  else {
    ctx.throttle.failed(keys);
    ctx.deps.log('login-failed', { user: name, ip });
  }
  return user;
}
