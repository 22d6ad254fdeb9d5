import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../../src/connectors/http/retry-after.js';

const R = suite('http :: Retry-After');
const now = new Date('2025-03-01T12:00:00Z');

const cases: Array<[name: string, value: string | null, ms: number | undefined]> = [
  ['delay-seconds', '120', 120_000],
  ['an HTTP date', 'Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
  ['a day (a daily quota used up) is believed for an hour', '86400', MAX_RETRY_AFTER_MS],
  ['a date in the past: nothing to wait for', 'Sat, 01 Mar 2025 11:59:00 GMT', undefined],
  ['zero', '0', undefined],
  ['absent', null, undefined],
  ['not a number or a date', 'soon', undefined],
  ['negative', '-5', undefined],
];
for (const [name, value, ms] of cases) R(`http :: Retry-After :: ${name}`, () => assert.is(retryAfterMs(value, now), ms));

R.run();
