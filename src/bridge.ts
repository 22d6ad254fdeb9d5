import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import type { Accounts } from './accounts/registry.js';
import type { Users } from './accounts/users.js';
import { Metrics } from './api/metrics.js';
import type { Config } from './config/types.js';
import type { Timers } from './connectors/smpp/socket.js';
import type { Connector } from './connectors/types.js';
import type { CancelBy, CancelResult } from './dispatch/cancel.js';
import type { ConnectorPool, ConnectorStatus } from './dispatch/connector-pool.js';
import type { LogFn } from './log.js';
import { packageRoot } from './paths.js';
import { randomPool } from './random-pool.js';
import type { OptOutList } from './policy/optout.js';
import type { Policy } from './policy/policy.js';
import { auditedLog } from './security.js';
import type { TlsMaterial } from './smtp/tls.js';
import type { JournalStore } from './store/journal-store.js';
import type { OnGc } from './gc-feed.js';
import { CloseStack } from './start/close-stack.js';
import { startConfirmations } from './start/confirmations.js';
import type { StartContext } from './start/context.js';
import { listen } from './start/listen.js';
import { buildPool, startServices } from './start/services.js';
import { openState } from './start/state.js';

export interface BridgeOptions {
  log: LogFn;
  now?: () => Date;
  /** Random bytes source for ids (injected for tests). */
  random?: (n: number) => Buffer;
  /** In [0, 1): weighted routing and retry jitter (injected for tests). */
  randomFraction?: () => number;
  /** Replace configured connectors by name (tests); each must carry that name. */
  connectors?: Record<string, Connector>;
  /** The SMPP connectors' timers: response timeouts, enquire_link, reconnects (injected for tests). */
  smppTimers?: Timers;
  /** The SMTP session deadline's timers (smtp.sessionTimeoutSeconds; injected for tests). */
  sessionTimers?: Timers;
  templatesDir?: string;
  /** The process's garbage collections, shared with main.ts's heap growth (the stall watch makes a feed of its own without). */
  onGc?: OnGc;
}

export interface Bridge {
  smtp: AddressInfo;
  /** The portal, REST API and /metrics; undefined with api.enabled false. */
  api?: AddressInfo;
  /** The implicit-TLS listener, when smtp.tls.implicit is on. */
  smtps?: AddressInfo;
  /** The certificate in use (undefined with TLS off). */
  tls?: TlsMaterial;
  users: Users;
  optout: OptOutList;
  policy: Policy;
  store: JournalStore;
  accounts: Accounts;
  /** Every configured connector, in config order. */
  connectors: Connector[];
  /** Health and breaker of each connector, for operators (logs, portal). */
  connectorStatus(): ConnectorStatus[];
  outbox: string;
  /**
   * Cancels a queued or scheduled SMS (REST API, CLI; replies to confirmations
   * use it too). With `by.account`, only that account's SMS. Never cancels an
   * SMS that a connector has or may have taken.
   */
  cancel(id: string, by: CancelBy): Promise<CancelResult>;
  /** SIGHUP: re-reads the TLS certificate and key; on failure the old ones stay and the error is logged. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds and starts every part from a validated config, in the order a
 * message flows, phase by phase (src/start/): the durable state, the sending
 * side, the way back, then the listeners. Each part goes on one close stack
 * as it opens: a start that fails at any phase closes what it had opened,
 * the last first, and so does stop().
 */
export async function startBridge(config: Config, o: BridgeOptions): Promise<Bridge> {
  const now = o.now ?? (() => new Date());
  const dir = resolve(config.store.dir);
  let store: JournalStore | undefined;
  let pool: ConnectorPool | undefined;
  // Metrics are fed by the log events: every part gets the observing LogFn, none knows about metrics.
  const metrics = new Metrics({ counts: () => store?.counts() ?? {}, connectors: () => pool?.status() ?? [] });
  const events = auditedLog(config, dir, metrics.observe(o.log), now, (id) => store?.get(id)?.text);
  const stack = new CloseStack();
  stack.push('the audit log', () => events.close());
  const c: StartContext = {
    config, options: o, now, random: o.random ?? randomBytes, idBytes: o.random ?? randomPool(), dir, under: (p) => (isAbsolute(p) ? p : join(dir, p)),
    templatesDir: o.templatesDir ?? join(packageRoot(), 'templates'), log: events.log, tap: events.tap, stack,
  };
  try {
    pool = buildPool(config, { now, under: c.under, log: c.log, smppTimers: o.smppTimers }, o.connectors);
    const state = await openState(c);
    store = state.store;
    const services = await startServices(c, state, pool);
    const back = await startConfirmations(c, state, services);
    const intake = await listen(c, state, services, back, metrics);
    // Not up before the confirmation thread is: its first confirmation would wait for its modules to load.
    await back.ready;
    const { guards, accounts } = services;
    const bridge: Bridge = {
      smtp: intake.smtp, smtps: intake.smtps, api: intake.api, tls: guards.tls, users: guards.users, optout: guards.optout, policy: guards.policy,
      store, accounts, connectors: pool.connectors, connectorStatus: () => services.pool.status(), cancel: services.cancel, outbox: back.outbox,
      async reload() {
        try {
          const tls = await guards.reloadTls();
          if (!tls) return;
          intake.ingress.reloadTls(tls);
          bridge.tls = tls;
          c.log('tls-reloaded', { file: tls.file, fingerprint: tls.fingerprint, validTo: tls.validTo });
        } catch (e) {
          c.log('tls-reload-failed', { error: (e as Error).message });
        }
      },
      stop: () => stack.close(),
    };
    return bridge;
  } catch (e) {
    // The start's own error is what the operator must see; a part that also fails to close is said beside it.
    await stack.close().catch((closing: Error) => c.log('stop-failed', { error: closing.message }));
    throw e;
  }
}
