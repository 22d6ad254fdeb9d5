/**
 * Delivery receipts as an SMSC sends them (SMPP 3.4 Appendix B and the
 * TLVs of §5.3.2), for the simulator: the counterpart of receipt.ts.
 */
import { wallTimeIn } from '../../mail/dates.js';

export type ReceiptStat = 'DELIVRD' | 'UNDELIV';

/** message_state TLV value for each stat we send. */
export const MESSAGE_STATE: Record<ReceiptStat, number> = { DELIVRD: 2, UNDELIV: 5 };

export interface ReceiptTextInput {
  id: string;
  stat: ReceiptStat;
  submitted: Date;
  done: Date;
  /** Start of the original text; only the first 20 characters are kept. */
  text: string;
  /** The IANA zone of the SMSC's clock, which writes the dates; UTC when absent. */
  timeZone?: string;
}

/** `YYMMDDhhmm` on a clock in `timeZone` (UTC when absent), the 10-digit form of the receipt dates. */
export function receiptDate(date: Date, timeZone?: string): string {
  if (timeZone && timeZone !== 'UTC') {
    const w = wallTimeIn(date, timeZone);
    return two(w.year % 100) + two(w.month) + two(w.day) + two(w.hour) + two(w.minute);
  }
  return two(date.getUTCFullYear() % 100) + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) + two(date.getUTCMinutes());
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Built per receipt by the simulator (two per two-part SMS in the benchmark): plain concatenation, no arrays or regexes per character. */
export function receiptText(r: ReceiptTextInput): string {
  const delivered = r.stat === 'DELIVRD';
  const submitted = receiptDate(r.submitted, r.timeZone);
  const done = r.done.getTime() === r.submitted.getTime() ? submitted : receiptDate(r.done, r.timeZone);
  return `id:${r.id} sub:001 dlvrd:${delivered ? '001' : '000'} submit date:${submitted} done date:${done}`
    + ` stat:${r.stat} err:${delivered ? '000' : '001'} text:${excerpt(r.text)}`;
}

/**
 * The text: field: the first 20 characters, anything outside printable ASCII
 * as '.' (it is informative only, and another coding might be read otherwise
 * by the receiver). A character outside the BMP is one character, one '.'.
 */
function excerpt(text: string): string {
  let out = '';
  let n = 0;
  for (const c of text.length > 40 ? text.slice(0, 40) : text) {
    if (n++ === 20) break;
    const code = c.charCodeAt(0);
    out += code >= 0x20 && code <= 0x7e ? c : '.';
  }
  return out;
}

/**
 * Whether registered_delivery (bits 0–1, SMPP 3.4 §5.2.17) asks for this
 * final receipt: 1 = always, 2 = on failure only, 3 = on success only
 * (SMPP 5.0), 0 = never.
 */
export function wantsReceipt(registeredDelivery: number, stat: ReceiptStat): boolean {
  const mode = registeredDelivery & 0x03;
  if (mode === 1) return true;
  if (mode === 2) return stat !== 'DELIVRD';
  if (mode === 3) return stat === 'DELIVRD';
  return false;
}
