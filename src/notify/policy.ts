/**
 * When does the sender of an SMS get a confirmation mail? Pure decisions over
 * the stored message, so the dispatcher can ask on every status change.
 */
import { isUnreported, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';

// `cancelled` counts as a failure to send: whoever cancelled, or whose duplicate was held back, hears that it did not go
// (a client that asked for DSNs hears of a duplicate as of a success: dsnWants).
const FAILURES: ReadonlySet<SmsStatus> = new Set(['failed', 'expired', 'rejected', 'cancelled']);
const FINALS: ReadonlySet<SmsStatus> = new Set(['delivered', 'failed', 'expired', 'rejected', 'cancelled']);
// `submitting` is our own crash-safety marker, nothing a sender should hear about.
const PROGRESS: ReadonlySet<SmsStatus> = new Set(['accepted', 'submitted', ...FINALS]);

/** The client asked for DSNs (RFC 3461 NOTIFY) and did not refuse them with NEVER. */
export function isDsn(sms: SmsMessage): boolean {
  const notify = sms.dsn?.notify ?? [];
  return notify.length > 0 && !notify.includes('NEVER');
}

/** Whether a confirmation is due when `sms` reaches `status` (by `event`, when known: an unconfirmed failure is a delay). */
export function confirmationsFor(sms: SmsMessage, status: SmsStatus, event?: Pick<StatusEvent, 'uncertain' | 'backup'>): boolean {
  // A null reverse-path means the mail was itself a bounce or auto-reply:
  // answering it could start a loop, and there is nobody to answer anyway.
  if (sms.mail.envelopeFrom === '') return false;
  const notify = sms.dsn?.notify ?? [];
  // An explicit NOTIFY overrides the account's level: the client asked for exactly this.
  if (notify.length > 0) return dsnWants(notify, status, heldDuplicate(sms, status) ? 'duplicate' : event);
  switch (sms.notify) {
    case 'none':
      return false;
    case 'failure':
      // Sent, only its report went elsewhere (isUnreported): no failure.
      return FAILURES.has(status) && !isUnreported({ status, backup: event?.backup });
    case 'final':
      // An SMS that waits (send time, quiet hours) is confirmed at once too: when it will go, and how to cancel it.
      return FINALS.has(status) || (status === 'accepted' && isHeld(sms));
    case 'all':
      return PROGRESS.has(status);
  }
}

/** Whether the SMS waits for a later time than its acceptance (a send time or quiet hours). */
export function isHeld(sms: SmsMessage): boolean {
  return Date.parse(sms.notBefore) > Date.parse(sms.mail.receivedAt);
}

/** Held back as a duplicate of an earlier SMS (duplicate detection by content): its one cancelled event says which. */
function heldDuplicate(sms: SmsMessage, status: SmsStatus): boolean {
  return status === 'cancelled' && sms.history.some((e) => e.status === 'cancelled' && e.duplicateOf !== undefined);
}

function dsnWants(notify: NonNullable<SmsMessage['dsn']>['notify'], status: SmsStatus, event?: Pick<StatusEvent, 'uncertain' | 'backup'> | 'duplicate'): boolean {
  if (notify.includes('NEVER')) return false;
  // Reported as relayed (dsn.ts), which RFC 3461 §6.2.2 issues for SUCCESS.
  if (event === 'duplicate' || isUnreported({ status, backup: event?.backup })) return notify.includes('SUCCESS');
  if (notify.includes('SUCCESS') && status === 'delivered') return true;
  if (notify.includes('FAILURE') && FAILURES.has(status)) return true;
  // DELAY is mostly a matter of time, not of a status (delay.ts: "still not delivered"); but a failure the carrier
  // never confirmed is reported as delayed (dsn.ts), which is what a client asking DELAY asked to hear.
  return notify.includes('DELAY') && status === 'failed' && event?.uncertain === true;
}
