/**
 * Whether an SMPP receipt for an id this bridge never gave out is about a held SMS (restore-receipts.ts). Pure.
 * A receipt carries, besides the SMSC's id, the handset's number, the minute the SMSC took the SMS and, mostly,
 * the first 20 characters of its text (SMPP 3.4 Appendix B). It fits an SMS when the number is its destination,
 * the minute lies in the time the old bridge can have sent it (from its acceptance to the start of the hold,
 * with the minute's resolution and CLOCK_SKEW_MS either side) and, when it has a text, that text begins one of
 * its parts. No submit date: it fits nothing (when it was sent cannot be checked).
 *
 * A long SMS's parts each get a receipt, with the part's own first characters: all of them decide (outcomeOf),
 * as for an SMS this bridge sent (connectors/smpp/tracker.ts): the first part that failed decides at once;
 * delivered once a delivered receipt matched every part by its text.
 */
import { splitSegments } from '../sms/segments.js';
import type { KeptReceipt } from '../store/kept-receipts.js';
import type { SmsMessage, SmsStatus } from '../store/types.js';

/** Clocks of the SMSC and of the bridges may differ this much. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const MINUTE_MS = 60_000;

/** The UDH sizes a connector may use (8- and 16-bit references): their parts begin at different characters. */
const UDH_SIZES = [6, 7];

/** The index (0-based) of the part the receipt's text begins, -1 when it has no text; undefined: it does not fit `m`. */
export function receiptFits(r: KeptReceipt, m: Pick<SmsMessage, 'to' | 'text' | 'encoding' | 'mail'>, heldSince: string): number | undefined {
  if (!r.handset || r.handset !== m.to || !r.submittedAt) return undefined;
  const at = Date.parse(r.submittedAt);
  const from = Math.floor(Date.parse(m.mail.receivedAt) / MINUTE_MS) * MINUTE_MS - CLOCK_SKEW_MS;
  if (!(at >= from && at <= Date.parse(heldSince) + CLOCK_SKEW_MS)) return undefined;
  const excerpts = (r.excerpt ?? []).map((e) => e.replace(/\0+$/, '').trimEnd()).filter((e) => e !== '');
  if (!excerpts.length) return -1;
  for (const udh of UDH_SIZES) {
    const parts = splitSegments(m.text, m.encoding, udh);
    const i = parts.findIndex((p) => excerpts.some((e) => begins(p, e)));
    if (i >= 0) return i;
  }
  return undefined;
}

/**
 * Whether `part` begins with `excerpt`. An SMSC writes a character its receipt text cannot carry as '.' or '?'
 * (the simulator: anything outside printable ASCII), so those stand for any such character.
 */
function begins(part: string, excerpt: string): boolean {
  const p = [...part];
  const e = [...excerpt];
  if (e.length > p.length) return false;
  return e.every((c, i) => c === p[i] || ((c === '.' || c === '?') && !/^[\x20-\x7e]$/.test(p[i]!)));
}

export interface ReceiptOutcome {
  status: Extract<SmsStatus, 'delivered' | 'failed' | 'expired' | 'rejected'>;
  reason?: string;
}

/** What the receipts found to be `m`'s say of it; undefined while they do not decide it (interim, or parts missing). */
export function outcomeOf(m: Pick<SmsMessage, 'to' | 'text' | 'encoding' | 'mail'>, receipts: readonly KeptReceipt[], heldSince: string): ReceiptOutcome | undefined {
  const parts = splitSegments(m.text, m.encoding).length;
  const delivered = new Set<number>();
  for (const r of receipts) {
    const part = receiptFits(r, m, heldSince);
    const where = parts > 1 && part !== undefined && part >= 0 ? `part ${part + 1} of ${parts}: ` : '';
    if (r.status === 'failed' || r.status === 'expired' || r.status === 'rejected') return { status: r.status, ...(r.reason ? { reason: `${where}${r.reason}` } : {}) };
    if (r.status === 'delivered') delivered.add(parts === 1 ? 0 : part ?? -1);
  }
  for (let i = 0; i < parts; i++) if (!delivered.has(i)) return undefined;
  return { status: 'delivered' };
}
