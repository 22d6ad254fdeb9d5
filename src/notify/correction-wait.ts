/**
 * A late "handed to the carrier" correction (an SMS failed as not confirmed,
 * then taken after all: dispatch/late-answer.ts) waits a moment before it is
 * mailed. The carrier's receipt mostly follows within seconds: mailed at
 * once, the clerk read "handed to carrier (correction)" and right after it
 * "failed (correction)" — two mails that contradict each other. Waiting
 * `notify.correctionWaitSeconds`, the outcome's own confirmation (which says
 * it corrects the "not confirmed" mail, format.ts correctionOf) is the one
 * mail; one that comes later finds the correction sent, and is true news.
 * Pure, over what the store holds: the wait is counted from when the
 * correction became owed (its stored notBefore), so a restart goes on where
 * it was.
 */
import { FINAL_STATUSES, type ConfirmationState, type SmsMessage } from '../store/types.js';

/** send: as any confirmation; wait: not yet; superseded: not at all, the outcome's confirmation owed after it says it. */
export type CorrectionWait = 'send' | 'wait' | 'superseded';

export function correctionWait(m: SmsMessage, c: ConfirmationState, o: { now: number; waitMs: number }): CorrectionWait {
  // Most confirmations end here: a stage compared, and (for `submitted`) a walk of a few events.
  if (c.stage !== 'submitted' || c.channel || c.attempts > 0 || !lateCorrection(m)) return 'send';
  if (FINAL_STATUSES.has(m.status)) {
    const at = m.confirmations.indexOf(c);
    return m.confirmations.some((x, i) => i > at && !x.channel && x.stage === m.status) ? 'superseded' : 'send';
  }
  return o.now >= Date.parse(c.notBefore) + o.waitMs ? 'send' : 'wait';
}

/** The SMS's `submitted` is a late correction of a "not confirmed" failure. */
function lateCorrection(m: SmsMessage): boolean {
  let uncertain = false;
  for (const e of m.history) {
    if (e.uncertain) uncertain = true;
    else if (uncertain && e.status === 'submitted' && e.late === 'correction') return true;
  }
  return false;
}
