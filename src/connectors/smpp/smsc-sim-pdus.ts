/**
 * What the SMSC simulator writes and records, as plain data: the record of
 * a submit_sm as it arrived, and the deliver_sm PDUs of receipts and of a
 * handset's reply. Pure; the simulator (smsc-simulator.ts) sends them.
 */
import type smpp from 'smpp';
import { senderAddress } from './address.js';
import { encodeGsm7Unpacked } from './encode.js';
import { decodeText, splitUdh, type RawSubmit } from './submit-pdu.js';
import { MESSAGE_STATE, type ReceiptStat } from './receipt-build.js';
import type { IdFormat, ReceivedSubmit } from './smsc-sim-types.js';

/** A submit_sm as the simulator keeps it: addresses, flags, the UDH apart and the text decoded; no answer yet. */
export function submitRecord(peer: number, s: RawSubmit): ReceivedSubmit {
  const { udh, payload, concat } = splitUdh(s.octets, s.esmClass);
  const record: ReceivedSubmit = {
    peer, sequence: s.sequence, source: s.source, destination: s.destination, esmClass: s.esmClass, priorityFlag: s.priorityFlag,
    dataCoding: s.dataCoding, validityPeriod: s.validityPeriod, registeredDelivery: s.registeredDelivery, viaPayload: s.viaPayload,
    udh, text: decodeText(s.dataCoding, payload), status: undefined,
  };
  if (concat) record.concat = concat;
  return record;
}

/**
 * The receipt for a submit_sm taken here: it travels back, from the handset
 * to the original sender. With `tlvs`, receipted_message_id and
 * message_state too, and a network error code when it was not delivered.
 */
export function receiptPdu(record: ReceivedSubmit, text: string, stat: ReceiptStat, tlvs: boolean): smpp.Fields {
  const pdu: smpp.Fields = {
    source_addr_ton: record.destination.ton, source_addr_npi: record.destination.npi, source_addr: record.destination.addr,
    dest_addr_ton: record.source.ton, dest_addr_npi: record.source.npi, destination_addr: record.source.addr,
    esm_class: 0x04,
    // Explicit 0 and a Buffer: otherwise the package picks data_coding 1 and its own encoder.
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
  };
  if (tlvs) {
    Object.assign(pdu, { receipted_message_id: record.messageId, message_state: MESSAGE_STATE[stat] });
    if (stat !== 'DELIVRD') pdu['network_error_code'] = Buffer.from([0x03, 0x00, 0x01]);
  }
  return pdu;
}

/** A receipt under an id this side never gave out, from the handset `to` (TON 1). */
export function foreignReceiptPdu(r: { id: string; to: string }, text: string, stat: ReceiptStat, tlvs: boolean): smpp.Fields {
  const pdu: smpp.Fields = {
    source_addr_ton: 1, source_addr_npi: 1, source_addr: r.to.replace(/^\+/, ''), dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '',
    esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
  };
  if (tlvs) Object.assign(pdu, { receipted_message_id: r.id, message_state: MESSAGE_STATE[stat] });
  return pdu;
}

/** A handset's reply: esm_class 0, from its international number (TON 1) to `to`, text in GSM 03.38 unpacked. */
export function moPdu(m: { from: string; to: string; text: string }): smpp.Fields {
  return {
    source_addr_ton: 1, source_addr_npi: 1, source_addr: m.from.replace(/^\+/, ''),
    dest_addr_ton: senderAddress(m.to).ton, dest_addr_npi: senderAddress(m.to).npi, destination_addr: m.to,
    esm_class: 0, data_coding: 0, short_message: encodeGsm7Unpacked(m.text),
  };
}

export function formatId(id: number, format: IdFormat): string {
  return format === 'hex' ? id.toString(16).toUpperCase().padStart(8, '0') : String(id);
}

/** Numbers compare without a leading '+', the form SMPP carries them in. */
export function matches(numbers: string[], destination: string): boolean {
  const plain = (n: string): string => n.replace(/^\+/, '');
  return numbers.some((n) => plain(n) === plain(destination));
}
