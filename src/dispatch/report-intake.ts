/**
 * Delivery reports as they come from the connectors: matched to the SMS the
 * report book follows and recorded; else read as proof of what a restored
 * backup's bridge sent (backup-report.ts), kept for a submit's answer still
 * under way, a late answer, or logged and dropped (late-report.ts). Also the
 * once-a-minute sweep for submitted SMS whose receipt never came.
 */
import type { DeliveryReport } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import type { MessageStore } from '../store/types.js';
import { sentBeforeRestore, settleBackupReport, type BackupReportDeps } from './backup-report.js';
import { settleLateAnswer, type LateAnswerDeps } from './late-answer.js';
import { readUnmatched } from './late-report.js';
import type { Recorder } from './record.js';
import { EARLY_REPORT_TTL_MS, submittedVia, type ReportBook } from './report-book.js';

export interface ReportIntakeDeps {
  store: MessageStore;
  book: ReportBook;
  record: Recorder;
  late: LateAnswerDeps;
  receiptTimeoutHours: number;
  now: () => Date;
  log: LogFn;
  /** What a report of an SMS held since a restore is settled with (a function: those deps name this intake's onReport). */
  backupDeps: () => BackupReportDeps;
  /** The connector's Connector.keptReportWaitMs: how long its acknowledgement of a report only kept may wait. */
  keptReportWaitMs: (connector: string) => number | undefined;
}

const writeKey = (connector: string, id: string) => `${connector}\u0000${id}`;

/** A write under way for a report; `status`: that report's, when another report of the SMS is not a copy of it (a late answer's). */
interface Writing {
  written: Promise<void>;
  status?: DeliveryReport['status'];
}

export class ReportIntake {
  private lastReceiptSweep = 0;
  /**
   * Final reports whose write is under way, by connector and the id they matched by: the same report sent again
   * meanwhile (an aggregator that gave up on its callback) no longer finds its SMS in the book.
   */
  private readonly writing = new Map<string, Writing>();

  constructor(private readonly o: ReportIntakeDeps) {}

  /**
   * Resolves once the report is in the store (or kept until its submit
   * answer is, and handled then). Nothing here awaits before the store
   * write is started: reports of one SMS are written in arrival order.
   */
  async onReport(connector: string, r: DeliveryReport): Promise<void> {
    const { book, store, record } = this.o;
    // By the connector's id, else by ours: an SMS whose answer had no id was recorded with our id (http connector).
    const key = [r.connectorMessageId, r.ourId].find((k) => k !== undefined && book.find(connector, k) !== undefined);
    const m = key ? store.get(book.find(connector, key)!) : undefined;
    if (!m || !key) return this.copyOfWriting(connector, r) ?? this.unmatched(connector, r);
    if (m.status !== 'submitted' || r.status === 'enroute') return;
    if (r.part) {
      if (r.status === 'delivered') await record.partDelivered(m, connector, r.part, r.at);
      return;
    }
    book.forget(connector, key);
    const written = record.finish(m, r.status, r.reason, connector, r.at).catch((e: unknown) => {
      // Not stored: the connector refuses the report and the aggregator sends it again, which must find the SMS.
      book.track(connector, key, m.id);
      throw e;
    });
    await this.whileWriting([writeKey(connector, key)], { written });
  }

  /** The write stands under these keys until it ends: a copy of its report meanwhile is answered with it. */
  private async whileWriting(keys: string[], w: Writing): Promise<void> {
    for (const k of keys) this.writing.set(k, w);
    try {
      await w.written;
    } finally {
      for (const k of keys) if (this.writing.get(k) === w) this.writing.delete(k);
    }
  }

  /**
   * A copy of a report whose write is under way is answered with that write's outcome, as SMPP answers a receipt's
   * copy (deliveries.ts): acknowledged earlier (as a report kept for its submit answer), it would be lost when the
   * write then fails, as the aggregator does not send a report again that it got 200 for.
   */
  private copyOfWriting(connector: string, r: DeliveryReport): Promise<void> | undefined {
    const key = [r.connectorMessageId, r.ourId].find((k) => k !== undefined && this.writing.has(writeKey(connector, k)));
    if (key === undefined) return undefined;
    const w = this.writing.get(writeKey(connector, key))!;
    // Another report of an SMS whose late answer is being written (delivered after "SMSC accepted"): read once that is recorded.
    if (w.status !== undefined && w.status !== r.status) return w.written.then(() => this.onReport(connector, r));
    this.o.log('report-repeated', { connector, connectorMessageId: r.connectorMessageId, ...(r.ourId ? { ourId: r.ourId } : {}), status: r.status, why: 'the same report is being written: answered with that write' });
    return w.written;
  }

