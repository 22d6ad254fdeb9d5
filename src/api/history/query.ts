import type { SmsMessage, SmsStatus } from '../../store/types.js';

/**
 * What a search asks for. Every field narrows the result; `account` is set
 * by the server for users who may see only their own account. Times are the
 * acceptance time, [from, until).
 */
export interface MessageQuery {
  account?: string;
  /** Digits the recipient's number contains ("+49 151 1234" → "491511234"). */
  to?: string;
  status?: SmsStatus[];
  from?: string;
  until?: string;
  /** The client's reference, exactly. */
  reference?: string;
  /** The cost centre the SMS is billed to ([BC:…], X-SMS-Billing-Code), exactly. */
  billingCode?: string;
  /** Part of the mail's sender address (envelope or From), or of the API user, case-insensitive. */
  sender?: string;
  /** The SMS sender ID, exactly. */
  senderId?: string;
  /** An SMS id, or a mail id for all SMS of that mail. */
  id?: string;
  /**
   * Only SMS a restored backup caught while they were being handed over: still in `submitting` (with `until`
   * the backup's end, while the hold lasts, that is all of them), or settled since (StatusEvent.backup).
   */
  backupUncertain?: true;
}

export const acceptedAt = (m: SmsMessage): string => m.history[0]?.at ?? m.mail.receivedAt;

const digits = (s: string) => s.replace(/\D/g, '');

export function matches(m: SmsMessage, q: MessageQuery): boolean {
  if (q.account !== undefined && m.account !== q.account) return false;
  if (q.id !== undefined && m.id !== q.id && m.mailId !== q.id) return false;
  if (q.reference !== undefined && m.reference !== q.reference) return false;
  if (q.billingCode !== undefined && m.billingCode !== q.billingCode) return false;
  if (q.senderId !== undefined && m.sender !== q.senderId) return false;
  if (q.status?.length && !q.status.includes(m.status)) return false;
  if (q.to !== undefined && !m.to.includes(digits(q.to))) return false;
  if (q.backupUncertain && m.status !== 'submitting' && !m.history.some((e) => e.backup)) return false;
  const at = acceptedAt(m);
  if (q.from !== undefined && at < q.from) return false;
  if (q.until !== undefined && at >= q.until) return false;
  if (q.sender !== undefined) {
    const s = q.sender.toLowerCase();
    const hay = [m.mail.envelopeFrom, m.mail.from, m.mail.apiUser].filter(Boolean).join('\n').toLowerCase();
    if (!hay.includes(s)) return false;
  }
  return true;
}

/**
 * Strings that the JSON line of every matching message contains: a line
 * without them is skipped without being parsed, which is what makes reading
 * the archive for a reference or a number cheap (a substring test runs at
 * memory speed, JSON.parse does not).
 */
export function needles(q: MessageQuery): string[] {
  const json = (v: string) => JSON.stringify(v).slice(1, -1);
  // The most selective first: the archive is searched for the first one in its raw bytes.
  const out: string[] = [];
  if (q.id !== undefined) out.push(json(q.id));
  if (q.reference !== undefined) out.push(`"reference":${JSON.stringify(q.reference)}`);
  if (q.billingCode !== undefined) out.push(`"billingCode":${JSON.stringify(q.billingCode)}`);
  if (q.to !== undefined && digits(q.to)) out.push(digits(q.to));
  if (q.senderId !== undefined) out.push(`"sender":${JSON.stringify(q.senderId)}`);
  if (q.status?.length === 1) out.push(`"status":${JSON.stringify(q.status[0])}`);
  if (q.account !== undefined) out.push(`"account":${JSON.stringify(q.account)}`);
  // Archived SMS are final: one the backup caught has its settlement's mark.
  if (q.backupUncertain) out.push('"backup":"');
  return out;
}
