/**
 * Delay reports (RFC 3461 NOTIFY=DELAY): a client that asked hears once that
 * an SMS is still not delivered `notify.delayAfterMinutes` after it was due,
 * as an MTA warns of a mail still queued (Postfix's delay_warning_time,
 * Sendmail's four-hour warning). Not a status change but the passing of time:
 * the store files each SMS that asked by when it was due (store/memory.ts),
 * and the notifier owes the report when that time plus the delay has passed
 * (worker.ts). Pure decisions over the stored message.
 */
import { dueAt, FINAL_STATUSES, type ConfirmationStage, type SmsMessage } from '../store/types.js';

/** The client asked for delay reports (NOTIFY=…,DELAY), and there is someone to tell. */
export function asksDelay(sms: SmsMessage): boolean {
  const notify = sms.dsn?.notify;
  return notify !== undefined && notify.includes('DELAY') && !notify.includes('NEVER') && sms.mail.envelopeFrom !== '';
}

/**
 * From when the delay of `sms` counts (ISO 8601), while it may still owe its
 * delay report; undefined once it owes none (it did not ask, it is final, or
 * the report is owed already). When it was due (store/types.ts dueAt): its
 * send time, or the end of a quiet-hours hold, whichever is last, so an SMS
 * that waits as asked is not delayed. A hold of the fraud brake or a retry's
 * wait is a delay like any other.
 */
export function delayFrom(sms: SmsMessage): string | undefined {
  if (!asksDelay(sms) || FINAL_STATUSES.has(sms.status) || sms.confirmations.some((c) => c.stage === 'delayed')) return undefined;
  return dueAt(sms);
}

/**
 * The RFC 3463 status of a delay report. With the carrier, its delivery report
 * outstanding: 4.4.7, the code MTAs give their delay warnings (Sendmail,
 * Exchange), as the carrier did not say why; also for one that no connector
 * was asked to take yet (held by the fraud brake, behind a queue). Still with
 * us after a connector did not take it: 4.4.1, the next hop did not take it (RFC 3463 asks for the
 * actual problem where known); its reason goes in the Diagnostic-Code.
 */
export function delayedStatus(sms: SmsMessage): string {
  // `submitting`: being handed over again right now, after an attempt that failed.
  return sms.status !== 'submitted' && sms.attempts > 0 ? '4.4.1' : '4.4.7';
}

/**
 * The delay reports among `owed` that must not go any more, as their SMS has
 * its final status by now (`current`: the store's copy as it is now). Checked
 * when a report is about to be sent, not only when it is owed: a failed send's
 * retry, a mail's gathering wait or a report owed a moment before the carrier's
 * delivery report would otherwise say "not delivered yet" after the outcome,
 * which is reported anyway. Only delay reports cost a look-up.
 */
export function outdatedDelays<T extends readonly [SmsMessage, { stage: ConfirmationStage }]>(owed: readonly T[], current: (id: string) => SmsMessage | undefined): T[] {
  return owed.filter(([m, c]) => c.stage === 'delayed' && FINAL_STATUSES.has((current(m.id) ?? m).status));
}
