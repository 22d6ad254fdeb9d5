import { accountInheritance, Accounts } from '../accounts/registry.js';
import { historyLagDays } from '../api/context.js';
import { findMessage } from '../api/history/search.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/types.js';
import { makeConnector, type ConnectorContext } from '../connectors/factory.js';
import type { Connector } from '../connectors/types.js';
import { cancelSms, type CancelBy, type CancelResult } from '../dispatch/cancel.js';
import { ConnectorPool } from '../dispatch/connector-pool.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { stillOpen } from '../dispatch/restore-receipts.js';
import { confirmationsFor } from '../notify/policy.js';
import { possibleSenders, senderTable } from '../dispatch/senders.js';
import { StatusLog } from '../dispatch/status-log.js';
import { factsOf } from '../dispatch/route-facts.js';
import { udhOctetsFor, udhTable, type UdhOf } from '../dispatch/udh-size.js';
import { InboundReplies } from '../policy/inbound.js';
import { KeywordAnswers } from '../policy/keyword-answer.js';
import { optOutError, type OptOutCheck } from '../policy/optout-scope.js';
import type { OptOutList } from '../policy/optout.js';
import { ReplyForwarder } from '../policy/reply-forward.js';
import { buildGuards, type Guards } from '../security.js';
import { watchStalls } from '../stall-watch.js';
import { newMailId } from '../store/ids.js';
import type { JournalStore } from '../store/journal-store.js';
import type { StartContext } from './context.js';
import { forwardsReplies, type DurableState } from './state.js';

/** The sending side, running: who may send what, the connectors and the dispatcher. */
export interface Services {
  accounts: Accounts;
  guards: Guards;
  pool: ConnectorPool;
  dispatcher: Dispatcher;
  /** Handsets' replies forwarded to the senders of the SMS they answer; undefined where no account has them. */
  forwarder?: ReplyForwarder;
  optedOut: OptOutCheck;
  udhOf: UdhOf;
  cancel(id: string, by: CancelBy): Promise<CancelResult>;
  /** Stops new submits and drains the ones under way: the close of the intake runs it with its own (src/start/listen.ts). */
  stopSubmits(): Promise<void>;
}

/** The connectors, built before anything is opened: one that cannot work with this config stops the start there. */
export function buildPool(config: Config, ctx: ConnectorContext, given: Record<string, Connector> = {}): ConnectorPool {
  const members = config.connectors.map((c, i) => {
    let connector = given[c.name];
    try {
      connector ??= makeConnector(c, ctx);
    } catch (e) {
      throw new ConfigError('configuration', [`connectors[${i}] ("${c.name}"): ${(e as Error).message}`]);
    }
    return { connector, type: c.type, onUncertain: c.onUncertain, breaker: { failures: c.breaker.failures, coolDownMs: c.breaker.coolDownSeconds * 1000 } };
  });
  return new ConnectorPool(members, ctx.now, ctx.log);
}

/** The second phase: the guards, the connectors (and the handsets' replies they bring), the status log, the stall watch and the dispatcher. */
export async function startServices(c: StartContext, state: DurableState, pool: ConnectorPool): Promise<Services> {
  const { config, dir, now, log, stack } = c;
  const { store, settings } = state;
  const accounts = new Accounts({ accounts: config.accounts, settings, log, inherit: accountInheritance(config) });
  const guards = await stack.open('the guards', () => buildGuards(config, { dir, settings, accounts, store, now, log, tap: c.tap }), (g) => g.close());
  // Long SMS counted with the UDH of the connectors their route may hand them to (smpp.longMessages udh16: 152 / 66 a part).
  const udhs = udhTable(config);
  const udhOf: UdhOf = (m) => udhOctetsFor(factsOf(m), udhs);
  const forwarder = hearHandsets(c, store, accounts, guards.optout, pool, udhOf);
  await stack.open('the connectors', () => pool.start().catch((e: Error) => {
    throw new ConfigError('configuration', [e.message]);
  }), () => pool.stop());
  const statusLog = new StatusLog({ status: () => pool.status(), log, everyMs: config.log.connectorStatusMinutes * 60_000, now: () => now().getTime() });
  statusLog.start();
  stack.push('the connector status log', () => statusLog.stop());
  if (config.log.eventLoopStallMs > 0) {
    stack.push('the stall watch', watchStalls(config.log.eventLoopStallMs, log, { wallNow: () => now().getTime(), ...(c.options.onGc ? { onGc: c.options.onGc } : {}) }));
  }
  // The opt-out list asked about an SMS with every sender its route may give it (entries for one sender: src/policy/optout-scope.ts).
  const senders = senderTable(config);
  const optedOut: OptOutCheck = (m) => guards.optout.blocking(m, () => possibleSenders(m, senders));
  const dispatcher = await startDispatcher(c, state, { pool, guards, optedOut });
  const stopSubmits = stack.push('the dispatcher', () => dispatcher.stop());
  const cancel = (id: string, by: CancelBy) => cancelSms({
    store, exclusive: (i, fn) => dispatcher.exclusive(i, fn), wantsConfirmation: confirmationsFor, now, log,
  }, id, by);
  return { accounts, guards, pool, dispatcher, forwarder, optedOut, udhOf, cancel, stopSubmits };
}

