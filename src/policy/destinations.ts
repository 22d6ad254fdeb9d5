import { errors, type SmtpError } from '../smtp/errors.js';
import { describeNumberType } from '../sms/number.js';
import type { NumberType } from '../sms/types.js';
import type { Limits } from './limits.js';

/**
 * Where an account may send: the country of the number and its type. Pure.
 * Refusing premium-rate, shared-cost and other non-mobile types and foreign
 * countries by default is what stops SMS pumping (fraudsters who make a
 * gateway send to numbers whose termination fees they share).
 */
export interface Destination {
  e164: string;
  /** ISO 3166 country by the number plan; undefined for non-geographic ranges (+800, +882...). */
  country?: string;
  type?: NumberType;
}

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });

export function destinationRefusal(d: Destination, limits: Pick<Limits, 'countries' | 'numberTypes'>, account: string): SmtpError | undefined {
  if (!limits.countries.includes('*') && !(d.country && limits.countries.includes(d.country))) {
    return errors.CountryNotAllowed(d.e164, countryName(d.country), account, limits.countries.map(countryName).join(', '));
  }
  if (!(limits.numberTypes as readonly string[]).includes(d.type ?? 'UNKNOWN')) {
    return errors.NumberTypeNotAllowed(d.e164, describeNumberType(d.type));
  }
  return undefined;
}

function countryName(code: string | undefined): string {
  if (!code || !/^[A-Z]{2}$/.test(code)) return 'no country (a non-geographic range)';
  return `${REGIONS.of(code) ?? code} (${code})`;
}
