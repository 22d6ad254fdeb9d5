import type { LogFn } from '../log.js';
import { OPTED_OUT_BY } from '../policy/optout-screen.js';
import type { KeptReceipts } from '../store/kept-receipts.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import { RestoreReceipts, type OpenReceipt } from './restore-receipts.js';
import { attempt, type AttemptOutcome } from './attempt.js';
import type { BackupReportDeps } from './backup-report.js';
import { markBackupVerdict, type BackupVerdict, type VerdictResult } from './backup-verdict.js';
import type { Actor } from './cancel.js';
import type { ConnectorPool } from './connector-pool.js';
import { ConnectorReturn } from './connector-return.js';
import { reconcile, settleSubmitting, type ReconcileDeps } from './reconcile.js';
import { Recorder, type RecorderOptions } from './record.js';
import { HeldSms, type HoldKind } from './held-sms.js';
import { holdLogFields, holdRecord, quietUntil } from './quiet-hours.js';
import { settleLateAnswer, type LateAnswerDeps } from './late-answer.js';
import { ReportBook } from './report-book.js';
import { ReportIntake } from './report-intake.js';
import { backoffSeconds, withinMaxAge, type Backoff } from './retry.js';
import { factsOf } from './route-facts.js';
import { decideRoute, type RoutingTable } from './router.js';
import { WorkLoop } from './work-loop.js';

export interface DispatcherOptions {
  store: MessageStore;
  pool: ConnectorPool;
  routing: Omit<RoutingTable, 'connectors'>;
  concurrency: number;
  retry: Backoff;
  maxAgeHours: number;
  receiptTimeoutHours: number;
  /** Whether the sender gets a confirmation when `sms` reaches `status` (src/notify/policy.ts). */
  wantsConfirmation: RecorderOptions['wantsConfirmation'];
  now?: () => Date;
  /** In [0, 1): weighted routes and retry jitter (injected for tests). */
  random?: () => number;
  log: LogFn;
  /** How often to look for due retries and overdue receipts. */
  tickMs?: number;
  /** Why an account may not send now (its fraud brake is engaged), or undefined: its due SMS are held, not sent. */
  paused?: (account: string) => string | undefined;
  /** Why this SMS must wait for an operator (the store was restored from a backup: restore-hold.ts), or undefined. */
  restoreHold?: (m: SmsMessage) => string | undefined;
  /** Whether an SMS left `submitting` was caught so by the backup of a hold released while the bridge was stopped (restore-hold.ts). */
  restoreCaught?: (m: SmsMessage) => boolean;
  /** SMPP receipts kept as evidence while a restore's hold lasts (restore-receipts.ts). */
  kept?: KeptReceipts;
  /** Why this SMS must not go out at all any more (its number opted out of its sender after it was accepted), or undefined: it is cancelled. */
  refusal?: (m: SmsMessage) => string | undefined;
  /** smtp.defaultCountry: a connector's national default sender is recorded in international form (Recorder). */
  defaultCountry?: string;
}

export type { HoldKind };

/**
 * Takes due SMS from the store, routes each to its candidate connectors
 * and hands it to the first that takes it; records every step durably
 * before the next one, so that after a crash we know which SMS may have
 * reached which connector (`submitting` names it) and ask that one.
 */
