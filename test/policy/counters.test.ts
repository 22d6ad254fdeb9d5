import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { MinuteWindows, TokenBuckets } from '../../src/policy/counters.js';
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

const MIN = 60_000;

C('minute windows :: count within any window up to the longest, by the minute: an event counts until its minute has wholly left the window', () => {
  const w = new MinuteWindows(60 * MIN);
  w.add('k', 0);
  w.add('k', 1000, 2);
  w.add('k', 2 * MIN + 5);
  assert.is(w.count('k', 2 * MIN + 10), 4);
  assert.is(w.count('k', 2 * MIN + 10, MIN), 1, 'the last minute only');
  assert.is(w.count('k', 61 * MIN - 1), 4, 'minute 0 ends at 1 min: still inside a window starting just before it');
  assert.is(w.count('k', 61 * MIN), 1, 'minute 0 has left the hour');
  w.sweep(64 * MIN);
  assert.is(w.size, 0);
});

C('minute windows :: one pair per minute however many events, so a busy key stays small', () => {
  const w = new MinuteWindows(60 * MIN);
  for (let i = 0; i < 10_000; i++) w.add('k', 5 * MIN + (i % MIN));
  assert.equal(w.save(6 * MIN), { k: [[5, 10_000]] });
});

C('minute windows :: saved and loaded back — keys the caller refuses, minutes out of the window, from the future and broken pairs are left out', () => {
  const w = new MinuteWindows(60 * MIN);
  w.add('a', 10 * MIN);
  w.add('a', 20 * MIN, 3);
  w.add('b', 20 * MIN);
  const saved = JSON.parse(JSON.stringify({ ...w.save(21 * MIN), c: [[20, 1], ['x', 2], [21, -1], [99, 1], 'junk'] }));
  const back = new MinuteWindows(60 * MIN);
  back.load(saved, 75 * MIN, (key) => key !== 'b');
  assert.equal(back.save(75 * MIN), { a: [[20, 3]], c: [[20, 1]] });
  back.load('not an object', 75 * MIN, () => true);
  assert.is(back.count('a', 75 * MIN), 3);
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
