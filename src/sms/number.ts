/**
 * Reads the local part of `<number>@<sms-domain>` as a phone number.
 *
 * Accepted forms: `+4915112345678`, `004915112345678`, bare digits read as an
 * international MSISDN (`4915112345678`, the aggregators' convention) and
 * national numbers with a trunk `0` (`015112345678`) read in the default
 * country. Visual separators `- . ( ) /` are dropped.
 *
 * Bare digits without a leading 0 are ambiguous where national numbers have
 * no trunk prefix (Italian mobiles `3…`, all US numbers): `3123456789` could
 * be +31 23456789 or, with default country IT, +39 312 345 6789. We read them
 * as international first, because that is what aggregators and most senders
 * mean; only if that reading is invalid and the national one is valid do we
 * take the national one. Both readings can be valid (`2015550123` is a valid
 * Egyptian number as well as a US one): then the international reading wins,
 * so users in such countries should write `+` or `00`. When neither is, the
 * refusal gives both reasons (see neitherReading).
 *
 * Validity is libphonenumber's (full metadata): a number must fall in an
 * assigned range, which also rules out ranges reserved for drama such as UK
 * 07700 900xxx. The number type is reported, not judged: whether a fixed-line
 * or premium-rate number may receive SMS is policy, decided elsewhere.
 */
import {
  getCountryCallingCode,
  ParseError,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/max/metadata';
import type { CountryCode, NumberResult, NumberType } from './types.js';

/** E.164: country code and national number together have at most 15 digits. */
const E164_MAX_DIGITS = 15;
const SEPARATORS = /[-.()/]/g;

type Reading = { ok: true; phone: PhoneNumber } | { ok: false; reason: string };

export function parseRecipientNumber(localPart: string, defaultCountry: CountryCode): NumberResult {
  const fail = (reason: string): NumberResult => ({ ok: false, input: localPart, reason });
  const cleaned = localPart.replace(SEPARATORS, '');
  const syntaxProblem = checkSyntax(cleaned);
  if (syntaxProblem) return fail(syntaxProblem);

  let reading: Reading;
  if (cleaned.startsWith('+')) reading = readInternational(cleaned.slice(1));
  else if (cleaned.startsWith('00')) reading = readInternational(cleaned.slice(2));
  else if (cleaned.startsWith('0')) reading = readNational(cleaned, defaultCountry);
  else {
    reading = readInternational(cleaned);
    if (!reading.ok) {
      const national = readNational(cleaned, defaultCountry);
      if (national.ok) reading = national;
      // More digits than any number has: nothing to say of a national reading.
      else if (cleaned.length <= E164_MAX_DIGITS) reading = { ok: false, reason: neitherReading(reading.reason, national.reason) };
    }
  }
  if (!reading.ok) return fail(reading.reason);
  const { phone } = reading;
  return { ok: true, e164: phone.number, country: phone.country, type: phone.getType() };
}

/**
 * A number as people and programs write it outside a mail address, spaces
 * included (`+49 151 1234 0010`, `0151 / 1234 5678`, `(0151) 12345678`):
 * the REST API, the command line, a handset's number. Spaces are separators
 * like the others; in a mail address they come only quoted, and
 * quoted-number.ts takes them out of the RCPT line before it is read.
 */
export function parseWrittenNumber(text: string, defaultCountry: CountryCode): NumberResult {
  return parseRecipientNumber(text.replace(/\s+/g, ''), defaultCountry);
}

/**
 * Why bare digits are no number in either reading: both reasons, as the
 * sender cannot know which reading failed. With the international one
 * alone, "12345605" was refused as too short for the United States, read in
 * a German account (review 4b, F8).
 */
function neitherReading(international: string, national: string): string {
  return `read as international, ${international}; read as national, ${national}`;
}

/** ISO 3166 country of an E.164 number by the number plan; undefined for non-geographic ranges (+882…) or unreadable input. */
export function countryOf(e164: string): CountryCode | undefined {
  try {
    return parsePhoneNumberWithError(e164).country;
  } catch {
    return undefined;
  }
}

/** For messages and policy: `is ${describeNumberType(t)}` → "is a fixed-line number". */
export function describeNumberType(type: NumberType | undefined): string {
  return type === undefined ? 'a number of unknown type' : TYPE_DESCRIPTIONS[type];
}

const TYPE_DESCRIPTIONS: Record<NumberType, string> = {
  MOBILE: 'a mobile number',
  FIXED_LINE: 'a fixed-line number',
  FIXED_LINE_OR_MOBILE: 'a fixed-line or mobile number',
  PREMIUM_RATE: 'a premium-rate number',
  TOLL_FREE: 'a toll-free number',
  SHARED_COST: 'a shared-cost number',
  VOIP: 'a VoIP number',
  PERSONAL_NUMBER: 'a personal number',
  PAGER: 'a pager number',
  UAN: 'a company number (UAN)',
  VOICEMAIL: 'a voicemail number',
};

/**
 * Checked before libphonenumber sees the input, because it is lenient in
 * ways that would send an SMS to the wrong number: it drops trailing letters
 * (`+1800FLOWERS` parses as +1800), strips extensions (`;ext=5`, ` ext 5`)
 * and accepts non-ASCII digits.
 */
function checkSyntax(cleaned: string): string | undefined {
  if (cleaned === '') return 'there is no number before the @';
  if (/\p{L}/u.test(cleaned)) return 'contains letters';
  const stray = /[^+0-9]/u.exec(cleaned) ?? /(?!^)\+/.exec(cleaned);
  if (stray) return `contains "${stray[0]}", which does not belong in a phone number`;
  return undefined;
}

function readInternational(digits: string): Reading {
  if (digits.length > E164_MAX_DIGITS) {
    return { ok: false, reason: `has ${digits.length} digits, more than the ${E164_MAX_DIGITS} an international number can have` };
  }
  if (digits.startsWith('0')) return { ok: false, reason: 'no country code starts with 0' };
  return read(`+${digits}`, undefined, digits);
}

function readNational(digits: string, country: CountryCode): Reading {
  return read(digits, country, digits);
}

function read(text: string, country: CountryCode | undefined, digits: string): Reading {
  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(text, country);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { ok: false, reason: parseErrorReason(error.message, digits, country) };
  }
  if (phone.number.length - 1 > E164_MAX_DIGITS) {
    return { ok: false, reason: `is longer than the ${E164_MAX_DIGITS} digits an international number can have` };
  }
  if (phone.isValid()) return { ok: true, phone };
  return { ok: false, reason: invalidReason(phone) };
}

