/**
 * A deliver_sm as read from its octets (submit-pdu.ts) → the receipt
 * parser's input: the text decoded by its data_coding, the TLVs by tag.
 */
import { parseDeliveryReceipt, ESM_CLASS_DELIVERY_RECEIPT, type ParsedReceipt, type ReceiptPdu } from './receipt.js';
import { decodeText, type RawSubmit } from './submit-pdu.js';

const TLV_RECEIPTED_MESSAGE_ID = 0x001e;
const TLV_MESSAGE_STATE = 0x0427;
const TLV_NETWORK_ERROR_CODE = 0x0423;

export type DeliverSmMeaning = { kind: 'receipt'; receipt: ParsedReceipt } | { kind: 'other'; reason: string };

export function receiptOf(sm: RawSubmit): DeliverSmMeaning {
  if ((sm.esmClass & ESM_CLASS_DELIVERY_RECEIPT) === 0) {
    // Replies from handsets (mobile-originated SMS) are not handled yet.
    return { kind: 'other', reason: `not a delivery receipt (esm_class 0x${sm.esmClass.toString(16)}, from ${sm.source.addr})` };
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
  const receipt = parseDeliveryReceipt(pdu);
  if (!receipt) return { kind: 'other', reason: `delivery receipt without a usable id or state: ${JSON.stringify(pdu.short_message)}` };
  return { kind: 'receipt', receipt };
}
