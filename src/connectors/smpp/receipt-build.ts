/**
 * Delivery receipts as an SMSC sends them (SMPP 3.4 Appendix B and the
 * TLVs of §5.3.2), for the simulator: the counterpart of receipt.ts.
 */
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
}

/** `YYMMDDhhmm` in UTC, the 10-digit form of the receipt dates. */
export function receiptDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return [date.getUTCFullYear() % 100, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()]
    .map(two)
    .join('');
}

export function receiptText(r: ReceiptTextInput): string {
  const delivered = r.stat === 'DELIVRD';
  // The text: field is informative only; anything outside printable ASCII
  // would need a coding the receiver might read differently.
  // Cut before spreading: 40 UTF-16 units hold at least 20 characters, and texts run to thousands.
  const excerpt = [...r.text.slice(0, 40)].slice(0, 20).map((c) => (/^[\x20-\x7e]$/.test(c) ? c : '.')).join('');
  return [
    `id:${r.id}`, 'sub:001', `dlvrd:${delivered ? '001' : '000'}`,
    `submit date:${receiptDate(r.submitted)}`, `done date:${receiptDate(r.done)}`,
    `stat:${r.stat}`, `err:${delivered ? '000' : '001'}`, `text:${excerpt}`,
  ].join(' ');
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