  /** Reports kept early that name SMS `id` by our id, read again now that what was under way for it is recorded. */
  readNamed(id: string): void {
    for (const e of this.o.book.takeNamed(id)) void this.unmatched(e.connector, e.r).then(() => e.settle(), (error: Error) => e.settle(error));
  }

  /**
   * A report no SMS is known by: proof that the bridge a backup was taken of sent an SMS held since the restore
   * (backup-report.ts); else (late-report.ts) kept for its submit's answer, a late answer, or logged and dropped.
   */
  private async unmatched(connector: string, r: DeliveryReport): Promise<void> {
    const { book, store } = this.o;
    if (r.ourId && await settleBackupReport(this.o.backupDeps(), connector, r)) return;
    // Followed since it arrived (a restore's verdict written meanwhile from an earlier report of the same SMS): read as such.
    const since = book.find(connector, r.connectorMessageId);
    if (since && store.get(since)) return this.onReport(connector, r);
    const what = readUnmatched(r.ourId ? store.get(r.ourId) : undefined, connector, r);
    if (what.kind === 'wait') return this.keep(connector, r);
    if (what.kind === 'stray') return this.strayReport(connector, r, what.why);
    // Followed as submitted now (the book knows the id): recorded like any report. Otherwise sms-late-answer said why not.
    // A copy that comes while the correction is written is answered with it, as one of a report being written is (onReport):
    // read again before it lands, it found the SMS still "not confirmed" and settled it a second time ("sent twice").
    const settled = (async () => {
      if (await settleLateAnswer(this.o.late, connector, what.answer)) await this.onReport(connector, r);
    })();
    await this.whileWriting([writeKey(connector, r.connectorMessageId), writeKey(connector, what.answer.id)], { written: settled, status: r.status });
  }

  /**
   * Keeps a report until its SMS's submit answer is recorded. Its connector's acknowledgement waits for that, or
   * for keptReportWaitMs where the connector has one (an HTTP webhook): nothing is being written for it meanwhile,
   * and it stays kept either way.
   */
  private keep(connector: string, r: DeliveryReport): Promise<void> {
    const kept = this.o.book.keepEarly(connector, r, this.o.now().getTime());
    const ms = this.o.keptReportWaitMs(connector);
    if (ms === undefined) return kept;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    return Promise.race([kept, waited]).finally(() => clearTimeout(timer));
  }

  private strayReport(connector: string, r: DeliveryReport, why: string): void {
    this.o.log('report-unmatched', { connector, connectorMessageId: r.connectorMessageId, ...(r.ourId ? { ourId: r.ourId } : {}), status: r.status, why });
  }

  /** Submitted SMS that never got a report expire; early reports nobody claimed are dropped (and logged). Once a minute. */
  sweepReceipts(): void {
    const { book, record, receiptTimeoutHours } = this.o;
    const now = this.o.now().getTime();
    if (now - this.lastReceiptSweep < 60_000) return;
    this.lastReceiptSweep = now;
    for (const e of book.dropExpiredEarly(now)) this.strayReport(e.connector, e.r, `no SMS sent through ${e.connector} was given this id within ${EARLY_REPORT_TTL_MS / 60_000} minutes`);
    const limit = now - receiptTimeoutHours * 3600_000;
    for (const m of this.o.store.inStatus('submitted')) {
      // Counted from the handover: part reports since then do not extend the wait.
      const via = submittedVia(m);
      if (Date.parse(via?.at ?? m.history.at(-1)!.at) >= limit) continue;
      if (via) book.forget(via.connector, via.connectorMessageId);
      const connector = via?.connector ?? m.history.at(-1)!.connector;
      void (sentBeforeRestore(m) ? record.unreported(m, receiptTimeoutHours, connector)
        : record.finish(m, 'expired', `no delivery report within ${receiptTimeoutHours} h`, via?.connector))
        .catch((e: Error) => this.o.log('dispatch-error', { msgId: m.id, error: e.message }));
    }
  }
}
