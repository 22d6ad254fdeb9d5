import { oweCallback } from '../notify/callbacks/owed.js';
import { FINAL_STATUSES, type ConfirmationStage, type InboundReply, type SmsMessage, type Transition } from './types.js';

/** The journal's records (journal-store.ts writes them, one JSON line each). */
export type Rec =
  // ckeys: content keys with their own end of window (absent in journals written before duplicate detection by content)
  | { seq: number; t: 'accept'; msgs: SmsMessage[]; keys: Array<string | null>; until: number; ckeys?: Array<[string, number] | null> }
  | { seq: number; t: 'status'; id: string } & Transition
  // ch: the status callback's confirmation (absent: the mailed one); owe: the confirmation is owed now (a `delayed` one)
  | { seq: number; t: 'conf'; id: string; stage: ConfirmationStage; at: string; where?: string; error?: string; notBefore?: string; ch?: 'callback'; owe?: true }
  // A handset's reply to be forwarded by mail (reply-store.ts), with its redelivery key remembered until `until`
  | { seq: number; t: 'reply'; reply: InboundReply; key: string; until: number }
  // Its forwarding mail sent (where) or failed (error, notBefore)
  | { seq: number; t: 'reply-conf'; id: string; at: string; where?: string; error?: string; notBefore?: string };

export type ChangeRec = Extract<Rec, { t: 'status' | 'conf' }>;
export type ReplyRec = Extract<Rec, { t: 'reply' | 'reply-conf' }>;

/** A record before the store gives it its sequence number. */
export type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;

/**
 * What a status or confirmation record does to its message. One function for
 * the store's memory, its replay after a restart and the read-back of a
 * spooled message (read-back.ts), so that all three arrive at the same
 * message. Deterministic: it may only depend on the message and the record.
 * False when it changed nothing (a confirmation that is not owed).
 */
export function change(m: SmsMessage, r: ChangeRec): boolean {
  if (r.t === 'status') {
    m.status = r.event.status;
    m.history.push(r.event);
    if (r.attempts !== undefined) m.attempts = r.attempts;
    if (r.notBefore !== undefined) m.notBefore = r.notBefore;
    if (r.confirm) m.confirmations.push({ stage: r.event.status, attempts: 0, notBefore: r.event.at });
    if (m.callback) oweCallback(m);
    return true;
  }
  if (r.owe) {
    // Once; and not for an SMS that became final while the notifier decided (its outcome is reported instead).
    if (FINAL_STATUSES.has(m.status) || m.confirmations.some((x) => x.stage === r.stage && x.channel === r.ch)) return false;
    m.confirmations.push({ stage: r.stage, attempts: 0, notBefore: r.at });
    return true;
  }
  const c = m.confirmations.find((x) => x.stage === r.stage && x.channel === r.ch && !x.sentAt);
  if (!c) return false;
  if (r.where !== undefined) Object.assign(c, { sentAt: r.at, where: r.where });
  else Object.assign(c, { attempts: c.attempts + 1, lastError: r.error, notBefore: r.notBefore });
  return true;
}
