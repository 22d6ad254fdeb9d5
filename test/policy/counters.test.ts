import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SlidingWindows, TokenBuckets } from '../../src/policy/counters.js';
import { periodStarts, quotaRefusal } from '../../src/policy/quota.js';

const C = suite('policy counters and quotas');

C('token bucket :: a full bucket, empty after the burst, refilled continuously, never above capacity', () => {
  const b = new TokenBuckets(60_000);
  assert.ok(b.take('a', 30, 30, 0));
  assert.not.ok(b.has('a', 1, 30, 0));
  assert.not.ok(b.take('a', 1, 30, 1999));
  assert.ok(b.take('a', 1, 30, 2000), 'one token every two seconds at 30 per minute');
  b.giveBack('a', 100, 30, 2000);
  assert.ok(b.has('a', 30, 30, 2000));
  assert.not.ok(b.has('a', 31, 30, 10_000_000));
  assert.ok(b.take('b', 1, 30, 0), 'keys are independent');
});

C('sliding windows :: counts within any window up to the longest, forgets what is older', () => {
  const w = new SlidingWindows(3_600_000);
  w.add('k', 0);
  w.add('k', 1000, 2);
  assert.is(w.count('k', 1500), 3);
  assert.is(w.count('k', 1500, 1000), 2);
  assert.is(w.count('k', 3_600_500), 2);
  w.sweep(4_000_000);
  assert.is(w.size, 0);
});

C('periods :: midnight and the first of the month on the account\'s clock', () => {
  const p = periodStarts(new Date('2026-11-23T22:30:00Z'), 'Europe/Berlin');
  assert.is(p.day.toISOString(), '2026-11-22T23:00:00.000Z');
  assert.is(p.month.toISOString(), '2026-10-31T23:00:00.000Z');
  const s = periodStarts(new Date('2026-07-01T01:00:00Z'), 'America/New_York');
  assert.is(s.day.toISOString(), '2026-06-30T04:00:00.000Z');
  assert.is(s.month.toISOString(), '2026-06-01T04:00:00.000Z');
});

C('quota :: the refusal names the period; 0 means no limit; exactly at the quota is allowed', () => {
  const limits = { segmentsPerDay: 10, segmentsPerMonth: 100 };
  assert.is(quotaRefusal('acme', limits, { day: 8, month: 50 }, 2), undefined);
  assert.is(quotaRefusal('acme', limits, { day: 9, month: 50 }, 2)!.message, '5.2.2 the SMS account "acme" has used 9 of its 10 SMS segments today; this mail would go over the quota');
  assert.match(quotaRefusal('acme', limits, { day: 0, month: 99 }, 2)!.message, /this month/);
  assert.is(quotaRefusal('acme', { segmentsPerDay: 0, segmentsPerMonth: 0 }, { day: 1e9, month: 1e9 }, 5), undefined);
});

C.run();
