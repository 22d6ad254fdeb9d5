/**
 * Every status change the dispatcher makes, written to the store before the
 * next step and logged once: the one place that knows which event carries
 * which connector and when a confirmation is owed.
 */
import type { DeliveryReport } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import { MAX_VALIDITY_HOURS } from '../mail/option-values.js';
import { canonicalSender } from '../sms/canonical-sender.js';
import { heldMs, latencyMs, type MessageStore, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';
import { UNCERTAIN_REASON } from './attempt.js';
import { ReportBook } from './report-book.js';
import type { QuietHoldRecord } from './quiet-hours.js';
import { noTimeReason } from '../notify/hold-words.js';

export interface RecorderOptions {
  store: MessageStore;
  book: ReportBook;
  /** `event`: the one that brings the status, when known (an unconfirmed failure is confirmed to a client asking DELAY). */
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus, event?: StatusEvent) => boolean;
  now: () => Date;
  log: LogFn;
  /** Handles a report that arrived before the submit answer, once that answer is recorded. */
  onEarlyReport: (connector: string, r: DeliveryReport) => Promise<void>;
  /** Reads a national connector default sender ("030…", SMPP TON 2) into the form a reply's number is compared in. */
  defaultCountry?: string;
}

/** The reason of an SMS a restored backup caught while it was being handed over, when its connector cannot tell (`backup` unknown). */
export const BACKUP_UNCERTAIN_REASON = 'this service was restored from a backup taken while the SMS was being handed to the carrier, and nobody can tell whether it went out before. '
  + 'It was not sent again, so that it cannot arrive twice: please check with the recipient before you send it again';

export class Recorder {
  constructor(private readonly o: RecorderOptions) {}

  /** Persisted before the connector is called, naming it, so that after a crash we ask the right one. */
  async submitting(m: SmsMessage, connector: string, attempts: number, reason?: string): Promise<void> {
    await this.o.store.transition(m.id, { event: { ...this.event('submitting', reason), connector }, attempts });
  }

  /** `sender`: the connector's default the SMS went with, when it named none (SubmitResult's `sender`), kept in the same write. */
  async submitted(m: SmsMessage, connector: string, connectorMessageId: string, reason?: string, sender?: string): Promise<void> {
    const event = { ...this.event('submitted', reason), connector, connectorMessageId, ...this.defaultSender(m, sender) };
    await this.o.store.transition(m.id, { event, confirm: this.o.wantsConfirmation(m, 'submitted') });
    this.o.book.track(connector, connectorMessageId, m.id);
    this.o.log('sms-submitted', { msgId: m.id, to: m.to, connector, connectorMessageId, segments: m.segments, account: m.account });
    // Started in arrival order without waiting in between: the store writes them in that order.
    const early = this.o.book.takeEarly(connector, connectorMessageId).map((e) => this.o.onEarlyReport(connector, e.r).then(
      () => e.settle(),
      (error: Error) => {
        e.settle(error);
        throw error;
      },
    ));
    await Promise.all(early);
  }

  /** One part of a multipart SMS delivered, the others still outstanding (see StatusEvent.part); once per part. */
  async partDelivered(m: SmsMessage, connector: string, part: { index: number; of: number }, at: Date): Promise<void> {
    if (m.history.some((e) => e.part?.index === part.index && e.connector === connector)) return;
    const event = { ...this.event('submitted', `part ${part.index} of ${part.of} delivered`, at), connector, part: { ...part, status: 'delivered' as const } };
    await this.o.store.transition(m.id, { event });
    this.o.log('sms-part-delivered', { msgId: m.id, connector, part: part.index, of: part.of });
  }