export class Dispatcher {
  private readonly loop: WorkLoop<SmsMessage>;
  private readonly book = new ReportBook();
  private readonly record: Recorder;
  private readonly routing: RoutingTable;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly late: LateAnswerDeps;
  private readonly reports: ReportIntake;
  private readonly held: HeldSms;
  /** SMS whose retry waits only for a connector of their route: they go when one comes back. */
  private readonly returns: ConnectorReturn;
  /** SMS a restore's hold left in `submitting` at start (reconcile.ts): settled at its release. */
  private heldSubmitting = new Set<string>();
  /** Receipts for ids this bridge never gave out, while a restore's hold lasts. */
  private readonly strays?: RestoreReceipts;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? (() => new Date());
    this.random = o.random ?? Math.random;
    this.routing = { ...o.routing, connectors: o.pool.names };
    this.record = new Recorder({
      store: o.store, book: this.book, wantsConfirmation: o.wantsConfirmation, now: this.now, log: o.log,
      onEarlyReport: (connector, r) => this.reports.onReport(connector, r), defaultCountry: o.defaultCountry,
    });
    this.late = { store: o.store, record: this.record, log: o.log, exclusive: (id, fn) => this.loop.exclusive(id, fn) };
    this.reports = new ReportIntake({
      store: o.store, book: this.book, record: this.record, late: this.late, receiptTimeoutHours: o.receiptTimeoutHours, now: this.now, log: o.log,
      backupDeps: () => this.backupDeps(), keptReportWaitMs: (connector) => o.pool.get(connector)?.keptReportWaitMs,
    });
    this.held = new HeldSms({
      store: o.store, now: this.now, log: o.log, exclusive: (id, fn) => this.loop.exclusive(id, fn), paused: o.paused, restoreHold: o.restoreHold,
      beforeRestoreRelease: () => this.settleHeldSubmitting(),
    });
    this.returns = new ConnectorReturn({ store: o.store, pool: o.pool, now: this.now, log: o.log, wake: () => this.loop.wake() });
    this.loop = new WorkLoop({
      concurrency: o.concurrency,
      tickMs: o.tickMs ?? 250,
      next: (limit) => this.returns.next(limit + this.loop.inFlight),
      key: (m) => m.id,
      run: (m) => this.send(m),
      onError: (m, e) => o.log('dispatch-error', { msgId: m.id, error: e.message }),
      onTick: () => {
        this.reports.sweepReceipts();
        this.returns.look();
      },
    });
    if (o.kept?.heldSince) {
      this.strays = new RestoreReceipts({
        ...this.backupDeps(), kept: o.kept,
      });
    }
  }

  async start(): Promise<void> {
    for (const c of this.o.pool.connectors) {
      // The promise goes back to the connector: SMPP answers deliver_sm_resp (and HTTP its webhook) only once the
      // report is on disk, and refuses it when it could not be stored (false), so the aggregator sends it again.
      c.onReport((r) => this.reports.onReport(c.name, r).then(() => true, (e: Error) => {
        this.o.log('report-failed', { connector: c.name, connectorMessageId: r.connectorMessageId, error: e.message });
        return false;
      }));
      c.onLateAnswer?.((a) => settleLateAnswer(this.late, c.name, a));
      const strays = this.strays;
      if (strays) c.onStrayReceipt?.((s) => strays.take(c.name, s));
    }
    this.heldSubmitting = new Set(await reconcile(this.reconcileDeps()));
    // A brake or a restore's hold released while the bridge was down: its held SMS go now, not at their next hourly look.
    await this.releaseHeld(undefined, ['brake', 'restore']);
    // Those that waited for a connector before the restart go as soon as one of their route's can take them.
    this.returns.restored(this.o.store.connectorWaits());
    this.o.store.onChange(() => this.loop.wake());
    this.loop.start();
  }

  /** Runs `fn` while no attempt to send SMS `id` can start; undefined when one is under way (src/dispatch/cancel.ts). */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T | undefined> {
    return this.loop.exclusive(id, fn);
  }

  /** Held SMS whose hold is over become due now (held-sms.ts). */
  releaseHeld(account?: string, kind: HoldKind | HoldKind[] = 'brake'): Promise<void> {
    return this.held.release(account, kind);
  }

  /** The operator's word on an SMS the backup caught while it was being handed over, while the hold lasts (backup-verdict.ts). */
  markBackupVerdict(id: string, verdict: BackupVerdict, by: Actor, carrierId?: string): Promise<VerdictResult> {
    const heldUncertain = (m: SmsMessage) => this.heldSubmitting.has(m.id) && this.o.restoreHold?.(m) !== undefined;
    const strays = this.strays;
    const link = strays && ((m: SmsMessage, connector: string, cid: string) => strays.link(m, connector, cid));
    return markBackupVerdict({ ...this.backupDeps(), heldUncertain, ...(link ? { link } : {}) }, id, verdict, by, carrierId);
  }

  /** Receipts kept since a restore that no held SMS was found to be settled by, each with the held SMS it fits. */
  backupReceipts(): OpenReceipt[] {
    return this.strays?.open() ?? [];
  }

  private backupDeps(): BackupReportDeps {
    return {
      store: this.o.store, record: this.record, book: this.book, exclusive: <T>(i: string, fn: () => Promise<T>) => this.loop.exclusive(i, fn),
      whenFree: (i, ms) => this.loop.whenFree(i, ms),
      wantsConfirmation: this.o.wantsConfirmation, now: this.now, log: this.o.log, restoreHold: this.o.restoreHold,
      onReport: (connector, r) => this.reports.onReport(connector, r),
    };
  }

  private reconcileDeps(): ReconcileDeps {
    return {
      store: this.o.store, pool: this.o.pool, book: this.book, record: this.record, log: this.o.log, held: this.o.restoreHold, caught: this.o.restoreCaught,
      settled: (id) => this.reports.readNamed(id),
    };
  }

  /** The SMS being handed over when the backup was taken, once the restore's hold is released: settled as after a restart. */
  private async settleHeldSubmitting(): Promise<void> {
    const still = new Set<string>();
    for (const id of this.heldSubmitting) {
      const m = this.o.store.get(id);
      if (m?.status !== 'submitting') continue;
      if (this.o.restoreHold?.(m)) still.add(id);
      else await this.loop.exclusive(id, async () => {
        // Read again: settled meanwhile by a release seen twice (the file's removal, and a hold written as it went)?
        const now = this.o.store.get(id);
        if (now?.status === 'submitting') await settleSubmitting(this.reconcileDeps(), now, 'backup');
      });
    }
    this.heldSubmitting = still;
  }

  /** Stops taking new SMS and waits (up to timeoutMs) for those being handed over. */
  stop(timeoutMs = 10_000): Promise<void> {
    return this.loop.stop(timeoutMs);
  }

  /**
   * Reports that named the SMS by our id while it was being handed over,
   * and found no connector id to match (report-book.ts takeNamed), are read
   * again once the attempt is recorded: they may answer a submit whose own
   * answer was lost. Settled after this attempt (late-answer.ts waits for it).
   */
  private async send(m: SmsMessage): Promise<void> {
    this.returns.attempting(m.id);
    const attempt = this.sendNow(m);
    this.o.store.inUse(m.id, attempt);
    try {
      await attempt;
    } finally {
      this.reports.readNamed(m.id);
    }
  }

  private async sendNow(m: SmsMessage): Promise<void> {
    if (m.status !== 'accepted') return; // cancelled since it was found due
    if (m.expiresAt && m.expiresAt <= this.now().toISOString()) {
      return this.record.finish(m, 'expired', `not handed to the carrier before its validity ended (${m.expiresAt})`);
    }
    const refused = this.o.refusal?.(m);
    if (refused) return this.record.cancelled(m, refused, OPTED_OUT_BY);
    const restored = this.o.restoreHold?.(m);
    if (restored) return this.held.hold(m, 'restore', restored);
    const paused = this.o.paused?.(m.account);
    if (paused) return this.held.hold(m, 'brake', `held: account "${m.account}" is stopped by the fraud brake (${paused}); it is sent once an operator runs mail2sms brake release ${m.account}`);
    if (await this.heldForQuietHours(m)) return;
    const attempts = m.attempts + 1;
    const route = decideRoute(factsOf(m), this.routing, this.o.pool.unavailable, this.random);
    if (!route.ok && !route.temporary) return this.record.finish(m, 'failed', route.reason);
    const outcome: AttemptOutcome = route.ok
      ? await attempt({ pool: this.o.pool, record: this.record, log: this.o.log, reportedTaken: (c, id) => this.book.namedEarly(c, id) }, m, attempts, route.candidates)
      : { settled: false, reason: route.reason, connectorFault: true, forConnector: true };
    if (outcome.settled) return;
    // Counted from the first attempt: an SMS scheduled for next week has not been waiting for a connector since it arrived.
    if (!withinMaxAge(m.history.find((e) => e.status === 'submitting')?.at ?? m.mail.receivedAt, this.now(), this.o.maxAgeHours)) {
      const given = `gave up after ${attempts} attempts in ${this.o.maxAgeHours} h`;
      // No connector could be used (credentials refused, down): the gateway's fault, which the fraud brake must not count against the account.
      if (outcome.connectorFault) return this.record.connectorFault(m, `${given}, because of a problem with the gateway's connection to the carrier, not with this SMS or its number: ${outcome.reason}`);
      return this.record.finish(m, 'failed', `${given}: ${outcome.reason}`);
    }
    // Recorded with the retry (no line of its own), so that after a restart it still goes when one of them can take it.
    const waitsFor = outcome.forConnector && !outcome.throttled ? [...(route.ok ? route.candidates : []), ...(route.skipped ?? []).map((s) => s.connector)] : undefined;
    await this.record.retryLater(m, attempts, outcome.reason, backoffSeconds(attempts, this.o.retry, this.random), outcome.throttled, waitsFor);
    if (waitsFor) this.returns.waiting(m.id, waitsFor);
  }

  /** A retry (or a restart) can make an SMS due inside quiet hours: it waits again, and says so in its history. */
  private async heldForQuietHours(m: SmsMessage): Promise<boolean> {
    const hold = m.quietRules?.length ? quietUntil(m.quietRules, this.now()) : undefined;
    if (!hold) return false;
    const quiet = holdRecord(hold);
    if (!hold.until) {
      await this.record.noTimeToSend(m, quiet);
      return true;
    }
    const until = hold.until.toISOString();
    await this.o.store.transition(m.id, { event: { status: 'accepted', at: this.now().toISOString(), quiet, until }, notBefore: until });
    // Data for operators' tools (who set the rule, what it holds, in which zone), not a sentence to parse.
    this.o.log('sms-held', { msgId: m.id, account: m.account, reason: 'quiet hours', until, ...holdLogFields(quiet) });
    return true;
  }
}
