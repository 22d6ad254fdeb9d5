import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { backoffSeconds, type Backoff } from '../../src/dispatch/retry.js';

const R = suite('dispatch retry backoff');
const b: Backoff = { baseSeconds: 5, factor: 2, maxSeconds: 600, jitter: 0.2 };
const mid = () => 0.5;

R('backoff :: exponential from base, capped at max (no jitter at the middle of the range)', () => {
  assert.equal([1, 2, 3, 4, 7, 8, 30].map((n) => backoffSeconds(n, b, mid)), [5, 10, 20, 40, 320, 600, 600]);
});

R('backoff :: jitter spreads by the fraction either way', () => {
  assert.is(backoffSeconds(3, b, () => 0), 16);
  assert.ok(Math.abs(backoffSeconds(3, b, () => 0.999999) - 24) < 1e-3);
  assert.is(backoffSeconds(3, { ...b, jitter: 0 }, () => 0), 20);
});

R.run();
