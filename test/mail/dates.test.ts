import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { wallTimeIn } from '../../src/mail/dates.js';

const D = suite('mail dates');

/** Counts the Intl readings made while `fn` runs. */
function intlReadings(fn: () => void): number {
  const proto = Intl.DateTimeFormat.prototype;
  const real = proto.formatToParts;
  let n = 0;
  proto.formatToParts = function (this: Intl.DateTimeFormat, date?: Date | number) {
    n++;
    return real.call(this, date);
  };
  try {
    fn();
  } finally {
    proto.formatToParts = real;
  }
  return n;
}

D('wallTimeIn :: one second read again in one zone asks Intl once (every 250 of a batch names the same send time)', () => {
  const at = new Date('2031-05-06T07:08:09.100Z');
  const n = intlReadings(() => {
    for (let i = 0; i < 5; i++) wallTimeIn(new Date(at.getTime() + i * 100), 'Europe/Berlin');
  });
  assert.is(n, 1);
});

D('wallTimeIn :: readings kept are exact per zone and second, across a change of offset', () => {
  const read = (iso: string, zone: string) => wallTimeIn(new Date(iso), zone);
  for (let round = 0; round < 2; round++) {
    // Berlin springs forward at 01:00 UTC on 2026-03-29: 01:59:59 CET, then 03:00:00 CEST.
    assert.equal(read('2026-03-29T00:59:59.900Z', 'Europe/Berlin'), { year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59 });
    assert.equal(read('2026-03-29T01:00:00.000Z', 'Europe/Berlin'), { year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0 });
    assert.equal(read('2026-03-29T01:00:00.000Z', 'America/New_York'), { year: 2026, month: 3, day: 28, hour: 21, minute: 0, second: 0 });
  }
});

D('wallTimeIn :: a caller changing its reading changes no later one', () => {
  const at = new Date('2031-01-02T03:04:05Z');
  const first = wallTimeIn(at, 'Europe/Berlin');
  first.hour = 0;
  first.day = 1;
  assert.equal(wallTimeIn(at, 'Europe/Berlin'), { year: 2031, month: 1, day: 2, hour: 4, minute: 4, second: 5 });
});

D('wallTimeIn :: an unknown zone is still a RangeError, every time', () => {
  assert.throws(() => wallTimeIn(new Date(), 'Mars/Olympus'), (e: unknown) => e instanceof RangeError);
  assert.throws(() => wallTimeIn(new Date(), 'Mars/Olympus'), (e: unknown) => e instanceof RangeError);
});

D.run();
