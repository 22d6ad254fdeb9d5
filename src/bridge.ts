import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { accountInheritance, Accounts } from './accounts/registry.js';
import { SettingsStore } from './accounts/settings.js';
import type { Users } from './accounts/users.js';
import { newToken } from './api/auth.js';
import { Metrics } from './api/metrics.js';
import { startApi, type ApiServer } from './api/server.js';
import type { Config } from './config/types.js';
import { packageVersion } from './cli/help.js';
import { ConfigError } from './config/load.js';
import { makeConnector, type ConnectorContext } from './connectors/factory.js';
import type { Connector } from './connectors/types.js';
import { cancelSms, type CancelBy, type CancelResult } from './dispatch/cancel.js';
import { ConnectorPool, type ConnectorStatus } from './dispatch/connector-pool.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { RestoreHold } from './dispatch/restore-hold.js';
import { refuseIncompleteBackup } from './store/restore-marker.js';
import { checkStartFiles } from './cannot-start.js';
import { possibleSenders, senderTable } from './dispatch/senders.js';
import { udhOctetsFor, udhTable, type UdhOf } from './dispatch/udh-size.js';
import { StatusLog } from './dispatch/status-log.js';
import type { LogFn } from './log.js';
import { startCallbacks } from './notify/callbacks/start.js';
import { openTransport, type TransportSpec } from './notify/outbox.js';
import { confirmationsFor } from './notify/policy.js';
import { composePreview } from './notify/preview.js';
import { confirmationRefusal, replyRefusal } from './notify/recipient-guard.js';
import { loadReplyKey, ReplyAddresses } from './notify/reply-address.js';
import { Notifier } from './notify/worker.js';
import { packageRoot } from './paths.js';
import { InboundReplies } from './policy/inbound.js';
import { KeywordAnswers } from './policy/keyword-answer.js';
import { ReplyForwarder } from './policy/reply-forward.js';
import { findMessage } from './api/history/search.js';
import { historyLagDays } from './api/context.js';
import { countsRecentSends } from './policy/limits.js';
import type { OptOutList } from './policy/optout.js';
import { optOutError, type OptOutCheck } from './policy/optout-scope.js';
import type { Policy } from './policy/policy.js';
import { auditedLog, buildGuards } from './security.js';
import { createSmtpIngress } from './smtp/server.js';
import type { TlsMaterial } from './smtp/tls.js';
import { newMailId } from './store/ids.js';
import { randomPool } from './random-pool.js';
import { Originals } from './store/originals.js';
import { JournalStore } from './store/journal-store.js';
import { StoreLock } from './store/lock.js';
import { watchStalls } from './stall-watch.js';
import type { OnGc } from './gc-feed.js';