async function startDispatcher(c: StartContext, state: DurableState, d: { pool: ConnectorPool; guards: Guards; optedOut: OptOutCheck }): Promise<Dispatcher> {
  const { config, now, log } = c;
  const { restore } = state;
  const { brake } = d.guards;
  const { concurrency, retry, maxAgeHours, receiptTimeoutHours } = config.dispatch;
  const dispatcher = new Dispatcher({
    store: state.store, pool: d.pool, routing: { routes: config.routes, defaultRoute: config.defaultRoute }, concurrency, retry, maxAgeHours, receiptTimeoutHours,
    wantsConfirmation: confirmationsFor, now, random: c.options.randomFraction, log, paused: (account) => brake.pausedReason(account),
    restoreHold: (m) => restore.reason(m), restoreCaught: (m) => restore.caughtByReleasedBackup(m), kept: state.kept,
    refusal: (m) => {
      const hit = d.optedOut(m);
      return hit && optOutError(m.to, hit).text;
    },
    defaultCountry: config.smtp.defaultCountry,
  });
  // Before the start, so that a release seen while it runs is not missed.
  brake.onLifted((account) => void dispatcher.releaseHeld(account).catch((e: Error) => log('dispatch-error', { account, error: e.message })));
  // Released between reading the marker and here: the index the store made for it is not needed.
  if (!restore.active) state.store.restoreReleased();
  restore.onReleased((m) => {
    log('dispatch-released', { restoredFrom: m.finishedAt, source: m.source });
    state.store.restoreReleased();
    void state.kept.keepOnly(stillOpen(state.store)).catch((e: Error) => log('dispatch-error', { error: e.message }));
    void dispatcher.releaseHeld(undefined, 'restore').catch((e: Error) => log('dispatch-error', { error: e.message }));
  });
  await dispatcher.start();
  return dispatcher;
}

/**
 * Replies from handsets: a STOP reaches the opt-out list, and its answer the
 * store, before the connector acknowledges it (src/policy/inbound.ts);
 * listening before the connectors start, so none that arrives at once is missed.
 */
function hearHandsets(c: StartContext, store: JournalStore, accounts: Accounts, optout: OptOutList, pool: ConnectorPool, udhOf: UdhOf): ReplyForwarder | undefined {
  const { config, log, now } = c;
  const answers = answersOf(c, store, udhOf);
  const forwarder = forwardsReplies(config) ? replyForwarder(c, store, accounts) : undefined;
  const handsets = new InboundReplies({
    optout, keywords: config.inbound.keywords, defaultCountry: config.smtp.defaultCountry, now, log, ...(answers ? { answer: (a) => answers.send(a) } : {}),
    ...(forwarder ? { forward: (m, keyword) => forwarder.forward(m, keyword) } : {}),
  });
  for (const connector of pool.connectors) {
    connector.onInbound?.(async (m) => {
      await handsets.handle({ ...m, connector: connector.name });
    });
  }
  return forwarder;
}

/** The answers to STOP and START (inbound.answer), or undefined when they are off. */
function answersOf(c: StartContext, store: JournalStore, udhOf: UdhOf): KeywordAnswers | undefined {
  const { config, now, random, log } = c;
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
function replyForwarder(c: StartContext, store: JournalStore, accounts: Accounts): ReplyForwarder {
  const { config, now, random, log } = c;
  return new ReplyForwarder({
    store, defaultCountry: config.smtp.defaultCountry, now, log,
    // The SMS may have finished and left for the archive long before the reply: looked up there by the days its id points to.
    findSms: (id) => findMessage(store, id, historyLagDays(config)),
    enabledFor: (account) => accounts.get(account)?.forwardReplies ?? config.inbound.forward.enabled,
    newId: () => `${newMailId(now(), random)}.r`,
  });
}
