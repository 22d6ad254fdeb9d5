import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { AuthThrottle } from '../../src/smtp/auth-throttle.js';

const T = suite('smtp auth throttle');
const make = (t: { now: number }) => new AuthThrottle({ baseDelayMs: 1000, maxDelayMs: 8000, maxFailuresPerIp: 5, windowMs: 60_000, now: () => t.now });

T('delay :: doubles with each failure from the IP or for the user, up to the cap', () => {
  const t = { now: 0 };
  const a = make(t);
  assert.equal([1, 2, 3, 4, 5].map((i) => a.failed('10.0.0.1', `user${i}`)), [1000, 2000, 4000, 8000, 8000]);
  assert.is(a.failed('10.0.0.2', 'user1'), 2000, 'a user guessed at from another IP is delayed by the user\'s count');
});

T('lock :: an IP with maxFailuresPerIp failures in the window is refused until the oldest of them ages out', () => {
  const t = { now: 0 };
  const a = make(t);
  for (let i = 0; i < 5; i++) {
    assert.is(a.lockedUntil('10.0.0.1'), undefined);
    t.now += 1000;
    a.failed('10.0.0.1', 'x');
  }
  assert.is(a.lockedUntil('10.0.0.1'), 61_000);
  assert.is(a.lockedUntil('10.0.0.9'), undefined);
  t.now = 61_001;
  assert.is(a.lockedUntil('10.0.0.1'), undefined);
});

T('success :: clears the user\'s failures, not the IP\'s; a user name alone never locks', () => {
  const t = { now: 0 };
  const a = make(t);
  for (let i = 0; i < 4; i++) a.failed(`10.0.1.${i}`, 'erp');
  a.succeeded('erp');
  assert.is(a.failed('10.0.2.1', 'erp'), 1000);
  for (let i = 0; i < 10; i++) a.failed(`10.0.3.${i}`, 'victim');
  assert.is(a.lockedUntil('10.0.4.1'), undefined);
});

T('memory :: bounded by maxKeys', () => {
  const a = new AuthThrottle({ baseDelayMs: 0, maxDelayMs: 0, maxFailuresPerIp: 3, windowMs: 60_000, now: () => 0, maxKeys: 100 });
  for (let i = 0; i < 1000; i++) assert.is(a.failed(`ip${i}`, `user${i}`), 0);
  assert.is(a.lockedUntil('ip0'), undefined);
  assert.is((a as unknown as { byIp: Map<string, unknown> }).byIp.size, 100);
});

T.run();