  /**
   * Back in the queue until `notBefore`; `attempts` is recorded here when no connector was called in this attempt.
   * `waitsFor`: the route's connectors, when only they kept it (StatusEvent.waitsFor).
   * The wait is kept as data (retryAt), worded when read (src/notify/hold-words.ts).
   */
  async retryLater(m: SmsMessage, attempts: number, reason: string, waitSeconds: number, throttled?: true, waitsFor?: string[]): Promise<void> {
    const event = this.event('accepted', reason);
    const notBefore = new Date(Date.parse(event.at) + waitSeconds * 1000).toISOString();
    const waits = waitsFor?.length ? { waitsFor: [...new Set(waitsFor)] } : {};
    await this.o.store.transition(m.id, { event: { ...event, retryAt: notBefore, ...(throttled ? { throttled } : {}), ...waits }, notBefore, attempts });
    this.o.log('sms-retry', { msgId: m.id, attempts, wait: Math.round(waitSeconds), reason });
  }

  /** Back in the queue at once (reconcile: the connector did not take it). */
  async requeue(m: SmsMessage, reason: string): Promise<void> {
    await this.o.store.transition(m.id, { event: this.event('accepted', reason) });
  }

  /**
   * Failed: a retry met quiet hours that leave no time to send within two weeks. The rule is kept as data, worded
   * when read in its reader's language (src/notify/hold-words.ts); `reason` has its English words, for logs.
   */
  async noTimeToSend(m: SmsMessage, quiet: QuietHoldRecord): Promise<void> {
    await this.final(m, { ...this.event('failed', noTimeReason(quiet)), quiet });
  }

  async finish(m: SmsMessage, status: SmsStatus, reason?: string, connector?: string, at?: Date): Promise<void> {
    await this.final(m, { ...this.event(status, reason, at), ...(connector ? { connector } : {}) });
  }

  /**
   * Failed because nobody knows whether `connector` took it (onUncertain fail); `detail` is the connector's technical reason.
   * Kept live (not archived) until `answerable` settles, or with `lateReports` for LATE_REPORT_HOURS: a late answer must find it to correct it.
   */
  async uncertain(m: SmsMessage, connector: string, detail: string, answerable?: Promise<void>, how: { backup?: boolean; lateReports?: boolean } = {}): Promise<void> {
    if (answerable) this.o.store.keepLive(m.id, answerable);
    const why = how.backup ? { reason: BACKUP_UNCERTAIN_REASON, backup: 'unknown' as const } : { reason: UNCERTAIN_REASON };
    const failed = this.event('failed');
    // From the event's own time: a second reading of the clock could be a millisecond on.
    const until = how.lateReports ? { answerableUntil: new Date(Date.parse(failed.at) + LATE_REPORT_HOURS * 3_600_000).toISOString() } : {};
    await this.final(m, { ...failed, ...why, connector, uncertain: true, detail: `${connector}: ${detail}`, ...until });
  }

  /**
   * What a late answer changes (src/dispatch/late-answer.ts), as one event. A
   * correction of an SMS the sender was told about gets a confirmation of its
   * own whatever the notify level (it corrects that mail); `submitted` with
   * the connector's id is followed like any submit.
   */
  async late(m: SmsMessage, event: StatusEvent, kind: 'correction' | 'note'): Promise<void> {
    const e: StatusEvent = { ...event, late: kind, ...this.defaultSender(m, event.sender) };
    // Even while a confirmation of the same stage is owed: it may be composed (with what it says now) before this lands.
    const confirm = kind === 'correction' && (this.o.wantsConfirmation(m, e.status) || correctsAMail(m));
    await this.o.store.transition(m.id, { event: e, confirm });
    if (e.status === 'submitted' && e.connector && e.connectorMessageId) {
      this.o.book.track(e.connector, e.connectorMessageId, m.id);
      await Promise.all(this.o.book.takeEarly(e.connector, e.connectorMessageId).map((x) => this.o.onEarlyReport(e.connector!, x.r).then(() => x.settle(), (error: Error) => {
        x.settle(error);
        throw error;
      })));
    }
  }

  /** Failed because no connector could take it until dispatch.maxAgeHours passed (its credentials refused, down): not the number's fault. */
  async connectorFault(m: SmsMessage, reason: string): Promise<void> {
    await this.final(m, this.event('failed', reason), { connectorFault: true });
  }