function parseErrorReason(code: string, digits: string, country: CountryCode | undefined): string {
  const place = country ? where(getCountryCallingCode(country), country) : undefined;
  switch (code) {
    case 'INVALID_COUNTRY':
      return `unknown country code ${digits.slice(0, 3)}`;
    case 'TOO_SHORT':
    case 'NOT_A_NUMBER':
      return place ? `too short for ${place}` : 'too short to be a phone number';
    case 'TOO_LONG':
      return place ? `too long for ${place}` : 'too long to be a phone number';
    default:
      return 'is not a phone number';
  }
}

/** Explains a number libphonenumber could read but does not consider valid. */
function invalidReason(phone: PhoneNumber): string {
  const code = phone.countryCallingCode;
  const place = where(code, phone.country ?? metadata.country_calling_codes[code]?.[0]);
  switch (validatePhoneNumberLength(phone.number)) {
    case 'TOO_SHORT':
      return `too short for ${place}`;
    case 'TOO_LONG':
      return `too long for ${place}`;
    case 'INVALID_LENGTH':
      return `has the wrong number of digits for ${place}`;
    default:
      return `not in any number range in use for ${place}`;
  }
}

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * "country code +49 (Germany)": reads right without knowing which country
 * names take an article. `country` is absent, or '001', for non-geographic
 * codes such as +800.
 */
function where(callingCode: string, country: string | undefined): string {
  const name = country && /^[A-Z]{2}$/.test(country) ? REGION_NAMES.of(country) : undefined;
  return name ? `country code +${callingCode} (${name})` : `country code +${callingCode}`;
}
