import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SpoolRest, type RestTimers } from '../../src/store/spool-rest.js';

/** When the spool may take entries after it failed: a fake clock and fake timers. */
const S = suite('store spool rest');

function rest() {
  const clock = { now: 0 };
  const logged: Array<Record<string, unknown>> = [];
  const timers: Array<{ fn: () => void; ms: number; cleared?: true }> = [];
  const fake: RestTimers = {
    set: (fn, ms) => timers[timers.push({ fn, ms }) - 1],
    clear: (t) => t && ((t as { cleared?: true }).cleared = true),
  };
  const r = new SpoolRest(() => clock.now, (evt, data) => logged.push({ evt, ...data }), fake);
  return { r, clock, logged, timers };
}

const oops = new Error('EIO');

S('write failed :: a minute of rest, logged once however many fail meanwhile', () => {
  const { r, clock, logged } = rest();
  assert.not.ok(r.resting);
  r.writeFailed('A.1', oops);
  r.writeFailed('B.1', oops);
  clock.now = 59_999;
  assert.ok(r.resting);
  clock.now = 60_000;
  assert.not.ok(r.resting);
  assert.equal(logged, [{ evt: 'store-spool-failed', msgId: 'A.1', error: 'EIO' }]);
});

S('read failed :: logged each time; the rest doubles from a minute up to an hour, then the spool is offered the messages again', () => {
  const { r, clock, logged, timers } = rest();
  let resumed = 0;
  for (let i = 0; i < 8; i++) {
    r.readFailed(`M${i}.1`, oops, 10, () => resumed++);
    clock.now += 10;
  }
  assert.equal(logged.map((e) => e.restSeconds), [60, 120, 240, 480, 960, 1920, 3600, 3600]);
  assert.equal(logged[0], { evt: 'store-spool-read-failed', msgId: 'M0.1', error: 'EIO', readBack: 10, restSeconds: 60 });
  assert.equal(timers.map((t) => !!t.cleared), [true, true, true, true, true, true, true, false], 'one resume at a time');
  assert.ok(r.resting);
  timers.at(-1)!.fn();
  assert.is(resumed, 1);
});

S('a write failing during a read\'s rest :: the rest does not end sooner', () => {
  const { r, clock, timers } = rest();
  r.readFailed('A.1', oops, 1, () => undefined);
  r.readFailed('A.1', oops, 1, () => undefined); // two minutes
  clock.now = 1000;
  r.writeFailed('B.1', oops);
  clock.now = 119_999;
  assert.ok(r.resting);
  assert.is(timers.at(-1)!.ms, 120_000);
});

S('close :: the pending resume is cleared', () => {
  const { r, timers } = rest();
  r.readFailed('A.1', oops, 1, () => undefined);
  r.close();
  assert.ok(timers[0].cleared);
});

S.run();
