/**
 * submit_sm as octets (SMPP 3.4 §4.4.1), written here rather than by the
 * smpp package: its message filter picks data_coding 1 for ASCII strings,
 * sets a global (`skipUdh`) whenever message_payload is present, and
 * rewrites esm_class; we send exactly the octets encode.ts/concat.ts made.
 * submit-pdu.ts reads the same layout back (tests round-trip through both).
 */
import type { SmppAddress } from './submit-pdu.js';

export interface SubmitSm {
  serviceType: string;
  source: SmppAddress;
  destination: SmppAddress;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  /** UDH (if any) + text octets; empty when messagePayload carries the text. */
  shortMessage: Buffer;
  /** The message_payload TLV (0x0424), for texts sent as one PDU. */
  messagePayload?: Buffer;
  /** SMPP time (`YYMMDDhhmmss000R` relative, or absolute); empty for the SMSC default. */
  validityPeriod?: string;
  /** priority_flag (§5.2.14); 0 when absent. */
  priorityFlag?: number;
}

export const SUBMIT_SM = 0x00000004;
const TLV_MESSAGE_PAYLOAD = 0x0424;
/** Largest short_message the spec allows (sm_length is one octet; §5.2.21 says 254). */
export const MAX_SHORT_MESSAGE = 254;

/** C-octet string with its NUL; `max` counts the NUL, as the spec's field sizes do. */
function cstring(value: string, max: number, field: string): Buffer {
  const octets = Buffer.from(`${value}\0`, 'latin1');
  if (octets.length > max) throw new RangeError(`${field} "${value}" is longer than ${max - 1} characters`);
  if (value.includes('\0')) throw new RangeError(`${field} contains a NUL`);
  return octets;
}

function tlv(tag: number, value: Buffer): Buffer {
  if (value.length > 0xffff) throw new RangeError(`TLV 0x${tag.toString(16)} is longer than 65535 octets`);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** The whole PDU, header included. Throws RangeError on a field that does not fit. */
export function encodeSubmitSm(sm: SubmitSm, sequence: number): Buffer {
  if (sm.shortMessage.length > MAX_SHORT_MESSAGE) throw new RangeError(`short_message of ${sm.shortMessage.length} octets; at most ${MAX_SHORT_MESSAGE}`);
  const u8 = (...values: number[]): Buffer => Buffer.from(values.map((v) => v & 0xff));
  const body = Buffer.concat([
    cstring(sm.serviceType, 6, 'service_type'),
    u8(sm.source.ton, sm.source.npi), cstring(sm.source.addr, 21, 'source_addr'),
    u8(sm.destination.ton, sm.destination.npi), cstring(sm.destination.addr, 21, 'destination_addr'),
    u8(sm.esmClass, 0 /* protocol_id */, sm.priorityFlag ?? 0),
    cstring('', 17, 'schedule_delivery_time'),
    cstring(sm.validityPeriod ?? '', 17, 'validity_period'),
    u8(sm.registeredDelivery, 0 /* replace_if_present_flag */, sm.dataCoding, 0 /* sm_default_msg_id */, sm.shortMessage.length),
    sm.shortMessage,
    sm.messagePayload ? tlv(TLV_MESSAGE_PAYLOAD, sm.messagePayload) : Buffer.alloc(0),
  ]);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(SUBMIT_SM, 4);
  head.writeUInt32BE(0, 8);
  head.writeUInt32BE(sequence, 12);
  return Buffer.concat([head, body]);
}
