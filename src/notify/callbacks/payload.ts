/**
 * What a status callback says: one JSON object per SMS and status. Pure and
 * deterministic, so that every attempt of the same push sends the same body
 * (only the signature's timestamp changes) and a receiver can de-duplicate
 * on eventId.
 */
import { eventReason, waitFields } from '../hold-words.js';
import type { QuietHoldRecord } from '../../dispatch/quiet-hours.js';
import { connectorMessageIdOf, FINAL_STATUSES, isUnreported, type ConfirmationState, type SmsMessage, type SmsStatus, type StatusEvent } from '../../store/types.js';

export interface CallbackPayload {
  /** Stable over retries and restarts: "<smsId>/<status>". */
  eventId: string;
  smsId: string;
  mailId: string;
  account: string;
  /** The client's reference (API reference, X-SMS-Reference, [REF:…]); null without one. */
  reference: string | null;
  /** The cost centre it is billed to (billingCode, X-SMS-Billing-Code, [BC:…]); null without one. */
  billingCode: string | null;
  to: string;
  status: SmsStatus;
  final: boolean;
  /** When the SMS reached the status (ISO 8601, UTC). */
  at: string;
  /** Why, for failures and anything a person should read; null when nothing to say. */
  reason: string | null;
  connector: string | null;
  connectorMessageId: string | null;
  /** Parts (segments) the carrier reported delivered, of all parts. */
  parts: { delivered: number; of: number };
  /**
   * A failure the carrier may not have had (its answer to the handover was
   * lost): `final`, unless a late answer corrects it, in a push with
   * `correction`.
   */
  uncertain?: true;
  /**
   * An `expired` that is no failure: the bridge a restored backup was taken of sent the SMS, and its delivery report
   * went there (store/types.ts isUnreported), as the sms-final line's `unreported` says: sent, no delivery report.
   */
  unreported?: true;
  /** This push corrects what came before it (the carrier answered late): take it over an earlier final one. */
  correction?: true;
  /**
   * A wait's facts beside `reason`: a quiet-hours hold (`quiet`: the rule, as the REST timeline has it) until
   * `until`, or a retry's next attempt (`retryAt`, `throttled`). The push of `accepted` of an SMS held from its
   * acceptance carries its hold, so a receiver knows it will not go before `until`.
   */
  quiet?: QuietHoldRecord;
  until?: string;
  retryAt?: string;
  throttled?: boolean;
}

/** "<smsId>/<status>"; a status pushed again after a correction also names its place in the history: "<smsId>/<status>/<n>". */
export const eventIdOf = (smsId: string, status: SmsStatus, again?: number) => `${smsId}/${status}${again === undefined ? '' : `/${again}`}`;

export function callbackPayload(m: SmsMessage, c: Pick<ConfirmationState, 'stage' | 'event'>): CallbackPayload {
  // A push reports a status: `delayed` is a mailed report only (notify/delay.ts), never owed to a callback.
  const status = c.stage as SmsStatus;
  // The push's own event; else the first of the status (a retry's second `accepted` or one part's `submitted` is not the news).
  const first = m.history.findIndex((e) => e.status === status && !e.part);
  const i = c.event ?? first;
  const event: StatusEvent | undefined = m.history[i];
  const corrected = m.history.slice(0, i + 1).some((e) => e.late === 'correction');
  // Recorded with the acceptance, in the same moment (mail/to-sms.ts): the same on every attempt of the push.
  const next = m.history[i + 1];
  const heldFromStart = status === 'accepted' && event && !event.quiet && next?.status === 'accepted' && next.quiet && next.at === event.at ? next : undefined;
  const waited = heldFromStart ?? event;
  return {
    eventId: eventIdOf(m.id, status, c.event !== undefined && c.event !== first ? c.event : undefined),
    smsId: m.id,
    mailId: m.mailId,
    account: m.account,
    reference: m.reference ?? null,
    billingCode: m.billingCode ?? null,
    to: m.to,
    status,
    final: FINAL_STATUSES.has(status),
    at: event?.at ?? m.mail.receivedAt,
    reason: (event && eventReason(event, undefined, undefined, true)) ?? null,
    connector: event?.connector ?? null,
    // The aggregator's id as known at the event (given at the handover; a receipt rarely repeats it).
    connectorMessageId: connectorMessageIdOf({ history: m.history.slice(0, i + 1) }) ?? null,
    parts: { delivered: status === 'delivered' ? m.segments : deliveredParts(m.history.slice(0, i + 1)), of: m.segments },
    ...(event?.uncertain ? { uncertain: true as const } : {}),
    ...(isUnreported(event) ? { unreported: true as const } : {}),
    ...(corrected ? { correction: true as const } : {}),
    ...(waited ? waitFields(waited) : {}),
  };
}

/** Parts reported delivered one by one (SMPP receipts per part) up to the event: the same on every attempt of its push. */
function deliveredParts(history: readonly StatusEvent[]): number {
  return new Set(history.flatMap((e) => (e.part?.status === 'delivered' ? [e.part.index] : []))).size;
}
