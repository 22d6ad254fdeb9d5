import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { TokenBucket, type RateLimitClock } from '../../src/connectors/rate-limit.js';

/** A clock that only moves when someone sleeps; records every sleep asked for. */
function fakeClock(): RateLimitClock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const T = suite('token bucket');

T('rate 0 :: unlimited, never sleeps', async () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 0, clock });
  for (let i = 0; i < 1000; i++) await b.take();
  assert.equal(clock.sleeps, []);
  assert.ok(b.unlimited);
});

T('10/s, burst 10 :: the first 10 at once, then one every 100 ms', async () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 10, clock });
  for (let i = 0; i < 13; i++) await b.take();
  assert.equal(clock.sleeps, [100, 100, 100]);
  assert.is(clock.t, 300);
});

T('100 takes at 20/s :: the clock advances 4.5 s (100 − 10 burst at 20/s)', async () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 20, burst: 10, clock });
  await Promise.all(Array.from({ length: 100 }, () => b.take()));
  assert.is(clock.t, 4500);
});

T('waiters are served in arrival order (a 3-token take is not overtaken by later single takes)', async () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 1, burst: 3, clock });
  await b.take(3);
  const order: string[] = [];
  await Promise.all([
    b.take(3).then(() => order.push('three')),
    b.take(1).then(() => order.push('one-a')),
    b.take(1).then(() => order.push('one-b')),
  ]);
  assert.equal(order, ['three', 'one-a', 'one-b']);
});

T('tokens refill with time up to the burst, not beyond', () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 5, burst: 5, clock });
  for (let i = 0; i < 5; i++) assert.ok(b.tryTake());
  assert.not.ok(b.tryTake());
  clock.t += 400;
  assert.is(b.available(), 2);
  clock.t += 60_000;
  assert.is(b.available(), 5);
});

T('a take larger than the burst is capped at the burst (it would wait forever otherwise)', async () => {
  const clock = fakeClock();
  const b = new TokenBucket({ ratePerSecond: 2, burst: 2, clock });
  await b.take(2);
  await b.take(5);
  assert.equal(clock.sleeps, [1000]);
});

T('negative rate :: RangeError', () => {
  assert.throws(() => new TokenBucket({ ratePerSecond: -1 }), /ratePerSecond/);
});

T.run();
