/**
 * Plain data produced by the SMS core (numbers, encoding, segments).
 * The store owns `SmsEncoding`; it is re-used here so a draft's analysis can
 * be persisted as it is.
 */
import type { CountryCode, PhoneNumberType } from 'libphonenumber-js/max';
import type { SmsEncoding } from '../store/types.js';

export type { CountryCode, SmsEncoding };

/** libphonenumber's classification of a valid number (MOBILE, FIXED_LINE, PREMIUM_RATE, ...). */
export type NumberType = PhoneNumberType;

export type NumberResult =
  | { ok: true; e164: string; country?: CountryCode; type?: NumberType }
  | {
      ok: false;
      /** The local part exactly as the client wrote it. */
      input: string;
      /** Short English sentence for `553 5.1.3 "<input>" is not a valid mobile number: <reason>`. */
      reason: string;
    };

/** One kind of character that transliteration replaced, or that was removed as invisible (`to` ''), and how often. */
export interface Replacement {
  from: string;
  to: string;
  count: number;
}

export interface SmsText {
  /** The text as it will go out (invisible characters removed; transliterated if asked for and that makes it GSM-7). */
  text: string;
  encoding: SmsEncoding;
  /** Characters as the sender counts them (an emoji or € is one). */
  characters: number;
  /** Septets for GSM7 (extension characters count 2), UTF-16 code units for UCS2. */
  units: number;
  /** 0 for an empty text: there is nothing to send (see segments.ts). */
  segments: number;
  /** Capacity of each part: 160 septets or 70 units in one SMS; in a long one 153 or 67 behind a 6-octet UDH, 152 or 66 behind a 7-octet one. */
  perSegment: number;
  /** Characters that force UCS-2: with transliteration on, those it cannot replace (the replaceable ones then stay as written); empty for GSM7. */
  nonGsm: string[];
  replaced: Replacement[];
}
