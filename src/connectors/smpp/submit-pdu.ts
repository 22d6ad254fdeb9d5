/**
 * Reading a `submit_sm` from its raw octets (SMPP 3.4 §4.4.1), for the SMSC
 * simulator. The smpp package decodes short_message itself and keeps no
 * copy of the octets; its decoding is lossy (unknown GSM codes become
 * spaces) and depends on a package-wide mutable default. A test peer must
 * report exactly what the bridge sent, so it reads the octets here and
 * decodes them with encode.ts.
 */
import { decodeGsm7Unpacked, decodeUcs2 } from './encode.js';

export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

export interface RawSubmit {
  sequence: number;
  source: SmppAddress;
  destination: SmppAddress;
  esmClass: number;
  priorityFlag: number;
  /** As sent ('' for the SMSC's default): `YYMMDDhhmmsstnnp` absolute or `…R` relative. */
  validityPeriod: string;
  registeredDelivery: number;
  dataCoding: number;
  /** short_message, or the message_payload TLV (0x0424) when that is present. */
  octets: Buffer;
  viaPayload: boolean;
  /** Every TLV by tag, raw (receipts carry receipted_message_id, message_state, network_error_code). */
  tlvs: Map<number, Buffer>;
}

export interface ConcatInfo {
  ref: number;
  refBits: 8 | 16;
  total: number;
  seq: number;
}

export const ESM_CLASS_UDHI = 0x40;
const TLV_MESSAGE_PAYLOAD = 0x0424;
const HEADER_OCTETS = 16;

/** Sequential reader over one PDU; throws RangeError when a field runs past the end. */
class Cursor {
  constructor(private readonly buf: Buffer, public offset: number) {}

  u8(): number {
    if (this.offset >= this.buf.length) throw new RangeError('PDU truncated');
    return this.buf[this.offset++]!;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw new RangeError('unterminated C-octet string');
    const value = this.buf.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  octets(length: number): Buffer {
    if (this.offset + length > this.buf.length) throw new RangeError('PDU truncated');
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  address(): SmppAddress {
    const ton = this.u8();
    const npi = this.u8();
    return { ton, npi, addr: this.cstring() };
  }
}

/** Fields of a whole submit_sm PDU (header included). Throws RangeError on a malformed one. */
export function readSubmitSm(pdu: Buffer): RawSubmit {
  return readShortMessagePdu(pdu, 0x00000004, 'submit_sm');
}

/**
 * deliver_sm has the same body as submit_sm (SMPP 3.4 §4.6.1). Read from the
 * octets rather than through the smpp package, whose decoding of
 * short_message is lossy and sets a global when message_payload is present.
 */
export function readDeliverSm(pdu: Buffer): RawSubmit {
  return readShortMessagePdu(pdu, 0x00000005, 'deliver_sm');
}

function readShortMessagePdu(pdu: Buffer, commandId: number, what: string): RawSubmit {
  if (pdu.length < HEADER_OCTETS || pdu.readUInt32BE(4) !== commandId) throw new RangeError(`not a ${what}`);
  const at = new Cursor(pdu, HEADER_OCTETS);
  at.cstring(); // service_type
  const source = at.address();
  const destination = at.address();
  const esmClass = at.u8();
  at.u8(); // protocol_id
  const priorityFlag = at.u8();
  at.cstring(); // schedule_delivery_time
  const validityPeriod = at.cstring();
  const registeredDelivery = at.u8();
  at.u8(); // replace_if_present_flag
  const dataCoding = at.u8();
  at.u8(); // sm_default_msg_id
  const shortMessage = at.octets(at.u8());
  const tlvs = readTlvs(pdu, at.offset);
  const payload = tlvs.get(TLV_MESSAGE_PAYLOAD);
  return {
    sequence: pdu.readUInt32BE(12),
    source, destination, esmClass, priorityFlag, validityPeriod, registeredDelivery, dataCoding,
    octets: payload ?? shortMessage,
    viaPayload: payload !== undefined,
    tlvs,
  };
}

function readTlvs(pdu: Buffer, offset: number): Map<number, Buffer> {
  const tlvs = new Map<number, Buffer>();
  while (offset + 4 <= pdu.length) {
    const tag = pdu.readUInt16BE(offset);
    const length = pdu.readUInt16BE(offset + 2);
    if (offset + 4 + length > pdu.length) throw new RangeError(`TLV 0x${tag.toString(16)} runs past the PDU`);
    tlvs.set(tag, pdu.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return tlvs;
}

/**
 * The user data header (when esm_class has UDHI) and the text octets after
 * it. Only the concatenation elements (IEI 0x00, 0x08) are interpreted; other
 * elements are skipped, as a handset would.
 */
export function splitUdh(octets: Buffer, esmClass: number): { udh: Buffer; payload: Buffer; concat?: ConcatInfo } {
  if ((esmClass & ESM_CLASS_UDHI) === 0 || octets.length === 0) return { udh: Buffer.alloc(0), payload: octets };
  const udhLength = octets[0]! + 1;
  if (udhLength > octets.length) throw new RangeError('UDH longer than the message');
  const udh = octets.subarray(0, udhLength);
  const concat = concatElement(udh);
  const split = { udh, payload: octets.subarray(udhLength) };
  return concat ? { ...split, concat } : split;
}

function concatElement(udh: Buffer): ConcatInfo | undefined {
  for (let i = 1; i + 1 < udh.length; i += 2 + udh[i + 1]!) {
    const [iei, length] = [udh[i]!, udh[i + 1]!];
    const value = udh.subarray(i + 2, i + 2 + length);
    if (iei === 0x00 && length === 3) return { ref: value[0]!, refBits: 8, total: value[1]!, seq: value[2]! };
    if (iei === 0x08 && length === 4) return { ref: value.readUInt16BE(0), refBits: 16, total: value[2]!, seq: value[3]! };
  }
  return undefined;
}

/**
 * Text of `octets` for the data codings the bridge may use; undefined for
 * binary and codings we do not read. data_coding 1 (IA5) is read as ASCII:
 * if GSM octets arrive labelled 1 (the smpp package's default), the record
 * shows it rather than hiding it.
 */
export function decodeText(dataCoding: number, octets: Buffer): string | undefined {
  switch (alphabetOf(dataCoding)) {
    case 0: return decodeGsm7Unpacked(octets);
    case 1: return octets.toString('ascii');
    case 3: return octets.toString('latin1');
    case 8: return decodeUcs2(octets);
    default: return undefined;
  }
}

/** The SMPP data_coding value of the alphabet behind a GSM 03.38 message-class coding (0x10–0x1F, 0xF0–0xFF); others as they are. */
function alphabetOf(dataCoding: number): number {
  if (dataCoding >= 0xf0) return dataCoding & 0x04 ? 4 : 0;
  if (dataCoding >= 0x10 && dataCoding <= 0x1f) return [0, 4, 8, -1][(dataCoding >> 2) & 0x03]!;
  return dataCoding;
}
