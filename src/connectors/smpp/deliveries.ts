/**
 * What the SMSC sends the SMPP connector: each deliver_sm is a receipt,
 * turned into one report per SMS (tracker.ts), or an SMS from a handset,
 * handed to the inbound listeners. Its deliver_sm_resp waits until what it
 * decided is stored (receipt-answers.ts), so a crash never swallows one:
 * the SMSC sends unanswered ones again.
 *
 * A receipt for a part not known yet is held while something may still
 * claim it: a submit under way (its submit_sm_resp can come after the
 * receipt), a late acceptance being stored, or the resume() after a restart.
 */
import type { LogFn } from '../../log.js';
import { handOver } from '../listeners.js';
import type { DeliveryReport, InboundSms, StrayReceipt } from '../types.js';
import { ESME_RSYSERR, ReceiptAnswers } from './receipt-answers.js';
import type { receiptOf, ReceiptEvidence } from './receipt-in.js';
import type { ParsedReceipt } from './receipt.js';
import { ReceiptTracker, type Tracked, type TrackerOptions } from './tracker.js';

const EARLY_RECEIPT_TTL_MS = 10 * 60_000;
const EARLY_RECEIPT_MAX = 10_000;
/** Longest the deliver_sm_resp of a receipt for a part not known yet waits for its claim (SMSCs commonly time out their deliver_sm after 30–60 s). */
const ACK_WAIT_MS = 10_000;

export interface DeliveriesOptions {
  name: string;
  idBase: TrackerOptions['idBase'];
  receiptWaitHours: number;
  log: LogFn;
  now: () => Date;
  /** The connector is stopping: a receipt nobody knows is refused, for the next run to claim. */
  stopping: () => boolean;
  /** Longest the answer of a receipt for an unknown part waits (default ACK_WAIT_MS; tests shorten it). */
  ackWaitMs?: number;
}

export class Deliveries {
  private readonly tracker: ReceiptTracker;
  private readonly answers: ReceiptAnswers;
  private readonly listeners: Array<(r: DeliveryReport) => void> = [];
  private readonly inbound: Array<(m: InboundSms) => Promise<void>> = [];
  private readonly strays: Array<(r: StrayReceipt) => Promise<void>> = [];
  /** Submits, and late acceptances whose correction is being stored, under way: an unknown receipt may be for one of them. */
  private readonly under = { submit: 0, late: 0 };
  /** Reports handed to the listeners whose storing has not settled, with its promise (a repeated receipt waits for it). */
  private readonly storing = new Map<DeliveryReport, Promise<unknown>>();
  /** resume() was called: every SMS submitted before a restart is known. */
  private resumed = false;

  constructor(private readonly o: DeliveriesOptions) {
    this.answers = new ReceiptAnswers(o.ackWaitMs ?? ACK_WAIT_MS);
    this.tracker = new ReceiptTracker({
      idBase: o.idBase, now: () => o.now().getTime(), earlyTtlMs: EARLY_RECEIPT_TTL_MS, earlyMax: EARLY_RECEIPT_MAX,
      trackTtlMs: o.receiptWaitHours * 3600_000, log: (evt, data) => o.log(evt, { connector: o.name, ...data }),
    });
  }

  onReport(listener: (r: DeliveryReport) => void): void {
    this.listeners.push(listener);
  }

  onInbound(listener: (m: InboundSms) => Promise<void>): void {
    this.inbound.push(listener);
  }

  onStrayReceipt(listener: (r: StrayReceipt) => Promise<void>): void {
    this.strays.push(listener);
  }

  /** Follows the receipts of an SMS's parts (see tracker.ts); its reports go out after the caller returned. */
  track(connectorMessageId: string, partIds: string[], o: { onDone?: () => void; delivered?: number[] } = {}): void {
    this.follow(this.tracker.track(connectorMessageId, partIds, o));
  }

  /** A submit begins, which may claim an unknown receipt; call the result when it ended. */
  submitting(): () => void {
    return this.claimWhile('submit');
  }

  /** A late acceptance's correction is being stored, which may claim an unknown receipt; call the result when it is. */
  settlingLate(): () => void {
    return this.claimWhile('late');
  }

