import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { retryAfter } from '../../../src/notify/callbacks/http.js';

const H = suite('status callbacks :: Retry-After');
const NOW = new Date('2026-11-23T10:00:00Z');

H('seconds, an HTTP date, and what is not one', () => {
  assert.is(retryAfter('120', NOW), 120);
  assert.is(retryAfter(' 5 ', NOW), 5);
  assert.is(retryAfter('Mon, 23 Nov 2026 10:01:30 GMT', NOW), 90);
  assert.is(retryAfter('Mon, 23 Nov 2026 09:00:00 GMT', NOW), 0);
  assert.is(retryAfter('soon', NOW), undefined);
  assert.is(retryAfter(null, NOW), undefined);
});

H.run();
