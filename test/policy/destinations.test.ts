import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { destinationRefusal } from '../../src/policy/destinations.js';
import { limitsFor } from '../../src/policy/limits.js';
import type { LimitsConfig } from '../../src/policy/schema.js';
import { buildConfig } from '../../src/config/load.js';
import { parseRecipientNumber } from '../../src/sms/number.js';

const gateway: LimitsConfig = buildConfig({}, 'defaults').limits;
const D = suite('policy destinations');

/** [case, number, the account's own limits, expected refusal (reply text) or undefined]. */
const CASES: Array<[string, string, Partial<LimitsConfig>, RegExp | undefined]> = [
  ['German mobile from a German account :: allowed', '+4915112345678', {}, undefined],
  ['premium-rate (0900) :: refused by type', '+499001234567', {}, /^5\.7\.1 \+499001234567 is a premium-rate number; SMS are only sent to mobile numbers$/],
  ['shared-cost (0180) :: refused', '+491801234567', {}, /is a shared-cost number/],
  ['toll-free (0800) :: refused', '+498001234567', {}, /is a toll-free number/],
  ['fixed line (030) :: refused', '+493012345678', {}, /is a fixed-line number/],
  ['personal number (0700) :: refused', '+4970012345678', {}, /is a personal number/],
  ['French mobile from a German account :: refused by country, naming both', '+33612345678', {},
    /^5\.7\.1 \+33612345678 is a number in France \(FR\); the SMS account "acme" may only send to Germany \(DE\)$/],
  ['French mobile with FR allowed :: allowed', '+33612345678', { countries: ['DE', 'FR'] }, undefined],
  ['UK premium rate with every country allowed :: still refused by type', '+449091234567', { countries: ['*'] }, /premium-rate/],
  ['US number (fixed line or mobile) with US allowed :: allowed', '+12015550123', { countries: ['US'] }, undefined],
  ['US number when only MOBILE is allowed :: refused', '+12015550123', { countries: ['US'], numberTypes: ['MOBILE'] }, /fixed-line or mobile/],
  ['Inmarsat (+870, no country) with DE only :: refused', '+870773111234', {}, /is a number in no country \(a non-geographic range\)/],
  ['Inmarsat with "*" :: allowed (it is MOBILE)', '+870773111234', { countries: ['*'] }, undefined],
  ['fixed line allowed explicitly :: allowed', '+493012345678', { numberTypes: ['MOBILE', 'FIXED_LINE'] }, undefined],
];

for (const [name, number, own, expected] of CASES) {
  D(name, () => {
    const n = parseRecipientNumber(number, 'DE');
    if (!n.ok) throw new Error(`${number} does not parse: ${n.reason}`);
    const refusal = destinationRefusal(n, limitsFor(gateway, own, 'DE'), 'acme');
    if (!expected) return assert.is(refusal, undefined);
    assert.is(refusal?.responseCode, 550);
    assert.match(refusal!.message, expected);
  });
}

D('limits :: empty countries means the account\'s own country, which follows a run-time change of defaultCountry', () => {
  assert.equal(limitsFor(gateway, undefined, 'AT').countries, ['AT']);
  assert.equal(limitsFor(gateway, { countries: ['FR', '*'] }, 'AT').countries, ['*']);
  assert.equal(limitsFor(gateway, { brake: { minOutcomes: 5 } }, 'AT').brake, { ...gateway.brake, minOutcomes: 5 });
});

D.run();
