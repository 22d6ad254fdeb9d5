/**
 * A deliver_sm as read from its octets (submit-pdu.ts) → the receipt
 * parser's input: the text decoded by its data_coding, the TLVs by tag.
 */
import { parseDeliveryReceipt, ESM_CLASS_DELIVERY_RECEIPT, type ParsedReceipt, type ReceiptOptions, type ReceiptPdu } from './receipt.js';
import { decodeText, type RawSubmit } from './submit-pdu.js';

const TLV_RECEIPTED_MESSAGE_ID = 0x001e;
const TLV_MESSAGE_STATE = 0x0427;
const TLV_NETWORK_ERROR_CODE = 0x0423;

/**
 * What a receipt says of its SMS besides the id: the handset's number (its source_addr, E.164 for TON 1) and the
 * `text:` excerpt (the first characters of the short message, SMPP 3.4 Appendix B) in each reading its coding allows.
 * A bridge that never saw the id can still recognise the SMS by them (dispatch/restore-receipts.ts).
 */
export interface ReceiptEvidence {
  handset?: string;
  excerpt?: string[];
}

export type DeliverSmMeaning =
  | { kind: 'receipt'; receipt: ParsedReceipt; evidence?: ReceiptEvidence }
  /** A reply from a handset (mobile-originated): `from` (and `to`) in E.164 when its TON says international. */
  | { kind: 'mo'; from: string; to: string; text: string }
  | { kind: 'other'; reason: string };

/** esm_class bits 2–5: the message type; 0 is a plain SMS (SMPP 3.4 §5.2.12). */
const ESM_CLASS_TYPE_MASK = 0x3c;
const ESM_CLASS_UDHI = 0x40;

/** `opts`: how the connector's SMSC writes its receipts (the zone of its dates). */
export function receiptOf(sm: RawSubmit, opts: ReceiptOptions = {}): DeliverSmMeaning {
  if ((sm.esmClass & ESM_CLASS_DELIVERY_RECEIPT) === 0) {
    if ((sm.esmClass & ESM_CLASS_TYPE_MASK) !== 0) return { kind: 'other', reason: `neither a receipt nor an SMS (esm_class 0x${sm.esmClass.toString(16)}, from ${sm.source.addr})` };
    return moOf(sm);
  }
  // Receipt texts are ASCII whatever data_coding says (0 usually): read as GSM 03.38, an id's '_' or '@' would change.
  const text = sm.dataCoding === 8 ? decodeText(8, sm.octets)! : sm.octets.toString('latin1');
  const pdu: ReceiptPdu = { esm_class: sm.esmClass, short_message: text };
  const id = sm.tlvs.get(TLV_RECEIPTED_MESSAGE_ID);
  if (id) pdu.receipted_message_id = id.toString('latin1').replace(/\0+$/, '');
  const state = sm.tlvs.get(TLV_MESSAGE_STATE);
  if (state?.length === 1) pdu.message_state = state[0]!;
  const network = sm.tlvs.get(TLV_NETWORK_ERROR_CODE);
  if (network) pdu.network_error_code = network;
  const receipt = parseDeliveryReceipt(pdu, opts);
  if (!receipt) return { kind: 'other', reason: `delivery receipt without a usable id or state: ${JSON.stringify(pdu.short_message)}` };
  return { kind: 'receipt', receipt, evidence: evidenceOf(sm, text) };
}

/**
 * The handset and the excerpt. The text was read as latin1 to keep the id's characters; the excerpt is the SMS's own
 * text, which an SMSC writes in its default alphabet (GSM 03.38) under data_coding 0: both readings are kept.
 */
function evidenceOf(sm: RawSubmit, text: string): ReceiptEvidence {
  const evidence: ReceiptEvidence = {};
  if (sm.source.addr) evidence.handset = numberOf(sm.source);
  const at = /(?:^|\s)text:/i.exec(text);
  if (!at) return evidence;
  const from = at.index + at[0].length;
  const readings = [text.slice(from)];
  if (sm.dataCoding !== 8) {
    const gsm = decodeText(sm.dataCoding === 0 ? 0 : -1, sm.octets.subarray(from));
    if (gsm !== undefined && gsm !== readings[0]) readings.push(gsm);
  }
  evidence.excerpt = readings;
  return evidence;
}

/** A handset's SMS: its text without a user data header (a keyword reply fits one part; each part of a longer one is read alone). */
function moOf(sm: RawSubmit): DeliverSmMeaning {
  let octets = sm.octets;
  if (sm.esmClass & ESM_CLASS_UDHI && octets.length > 0) octets = octets.subarray(1 + octets[0]!);
  const text = decodeText(sm.dataCoding, octets);
  if (text === undefined) return { kind: 'other', reason: `SMS from ${sm.source.addr} in data_coding 0x${sm.dataCoding.toString(16)}, which is not text` };
  // What it was sent to gets the same reading: the opt-out list compares it with our senders (policy/optout-scope.ts).
  return { kind: 'mo', from: numberOf(sm.source), to: numberOf(sm.destination), text };
}

/** TON 1 (international) or a number written with 00 or + → E.164; anything else as it came (policy/inbound.ts reads it in the default country). */
function numberOf(a: RawSubmit['source']): string {
  if (a.ton === 1 && /^[0-9]+$/.test(a.addr)) return `+${a.addr}`;
  if (/^(\+|00)[1-9][0-9]+$/.test(a.addr)) return `+${a.addr.replace(/^(\+|00)/, '')}`;
  return a.addr;
}
