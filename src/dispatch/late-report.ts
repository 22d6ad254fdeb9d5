/**
 * A delivery report that matches no SMS by the connector's id, read for
 * what it says about the SMS it names by our own id (DeliveryReport.ourId:
 * Kannel's dlr-url carries it, an http connector's webhook.ourIdParam).
 *
 * A gateway reports only on what it took, so such a report is a late
 * answer to a submit whose answer was lost (a timeout, a proxy's 504):
 * it settles the doubt through the same path as a late SMPP
 * submit_sm_resp (late-answer.ts) — a correction to `submitted` of an SMS
 * failed as not confirmed, `submitted` for one waiting for its resend, a
 * "sent twice" note for one that went out again meanwhile — and is then
 * recorded like any report. A report that the SMS failed (undelivered,
 * rejected, expired) settles it once, straight to that status.
 */
import type { DeliveryReport, LateAnswer } from '../connectors/types.js';
import type { SmsMessage } from '../store/types.js';
import { submittedVia } from './report-book.js';

export type UnmatchedReport =
  /** Keep it until the submit's answer is recorded (it may carry the id), as any early report. */
  | { kind: 'wait' }
  | { kind: 'late'; answer: LateAnswer }
  /** Nothing to settle: logged for the operator (report-unmatched) and answered, so the gateway does not repeat it. */
  | { kind: 'stray'; why: string };

/** `m`: the SMS the report names by our id (r.ourId), if the live store has it. */
export function readUnmatched(m: SmsMessage | undefined, connector: string, r: DeliveryReport): UnmatchedReport {
  if (!r.ourId) return { kind: 'wait' };
  if (!m) return { kind: 'stray', why: 'it names no SMS in the live store' };
  const last = m.history.at(-1);
  if (m.status === 'submitting' && last?.connector === connector) return { kind: 'wait' };
  if (!m.history.some((e) => e.status === 'submitting' && e.connector === connector)) {
    return { kind: 'stray', why: `the SMS was never handed to ${connector}` };
  }
  if (m.history.some((e) => e.connector === connector && e.connectorMessageId)) {
    return { kind: 'stray', why: `the SMS was recorded as taken by ${connector} before, and its outcome is recorded` };
  }
  const via = submittedVia(m);
  // Its status says the doubt about this connector is still open: failed as not confirmed, waiting for a resend, being resent or sent again elsewhere.
  const open = m.status === 'accepted' || m.status === 'submitting' || (last?.uncertain === true && last.connector === connector) || (via !== undefined && via.connector !== connector);
  if (!open) return { kind: 'stray', why: `the SMS's outcome is recorded (${m.status}) without a doubt about ${connector}` };
  const detail = `its delivery report (${r.status}${r.reason ? `: ${r.reason}` : ''}, id ${r.connectorMessageId}) names the SMS, so the gateway took it`;
  const answer: LateAnswer = { id: m.id, at: r.at, outcome: 'accepted', connectorMessageId: r.connectorMessageId, detail };
  // A report that the SMS failed settles it once, to that status: "taken" first and "failed" a moment later would be two contradicting mails.
  if (r.status === 'failed' || r.status === 'expired' || r.status === 'rejected') answer.final = { status: r.status, at: r.at, ...(r.reason ? { reason: r.reason } : {}) };
  return { kind: 'late', answer };
}