  private claimWhile(kind: 'submit' | 'late'): () => void {
    this.under[kind]++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.under[kind]--;
      this.releaseUnclaimed();
    };
  }

  /** The SMS of before a restart are all known now (after resume()). */
  resumedAll(): void {
    this.resumed = true;
    this.releaseUnclaimed();
  }

  /** Stopping: held receipts are refused, and the SMSC sends them again. */
  stop(): void {
    const refused = this.answers.refuse();
    if (refused) this.o.log('smpp-receipts-refused', { connector: this.o.name, count: refused, reason: 'stopping before their SMS was known; the SMSC sends them again' });
  }

  /**
   * The deliver_sm_resp status, at once or once what the deliver_sm
   * decided is stored (see receipt-answers.ts). A receipt for a part not
   * known yet waits the same way while it may be claimed; then the reports
   * it helped decide are what it waits for.
   */
  deliver(receipt: ReturnType<typeof receiptOf>): number | Promise<number> {
    if (receipt.kind === 'mo') {
      const { kind: _, ...m } = receipt;
      if (!this.inbound.length) {
        this.o.log('smpp-deliver-ignored', { connector: this.o.name, reason: `an SMS from ${m.from}, and nobody takes replies` });
        return 0;
      }
      // Answered once every listener stored what it decided (a STOP on the opt-out list); refused, to come again, if one could not.
      return this.answers.after(Promise.all(this.inbound.map((l) => l({ ...m, at: this.o.now() }))));
    }
    if (receipt.kind === 'other') {
      this.o.log('smpp-deliver-ignored', { connector: this.o.name, reason: receipt.reason });
      return 0;
    }
    const { reports, kept, storing } = this.tracker.onReceipt(receipt.receipt);
    // The same receipt again while its report is being stored: answered with it, never before.
    if (storing) return this.answers.after(Promise.all(storing.map((r) => this.storing.get(r))));
    if (kept) {
      // Stopping: nothing will claim it in this run, but the next one may (after its resume()).
      if (this.o.stopping()) return ESME_RSYSERR;
      const held = this.claimable() ? this.answers.hold(receipt.receipt, () => this.under.late > 0) : 0;
      const stray = this.handStray(receipt.receipt, receipt.evidence);
      // Answered once both settled; refused (non-zero) when either says so.
      return stray ? Promise.all([held, this.answers.after(stray)]).then(([a, b]) => a || b) : held;
    }
    return reports.length === 0 ? 0 : this.answers.after(this.emit(reports));
  }

  /** A receipt no SMS here is known by, to whoever keeps such (the dispatcher after a restore); undefined when nobody does. */
  private handStray(r: ParsedReceipt, evidence: ReceiptEvidence = {}): Promise<unknown> | undefined {
    if (!this.strays.length) return undefined;
    const report: DeliveryReport = { connectorMessageId: r.id, status: r.status, at: this.o.now(), ...(r.reason ? { reason: r.reason } : {}) };
    const stray: StrayReceipt = { report, ...(r.submitDate ? { submittedAt: r.submitDate } : {}), ...evidence };
    return Promise.all(this.strays.map((l) => l(stray)));
  }

  /** An unknown receipt may still find its SMS: a submit or a late acceptance is under way, or the restart's resume() has not come yet. */
  private claimable(): boolean {
    return this.under.submit > 0 || this.under.late > 0 || !this.resumed;
  }

  /** Early receipts nobody can claim any more are answered now (the tracker keeps them a while, in case). */
  private releaseUnclaimed(): void {
    if (!this.claimable()) this.answers.release();
  }

  /**
   * Emits what track() decided after the caller returned (submit's result
   * first, in protocol order); the early receipts it applied are answered
   * once those reports' listeners settled.
   */
  private follow(t: Tracked): void {
    const emitted = t.reports.length === 0
      ? Promise.resolve()
      : new Promise<unknown>((resolve) => setImmediate(() => resolve(this.emit(t.reports))));
    emitted.catch(() => {}); // refused through the claimed receipts' answers, if any; the dispatcher logged it
    // The tracker names these reports as being stored from now on: a copy of their receipt that comes before
    // emit() waits for the same write (emit() then files each report's own promise), never answered before it.
    for (const r of t.reports) this.storing.set(r, emitted);
    this.answers.claim(t.applied, emitted);
  }

  /** Hands the reports to the listeners, in order; resolves once they are stored, rejects when one could not be. */
  private emit(reports: DeliveryReport[]): Promise<unknown> {
    return Promise.all(reports.map((r) => {
      this.o.log('smpp-report', { connector: this.o.name, connectorMessageId: r.connectorMessageId, status: r.status, reason: r.reason, ...(r.part ? { part: r.part.index, of: r.part.of } : {}) });
      const stored = handOver(this.listeners, r).then(
        () => {
          this.storing.delete(r);
          this.tracker.settled(r, true);
        },
        (e: unknown) => {
          this.storing.delete(r);
          this.tracker.settled(r, false);
          throw e;
        },
      );
      this.storing.set(r, stored);
      return stored;
    }));
  }
}
