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
 * Owes the push of the last event of the SMS's history (the one just
 * recorded) when the SMS's level wants it. Once per status: an SMS that goes
 * back to `accepted` for a retry, or a multipart SMS whose parts are
 * reported one by one, is not pushed again. A correction starts afresh (a
 * late answer of the carrier: records.ts `late`): what the receiver was told
 * before it ("failed", uncertain) no longer holds, so the correction and the
 * outcome after it are pushed, also a status pushed before and also at a
 * level that would not push them, once a failure was pushed.
 */
export function oweCallback(m: SmsMessage, at: number = m.history.length - 1): void {
  const event = m.history[at];
  if (!m.callback || !event) return;
  const since = lastCorrection(m.history, at);
  const corrects = since >= 0 && m.confirmations.some((c) => c.channel === 'callback' && FAILURES.has(c.stage as SmsStatus));
  if (!callbackWants(m.callback.level, event.status) && !(corrects && (FINALS.has(event.status) || event.status === 'submitted'))) return;
  // Once per status since the last correction (or ever, without one).
  for (let i = Math.max(since, 0); i < at; i++) if (m.history[i]!.status === event.status) return;
  m.confirmations.push({ stage: event.status, channel: 'callback', attempts: 0, notBefore: event.at, event: at });
}

/** Owes the pushes of every status an SMS has when it is stored (accepted, and cancelled for one held back at once). */
export function oweCallbacks(m: SmsMessage): void {
  m.history.forEach((_, i) => oweCallback(m, i));
}

/** Index of the last correction at or before `at`, or -1. */
function lastCorrection(history: readonly StatusEvent[], at: number): number {
  for (let i = at; i >= 0; i--) if (history[i]!.late === 'correction') return i;
  return -1;
}
