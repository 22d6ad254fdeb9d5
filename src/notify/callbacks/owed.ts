/**
 * Which statuses of an SMS are pushed to its status callback: a pure rule
 * over the stored message, applied where the store records a status
 * (records.ts) and where it takes SMS in (accept.ts), so that a push owed is
 * in the same durable write as the status it reports, and a replay after a
 * restart owes exactly the same.
 */
import type { NotifyLevel, SmsMessage, SmsStatus, StatusEvent } from '../../store/types.js';

const FAILURES: ReadonlySet<SmsStatus> = new Set(['failed', 'expired', 'rejected', 'cancelled']);
const FINALS: ReadonlySet<SmsStatus> = new Set(['delivered', ...FAILURES]);
// `submitting` is our own crash-safety marker: a receiver learns of the handover from `submitted`.
const ALL: ReadonlySet<SmsStatus> = new Set(['accepted', 'submitted', ...FINALS]);

/**
 * The notify levels' words, as Jasmin's dlr-level: none; failure: a final
 * status that is not delivered; final: every final status; all: accepted,
 * handed to the carrier (submitted) and final.
 */
export function callbackWants(level: NotifyLevel, status: SmsStatus): boolean {
  switch (level) {
    case 'none':
      return false;
    case 'failure':
      return FAILURES.has(status);
    case 'final':
      return FINALS.has(status);
    case 'all':
      return ALL.has(status);
  }
}

/**
 * Owes the push of `event`'s status when the SMS's level wants it. Once per
 * status: an SMS that goes back to `accepted` for a retry, or a multipart
 * SMS whose parts are reported one by one, is not pushed again.
 */
export function oweCallback(m: SmsMessage, event: Pick<StatusEvent, 'status' | 'at'>): void {
  if (!m.callback || !callbackWants(m.callback.level, event.status)) return;
  if (m.confirmations.some((c) => c.channel === 'callback' && c.stage === event.status)) return;
  m.confirmations.push({ stage: event.status, channel: 'callback', attempts: 0, notBefore: event.at });
}

/** Owes the pushes of every status an SMS has when it is stored (accepted, and cancelled for one held back at once). */
export function oweCallbacks(m: SmsMessage): void {
  for (const e of m.history) oweCallback(m, e);
}
