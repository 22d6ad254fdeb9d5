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
 * (GSM 03.38 class group 1111, default alphabet: what Kannel sends for
 * mclass 0) or, for SMSCs that want the general group, 0x10 (00x1: class
 * present, default alphabet, class 0) — flashGsmDataCoding per connector;
 * in UCS-2 it goes as 0x18 (general group, UCS-2, class 0: the class group
 * has no UCS-2). Latin-1 has no class form, so a flash GSM text goes as
 * GSM-7 whatever gsmDataCoding says.
 *
 * The SMS's validity goes as validity_period in the form the connector
 * chose (smpp-time.ts).
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
import { validityPeriod, type ValidityForm } from './smpp-time.js';

export type LongMessages = 'udh8' | 'udh16' | 'payload';

/**
 * Octets of the concatenation UDH in each part of a long SMS sent with
 * `longMessages`: 6 with an 8-bit reference (153 septets / 67 units a part),
 * 7 with a 16-bit one (152 / 66). With payload the SMSC cuts the text
 * itself; SMSCs, like the aggregators behind them, cut parts of 153 / 67, so
 * those are counted.
 */
export function udhOctetsOf(longMessages: LongMessages): number {
  return longMessages === 'udh16' ? 7 : 6;
}

export interface PlanOptions {
  gsmDataCoding: 0 | 3;
  longMessages: LongMessages;
  registeredDelivery: number;
  serviceType: string;
  /** Used when the SMS names no sender; '' leaves it to the SMSC. */
  defaultSender: string;
  /** data_coding of a flash GSM-7 text: the class group's 0xF0 or the general group's 0x10. */
  flashGsmDataCoding: FlashGsmDataCoding;
  validity: ValidityForm;
  /** priority_flag of an express SMS (0: none). */
  expressPriorityFlag: number;
}

export type FlashGsmDataCoding = '0xF0' | '0x10';
export const FLASH_GSM_DATA_CODINGS: readonly FlashGsmDataCoding[] = ['0xF0', '0x10'];

export interface Plan {
  pdus: SubmitSm[];
  dataCoding: number;
  /** The concatenation reference, when the SMS went as UDH parts (the caller releases it). */
  ref?: number;
}

/**
 * Throws RangeError when the SMS cannot be sent as given (bad sender, more
 * than 255 parts): a permanent failure. `now` counts a relative validity.
 */
export function planSubmit(sms: OutboundSms, opts: PlanOptions, nextRef: () => number, now: Date): Plan {
  const flash = sms.flash === true ? FLASH_DATA_CODING[opts.flashGsmDataCoding === '0x10' ? 'GSM7_GENERAL' : 'GSM7'] : undefined;
  const coding = chooseCoding(sms.text, sms.encoding, opts.gsmDataCoding, flash);
  const validity = validityPeriod(sms.expiresAt, opts.validity, now);
  const base = {
    serviceType: opts.serviceType,
    source: senderAddress(sms.sender || opts.defaultSender),
    destination: destinationAddress(sms.to),
    registeredDelivery: opts.registeredDelivery,
    dataCoding: coding.dataCoding,
    ...(validity ? { validityPeriod: validity } : {}),
    ...(sms.priority === 'express' && opts.expressPriorityFlag ? { priorityFlag: opts.expressPriorityFlag } : {}),
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

/** data_coding of a flash SMS (message class 0), by the alphabet its text goes in (and, for GSM-7, the coding group). */
export const FLASH_DATA_CODING = { GSM7: 0xf0, GSM7_GENERAL: 0x10, UCS2: 0x18 } as const;

/** `flashGsm`: the data_coding of a flash GSM-7 text (undefined: not a flash SMS). */
export function chooseCoding(text: string, encoding: SmsEncoding, gsmDataCoding: 0 | 3, flashGsm?: number): Coding {
  const flash = flashGsm !== undefined;
  const ucs2: Coding = { dataCoding: flash ? FLASH_DATA_CODING.UCS2 : 8, split: 'UCS2', encode: encodeUcs2 };
  // The caller's encoding is a promise about the text; check it rather than throw mid-send.
  if (encoding === 'UCS2' || !isGsm7(text)) return ucs2;
  if (flash) return { dataCoding: flashGsm, split: 'GSM7', encode: encodeGsm7Unpacked };
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
