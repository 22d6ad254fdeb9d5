/**
 * An SMS as the submit_sm PDUs that carry it: pure, so every choice
 * (data coding, UDH or message_payload, addresses) is tested on tables.
 *
 * Data coding: GSM-7 text goes as data_coding 0 (SMSC default alphabet,
 * one septet per octet) or, for SMSCs that want it, as 3 (Latin-1, which
 * the SMSC transcodes to GSM-7 on air, so parts are still cut by GSM-7
 * rules). Text that Latin-1 cannot carry (€, Greek capitals) or that is not
 * GSM-7 at all goes as UCS-2 (8), which keeps surrogate pairs whole.
 * A flash SMS (message class 0: shown at once, not stored) goes as 0xF0
 * (GSM 03.38 class group, default alphabet: what Kannel sends for mclass 0)
 * or, in UCS-2, as 0x18 (general group with class 0); Latin-1 has no
 * class form, so a flash GSM text goes as GSM-7 whatever gsmDataCoding says.
 */
import type { SmsEncoding } from '../../store/types.js';
import { isGsm7 } from '../../sms/gsm7.js';
import { splitSegments } from '../../sms/segments.js';
import type { OutboundSms } from '../types.js';
import { destinationAddress, senderAddress } from './address.js';
import { buildParts, udhFor } from './concat.js';
import { encodeGsm7Unpacked, encodeLatin1, encodeUcs2 } from './encode.js';
import { ESM_CLASS_UDHI } from './submit-pdu.js';
import type { SubmitSm } from './submit-encode.js';

export type LongMessages = 'udh8' | 'udh16' | 'payload';

export interface PlanOptions {
  gsmDataCoding: 0 | 3;
  longMessages: LongMessages;
  registeredDelivery: number;
  serviceType: string;
  /** Used when the SMS names no sender; '' leaves it to the SMSC. */
  defaultSender: string;
}

export interface Plan {
  pdus: SubmitSm[];
  dataCoding: number;
  /** The concatenation reference, when the SMS went as UDH parts (the caller releases it). */
  ref?: number;
}

/** Throws RangeError when the SMS cannot be sent as given (bad sender, more than 255 parts): a permanent failure. */
export function planSubmit(sms: OutboundSms, opts: PlanOptions, nextRef: () => number): Plan {
  const coding = chooseCoding(sms.text, sms.encoding, opts.gsmDataCoding, sms.flash === true);
  const base = {
    serviceType: opts.serviceType,
    source: senderAddress(sms.sender || opts.defaultSender),
    destination: destinationAddress(sms.to),
    registeredDelivery: opts.registeredDelivery,
    dataCoding: coding.dataCoding,
  };
  const single = (octets: Buffer): SubmitSm => ({ ...base, esmClass: 0, shortMessage: octets });
  const texts = splitSegments(sms.text, coding.split, 6);
  if (texts.length <= 1) return { pdus: [single(coding.encode(sms.text))], dataCoding: coding.dataCoding };
  if (opts.longMessages === 'payload') {
    return { pdus: [{ ...base, esmClass: 0, shortMessage: Buffer.alloc(0), messagePayload: coding.encode(sms.text) }], dataCoding: coding.dataCoding };
  }
  const refBits = opts.longMessages === 'udh16' ? 16 : 8;
  const ref = nextRef();
  const parts = coding.dataCoding === 3
    ? latin1Parts(sms.text, ref, refBits)
    : buildParts(sms.text, coding.split, { ref, refBits }).map((p) => p.shortMessage);
  return { pdus: parts.map((octets) => ({ ...base, esmClass: ESM_CLASS_UDHI, shortMessage: octets })), dataCoding: coding.dataCoding, ref };
}

interface Coding {
  dataCoding: number;
  /** Which segment rules cut the text. */
  split: SmsEncoding;
  encode: (text: string) => Buffer;
}

/** data_coding of a flash SMS (message class 0), by the alphabet its text goes in. */
export const FLASH_DATA_CODING = { GSM7: 0xf0, UCS2: 0x18 } as const;

export function chooseCoding(text: string, encoding: SmsEncoding, gsmDataCoding: 0 | 3, flash = false): Coding {
  const ucs2: Coding = { dataCoding: flash ? FLASH_DATA_CODING.UCS2 : 8, split: 'UCS2', encode: encodeUcs2 };
  // The caller's encoding is a promise about the text; check it rather than throw mid-send.
  if (encoding === 'UCS2' || !isGsm7(text)) return ucs2;
  if (flash) return { dataCoding: FLASH_DATA_CODING.GSM7, split: 'GSM7', encode: encodeGsm7Unpacked };
  if (gsmDataCoding === 0) return { dataCoding: 0, split: 'GSM7', encode: encodeGsm7Unpacked };
  if (encodeLatin1(text) === undefined) return ucs2;
  return { dataCoding: 3, split: 'GSM7', encode: (t) => encodeLatin1(t)! };
}

/** Parts cut by GSM-7 rules (what goes on air) and written in Latin-1 (what the SMSC reads). */
function latin1Parts(text: string, ref: number, refBits: 8 | 16): Buffer[] {
  const texts = splitSegments(text, 'GSM7', refBits === 8 ? 6 : 7);
  if (texts.length > 255) throw new RangeError(`text needs ${texts.length} parts; a UDH allows 255`);
  return texts.map((t, i) => Buffer.concat([udhFor({ ref, refBits }, texts.length, i + 1), encodeLatin1(t)!]));
}
