import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { describeNumberType, parseRecipientNumber } from '../../src/sms/number.js';
import type { CountryCode, NumberType } from '../../src/sms/types.js';

type Valid = [name: string, input: string, defaultCountry: CountryCode, e164: string, type: NumberType, country: CountryCode];
type Invalid = [name: string, input: string, country: CountryCode, reason: RegExp];

const valid: Valid[] = [
  ['German mobile with +', '+4915112345678', 'DE', '+4915112345678', 'MOBILE', 'DE'],
  ['German mobile with 00', '004915112345678', 'DE', '+4915112345678', 'MOBILE', 'DE'],
  ['German mobile as bare MSISDN', '4915112345678', 'DE', '+4915112345678', 'MOBILE', 'DE'],
  ['German mobile national with trunk 0', '015112345678', 'DE', '+4915112345678', 'MOBILE', 'DE'],
  ['national number is read in the default country', '0612345678', 'FR', '+33612345678', 'MOBILE', 'FR'],
  ['separators - . ( ) / are ignored', '(0151)-1234.56/78', 'DE', '+4915112345678', 'MOBILE', 'DE'],
  ['separators in international form', '+49-151-1234-5678', 'FR', '+4915112345678', 'MOBILE', 'DE'],
  ['German fixed line is reported, not rejected', '+49301234567', 'DE', '+49301234567', 'FIXED_LINE', 'DE'],
  ['German 0900 premium rate', '09001234567', 'DE', '+499001234567', 'PREMIUM_RATE', 'DE'],
  ['German 0800 toll free', '+498001234567', 'DE', '+498001234567', 'TOLL_FREE', 'DE'],
  ['German 0180 shared cost', '+4918012345678', 'DE', '+4918012345678', 'SHARED_COST', 'DE'],
  ['US number is fixed line or mobile', '+12025550123', 'DE', '+12025550123', 'FIXED_LINE_OR_MOBILE', 'US'],
  ['Italian fixed line keeps its leading 0', '0612345678', 'IT', '+390612345678', 'FIXED_LINE', 'IT'],
  // International reading +31 23456789 is invalid, so the national IT reading is taken.
  ['default IT :: bare 3123456789 falls back to an Italian mobile', '3123456789', 'IT', '+393123456789', 'MOBILE', 'IT'],
  ['default IT :: bare 393123456789 is read as international', '393123456789', 'IT', '+393123456789', 'MOBILE', 'IT'],
  // Both readings valid: the international one wins, as documented in number.ts.
  ['default IT :: bare 3546862484 is read as Iceland, not as an Italian mobile', '3546862484', 'IT', '+3546862484', 'MOBILE', 'IS'],
  ['default US :: bare 2025550123 falls back to a US number', '2025550123', 'US', '+12025550123', 'FIXED_LINE_OR_MOBILE', 'US'],
  ['default US :: bare 2015550123 is read as Egypt, not as a US number', '2015550123', 'US', '+2015550123', 'FIXED_LINE', 'EG'],
  ['default US :: bare 12025550123 is read as international', '12025550123', 'US', '+12025550123', 'FIXED_LINE_OR_MOBILE', 'US'],
  ['default DE :: bare national number without trunk 0 falls back to German', '15112345678', 'DE', '+4915112345678', 'MOBILE', 'DE'],
];

const invalid: Invalid[] = [
  ['+49123 is too short', '+49123', 'DE', /^too short for country code \+49 \(Germany\)$/],
  ['UK drama range 07700 900xxx', '+447700900123', 'DE', /^not in any number range in use for country code \+44 \(United Kingdom\)$/],
  ['UK drama range as national number', '07700900123', 'GB', /number range.*\+44/],
  ['unknown country code', '+999123456789', 'DE', /^unknown country code 999$/],
  ['letters', '+1800FLOWERS', 'US', /^contains letters$/],
  ['letters after digits, which libphonenumber would drop', '4915112345678abc', 'DE', /^contains letters$/],
  ['extension syntax', '+4915112345678;5', 'DE', /^contains ";"/],
  ['a second +', '+49+15112345678', 'DE', /^contains "\+"/],
  ['non-ASCII digits', '+４９15112345678', 'DE', /^contains "４"/],
  ['16 digits with +', '+4915112345678901', 'DE', /^has 16 digits, more than the 15/],
  ['16 bare digits', '4915112345678901', 'DE', /^has 16 digits, more than the 15/],
  ['00 followed by a 0', '00015112345678', 'DE', /^no country code starts with 0$/],
  ['empty local part', '', 'DE', /no number/],
  ['only separators', '--', 'DE', /no number/],
  ['national number too short', '0151', 'DE', /\+49 \(Germany\)/],
  // Neither reading is valid: both reasons (review 4b F8: "12345605" was refused as too short for the United States, in Germany).
  ['default US :: 9 digits valid in neither reading', '202555012', 'US', /^read as international, too short for country code \+20 \(Egypt\); read as national, too short for country code \+1 \(United States\)$/],
  ['default DE :: 8 bare digits valid in neither reading', '12345605', 'DE',
    /^read as international, too short for country code \+1 \(United States\); read as national, not in any number range in use for country code \+49 \(Germany\)$/],
];

const number = suite('number');

for (const [name, input, defaultCountry, e164, type, country] of valid) {
  number(`number :: ${name} :: ${e164} ${type}`, () => {
    assert.equal(parseRecipientNumber(input, defaultCountry), { ok: true, e164, country, type });
  });
}

for (const [name, input, country, reason] of invalid) {
  number(`number :: ${name} :: invalid`, () => {
    const result = parseRecipientNumber(input, country);
    if (result.ok) assert.unreachable(`accepted as ${result.e164}`);
    else {
      assert.is(result.input, input);
      assert.match(result.reason, reason);
    }
  });
}

number('number :: country of a valid number is reported', () => {
  const result = parseRecipientNumber('+41791234567', 'DE');
  assert.equal(result, { ok: true, e164: '+41791234567', country: 'CH', type: 'MOBILE' });
});

number('number :: non-geographic number has no country', () => {
  const result = parseRecipientNumber('+80012345678', 'DE');
  assert.equal(result, { ok: true, e164: '+80012345678', country: undefined, type: 'TOLL_FREE' });
});

number('number :: describeNumberType reads as a predicate', () => {
  assert.is(`is ${describeNumberType('FIXED_LINE')}`, 'is a fixed-line number');
  assert.is(describeNumberType('PREMIUM_RATE'), 'a premium-rate number');
  assert.is(describeNumberType(undefined), 'a number of unknown type');
});

number.run();