  /**
   * A late answer that settles the SMS at once to its final status (taken, and reported failed: late-report.ts):
   * one correction, logged as the SMS's outcome like any final status.
   */
  async lateFinal(m: SmsMessage, event: StatusEvent): Promise<void> {
    await this.late(m, event, 'correction');
    this.logFinal(m, event, { late: true });
  }

  /**
   * No delivery report within dispatch.receiptTimeoutHours for an SMS the bridge a backup was taken of sent
   * (StatusEvent.backup sent): its report went to that bridge. Expired, and said so (isUnreported), not "could not be delivered".
   */
  async unreported(m: SmsMessage, hours: number, connector?: string): Promise<void> {
    const reason = `sent by the bridge the backup this store was restored from was taken of; no delivery report reached this one within ${hours} h (it went to that bridge), so whether it was delivered is not known; not sent again`;
    await this.final(m, { ...this.event('expired', reason), backup: 'sent', ...(connector ? { connector } : {}) }, { unreported: true });
  }

  /** Not sent on purpose, before any connector was asked this time; `by`: who it was for (the confirmation names them). */
  async cancelled(m: SmsMessage, reason: string, by: string): Promise<void> {
    await this.final(m, { ...this.event('cancelled', reason), by });
  }

  /** `flags`: for the sms-final line (connectorFault, unreported: the fraud brake does not count it, src/security.ts). */
  private async final(m: SmsMessage, event: StatusEvent, flags: { connectorFault?: true; unreported?: true } = {}): Promise<void> {
    const { status } = event;
    // After a correction the sender hears the outcome even at a level that would not tell it (they were told "not confirmed").
    const confirm = this.o.wantsConfirmation(m, status, event) || (correctsAMail(m) && m.history.some((e) => e.late === 'correction'));
    await this.o.store.transition(m.id, { event, confirm });
    this.logFinal(m, event, flags);
  }

  /** The SMS's outcome line, one shape for every way an SMS ends (the fraud brake and metrics read it). */
  private logFinal(m: SmsMessage, event: StatusEvent, flags: { connectorFault?: true; late?: true; unreported?: true }): void {
    const { status, reason, connector, detail } = event;
    this.o.log('sms-final', {
      msgId: m.id, to: m.to, status, reason, ...(detail ? { detail } : {}), ...(connector ? { connector } : {}), ...(event.uncertain ? { uncertain: true } : {}),
      account: m.account, latencyMs: latencyMs(m, event.at), ...held(m, event.at), ...flags,
    });
  }

  /** The connector's default sender as the store keeps it (canonical, so that it compares with a reply's number); only for an SMS without its own. */
  private defaultSender(m: SmsMessage, sender: string | undefined): { sender?: string } {
    if (!sender || m.sender) return {};
    return { sender: (this.o.defaultCountry ? canonicalSender(sender, this.o.defaultCountry) : undefined) ?? sender };
  }

  private event(status: SmsStatus, reason?: string, at?: Date): StatusEvent {
    return { status, at: (at ?? this.o.now()).toISOString(), ...(reason ? { reason } : {}) };
  }
}

/**
 * How long an SMS failed as not confirmed by a connector whose reports name our id stays findable for a late report.
 * A gateway reports an SMS at the latest when the carrier gives up on it, at the end of its validity, and this
 * bridge asks for at most 72 h (MAX_VALIDITY_HOURS); a carrier's own default may be longer, and a report
 * after that is logged report-unmatched. Such SMS are rare (a lost answer); a hanging gateway can make many, so
 * once their mail is out they wait out of memory, in the store's spool (src/store/memory.ts coolable).
 */
export const LATE_REPORT_HOURS = MAX_VALIDITY_HOURS;

/** The sender was (or is about to be) told the SMS failed: a correction must reach them too. */
function correctsAMail(m: SmsMessage): boolean {
  return m.confirmations.some((c) => c.stage === 'failed');
}

/** The quiet-hours hold of a final SMS, for its log line: only when there was one (most SMS are never held). */
function held(m: SmsMessage, at: string): { heldMs?: number } {
  const ms = heldMs(m, at);
  return ms > 0 ? { heldMs: ms } : {};
}