export interface BridgeOptions {
  log: LogFn;
  now?: () => Date;
  /** Random bytes source for ids (injected for tests). */
  random?: (n: number) => Buffer;
  /** In [0, 1): weighted routing and retry jitter (injected for tests). */
  randomFraction?: () => number;
  /** Replace configured connectors by name (tests); each must carry that name. */
  connectors?: Record<string, Connector>;
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

/** Builds and starts every part from a validated config, in the order a message flows. */
export async function startBridge(config: Config, o: BridgeOptions): Promise<Bridge> {
  const now = o.now ?? (() => new Date());
  const random = o.random ?? randomBytes;
  const idBytes = o.random ?? randomPool();
  const dir = resolve(config.store.dir);
  const under = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  let store: JournalStore | undefined;
  let pool: ConnectorPool | undefined;
  // Metrics are fed by the log events: every part gets the observing LogFn, none knows about metrics.
  const metrics = new Metrics({ counts: () => store?.counts() ?? {}, connectors: () => pool?.status() ?? [] });
  const events = auditedLog(config, dir, metrics.observe(o.log), now, (id) => store?.get(id)?.text);
  const { log } = events;

  // Built first: a connector that cannot work with this config stops the start before anything is opened.
  pool = buildPool(config, { now, under, log }, o);
  // Refusals no restart cures, before anything is opened or written: an incomplete backup's copy is not replayed and compacted.
  await checkStartFiles(config, now());
  await refuseIncompleteBackup(dir);
  await mkdir(dir, { recursive: true });
  const lock = await StoreLock.acquire(dir);
  const recentSends = countsRecentSends(config.limits, config.accounts.map((a) => a.limits));
  // The reply index is kept only where some account forwards replies: it costs memory per SMS handed over in the window.
  const forwards = config.inbound.forward.enabled || config.accounts.some((a) => a.forwardReplies);
  store = new JournalStore({
    dir, segmentBytes: config.store.journalSegmentBytes, duplicateWindowHours: config.store.duplicateWindowHours, now, log, recentSends,
    replyWindowHours: forwards ? config.inbound.forward.windowHours : 0, software: `mail2sms ${packageVersion()}`,
  });
  await store.open().catch(async (e: Error) => {
    await lock.release();
    throw e;
  });
  const restore = new RestoreHold({ dir, pollMs: 1000, log });
  await restore.open().catch(async (e: Error) => {
    await store!.close();
    await lock.release();
    throw e;
  });
  const settings = new SettingsStore({ file: join(dir, 'settings.json'), pollMs: 1000 });
  await settings.open();
  const accounts = new Accounts({
    accounts: config.accounts, settings, log,
    inherit: accountInheritance(config),
  });
  const guards = await buildGuards(config, { dir, settings, accounts, store, now, log, tap: events.tap });
  const { users, optout, policy, brake } = guards;
  // Replies from handsets: a STOP reaches the opt-out list, and its answer the store, before the connector acknowledges it
  // (src/policy/inbound.ts); listening before the connectors start, so none that arrives at once is missed.
  // Long SMS counted with the UDH of the connectors their route may hand them to (smpp.longMessages udh16: 152 / 66 a part).
  const udhs = udhTable(config);
  const udhOf: UdhOf = (m) => udhOctetsFor(m, udhs);
  const answers = answersOf(config, store, log, now, random, udhOf);
  const forwarder = forwards ? replyForwarder(config, store, accounts, log, now, random) : undefined;
  const handsets = new InboundReplies({
    optout, keywords: config.inbound.keywords, defaultCountry: config.smtp.defaultCountry, now, log, ...(answers ? { answer: (a) => answers.send(a) } : {}),
    ...(forwarder ? { forward: (m, keyword) => forwarder.forward(m, keyword) } : {}),
  });
  for (const c of pool.connectors) {
    c.onInbound?.(async (m) => {
      await handsets.handle({ ...m, connector: c.name });
    });
  }
  try {
    await pool.start();
  } catch (e) {
    await guards.close();
    settings.close();
    restore.close();
    await store.close();
    await lock.release();
    await events.close();
    throw new ConfigError('configuration', [(e as Error).message]);
  }
  const statusLog = new StatusLog({ status: () => pool!.status(), log, everyMs: config.log.connectorStatusMinutes * 60_000, now: () => now().getTime() });
  statusLog.start();
  const stopStallWatch = config.log.eventLoopStallMs > 0 ? watchStalls(config.log.eventLoopStallMs, log, { wallNow: () => now().getTime(), ...(o.onGc ? { onGc: o.onGc } : {}) }) : () => undefined;

  // The opt-out list asked about an SMS with every sender its route may give it (entries for one sender: src/policy/optout-scope.ts).
  const senders = senderTable(config);
  const optedOut: OptOutCheck = (m) => optout.blocking(m, () => possibleSenders(m, senders));
  const { concurrency, retry, maxAgeHours, receiptTimeoutHours } = config.dispatch;
  const dispatcher = new Dispatcher({
    store, pool, routing: { routes: config.routes, defaultRoute: config.defaultRoute }, concurrency, retry, maxAgeHours, receiptTimeoutHours,
    wantsConfirmation: confirmationsFor, now, random: o.randomFraction, log, paused: (account) => brake.pausedReason(account),
    restoreHold: (m) => restore.reason(m), restoreCaught: (m) => restore.caughtByReleasedBackup(m),
    refusal: (m) => {
      const hit = optedOut(m);
      return hit && optOutError(m.to, hit).text;
    },
    defaultCountry: config.smtp.defaultCountry,
  });
  // Before the start, so that a release seen while it runs is not missed.
  brake.onLifted((account) => void dispatcher.releaseHeld(account).catch((e: Error) => log('dispatch-error', { account, error: e.message })));
  restore.onReleased((m) => {
    log('dispatch-released', { restoredFrom: m.finishedAt, source: m.source });
    void dispatcher.releaseHeld(undefined, 'restore').catch((e: Error) => log('dispatch-error', { error: e.message }));
  });
  await dispatcher.start();

  const cancel = (id: string, by: CancelBy) => cancelSms({
    store: store!, exclusive: (i, fn) => dispatcher.exclusive(i, fn), wantsConfirmation: confirmationsFor, now, log,
  }, id, by);
  const replies = new ReplyAddresses(await loadReplyKey(join(dir, 'reply-key'), random), config.smtp.domains[0]);

  const outbox = under(config.notify.outboxDir);
  const spec = transportSpec(config, outbox);
  // Mails kept for delivery reports that return them in full (RET=FULL).
  const originalsDir = join(dir, 'originals');
  const originals = new Originals({ dir: originalsDir, days: config.notify.returnFullDays, now, log });
  originals.start();
  // Previews are sent from here; confirmations by the notifier's thread, with its own transport.
  const transport = openTransport(spec);
  const notifier = new Notifier({
    store, transport: spec, from: config.notify.from, reportingMta: config.smtp.hostname,
    templatesDir: o.templatesDir ?? join(packageRoot(), 'templates'), timeZone: config.notify.timeZone,
    retrySeconds: config.notify.retrySeconds, originalsDir, gatherMs: config.notify.gatherSeconds * 1000, correctionWaitMs: config.notify.correctionWaitSeconds * 1000, delayMs: config.notify.delayAfterMinutes * 60_000, cancelAddress: (id) => replies.cancelAddress(id), now, log,
    refusal: (sms) => confirmationRefusal(sms, accounts.get(sms.account)),
    restoreHeld: (sms) => (sms.status === 'accepted' || sms.status === 'submitting') && restore.reason(sms) !== undefined,
    languageOf: (sms) => accounts.get(sms.account)?.language ?? config.notify.language, transliterate: config.text.transliterate,
    timeZoneOf: (sms) => accounts.get(sms.account)?.confirmationTimeZone ?? config.notify.timeZone,
    ...(forwarder ? { replies: { queue: store, smsDomain: config.smtp.domains[0], refusal: (o) => replyRefusal(o, accounts.get(o.account)) } } : {}),
  });
  notifier.start();
  const callbacks = startCallbacks(config, { store, now, log });

  const ingress = createSmtpIngress({
    config, store, accounts, users, policy, tls: guards.tls, now, wantsConfirmation: confirmationsFor, log, replies, cancel, optedOut, udhOf,
    newMailId: () => newMailId(now(), idBytes), originals,
    sendPreview: async (report, mail) => {
      const { raw, messageId } = await composePreview({
        report, from: config.notify.from, to: mail.to, reportingMta: config.smtp.hostname, id: mail.id, now: now(), timeZone: config.notify.timeZone, original: mail.original,
        language: accounts.get(mail.account)?.language ?? config.notify.language,
      });
      return (await transport.send({ raw, to: mail.to, from: '', messageId })).where;
    },
  });
  let api: ApiServer | undefined;
  const stop = async () => {
    // Refuse new mail (421), new API requests and new submits at once, all three together: each lets what is in flight
    // finish, and closing the API first (its keep-alive connections) had let mail still get 250 after a SIGTERM.
    await Promise.all([api?.close(), ingress.close(), dispatcher.stop()]);
    await Promise.all([notifier.stop(), callbacks.stop()]);
    statusLog.stop();
    stopStallWatch();
    await pool!.stop();
    await transport.close();
    await guards.close();
    originals.close();
    settings.close();
    restore.close();
    await store!.close();
    await lock.release();
    await events.close();
  };
  // A port already taken: everything opened so far is closed again (the store's lock too) before the error goes up.
  const { smtp, smtps } = await ingress.listen().catch(async (e: Error) => {
    await stop();
    throw new Error(`the SMTP server cannot listen: ${e.message}`);
  });
  if (config.api.enabled) {
    // A port already taken must not leave the SMTP side running half-started.
    api = await startApi({
      config, store, policy, optedOut, udhOf, accounts, users, connectors: () => pool!.status(),
      metrics, newMailId: () => newMailId(now(), random), now, wantsConfirmation: confirmationsFor, log, storeDir: dir, operatorToken: newToken(),
      templatesDir: o.templatesDir ?? join(packageRoot(), 'templates'), cancel, restoreHold: () => restore.active,
      markBackupVerdict: (id, verdict, by) => dispatcher.markBackupVerdict(id, verdict, by),
    }).catch(async (e: Error) => {
      await stop();
      throw new Error(`the portal cannot listen on ${config.api.host}:${config.api.port}: ${e.message}`);
    });
  }

  const bridge: Bridge = {
    smtp, smtps, api: api?.address, tls: guards.tls, users, optout, policy, store, accounts, connectors: pool.connectors, connectorStatus: () => pool!.status(), cancel,
    outbox: config.notify.transport === 'file' ? outbox : `${config.notify.relay.host}:${config.notify.relay.port}`,
    async reload() {
      try {
        const tls = await guards.reloadTls();
        if (!tls) return;
        ingress.reloadTls(tls);
        bridge.tls = tls;
        log('tls-reloaded', { file: tls.file, fingerprint: tls.fingerprint, validTo: tls.validTo });
      } catch (e) {
        log('tls-reload-failed', { error: (e as Error).message });
      }
    },
    stop,
  };
  return bridge;
}

function buildPool(config: Config, ctx: ConnectorContext, o: BridgeOptions): ConnectorPool {
  const members = config.connectors.map((c, i) => {
    let connector = o.connectors?.[c.name];
    try {
      connector ??= makeConnector(c, ctx);
    } catch (e) {
      throw new ConfigError('configuration', [`connectors[${i}] ("${c.name}"): ${(e as Error).message}`]);
    }
    return { connector, type: c.type, onUncertain: c.onUncertain, breaker: { failures: c.breaker.failures, coolDownMs: c.breaker.coolDownSeconds * 1000 } };
  });
  return new ConnectorPool(members, ctx.now, ctx.log);
}

/** The answers to STOP and START (inbound.answer), or undefined when they are off. */
function answersOf(config: Config, store: JournalStore, log: LogFn, now: () => Date, random: (n: number) => Buffer, udhOf: UdhOf): KeywordAnswers | undefined {
  const a = config.inbound.answer;
  if (!a.enabled || !config.inbound.keywords) return undefined;
  return new KeywordAnswers({
    store, duplicateWindowHours: config.store.duplicateWindowHours, newMailId: () => newMailId(now(), random), now, log,
    settings: {
      stopText: a.stopText, startText: a.startText, account: a.account || config.accounts[0].name, sender: a.sender,
      transliterate: config.text.transliterate, defaultCountry: config.smtp.defaultCountry, udhOf,
    },
  });
}

/** Forwards handsets' replies to the senders of the SMS they answer (inbound.forward). */
function replyForwarder(config: Config, store: JournalStore, accounts: Accounts, log: LogFn, now: () => Date, random: (n: number) => Buffer): ReplyForwarder {
  return new ReplyForwarder({
    store, defaultCountry: config.smtp.defaultCountry, now, log,
    // The SMS may have finished and left for the archive long before the reply: looked up there by the days its id points to.
    findSms: (id) => findMessage(store, id, historyLagDays(config)),
    enabledFor: (account) => accounts.get(account)?.forwardReplies ?? config.inbound.forward.enabled,
    newId: () => `${newMailId(now(), random)}.r`,
  });
}

function transportSpec(config: Config, outbox: string): TransportSpec {
  if (config.notify.transport === 'file') return { kind: 'file', dir: outbox };
  const r = config.notify.relay;
  return { kind: 'smtp', relay: { host: r.host, port: r.port, secure: r.secure, auth: r.user ? { user: r.user, pass: r.pass } : undefined, name: config.smtp.hostname } };
}
