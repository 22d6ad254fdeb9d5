import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { retryDelaySeconds, withinMaxAge } from '../../src/dispatch/retry.js';
import { WorkLoop } from '../../src/dispatch/work-loop.js';
import { waitFor } from '../helpers/wait.js';

const W = suite('dispatch work-loop');

W('concurrency :: never more jobs at once than allowed, each job once, all done', async () => {
  const todo = Array.from({ length: 20 }, (_, i) => `j${i}`);
  const done: string[] = [];
  let running = 0;
  let peak = 0;
  const loop: WorkLoop<string> = new WorkLoop<string>({
    concurrency: 3, tickMs: 1000,
    next: (limit) => todo.filter((j) => !done.includes(j)).slice(0, limit + loop.inFlight),
    key: (j) => j,
    run: async (j) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      done.push(j);
    },
    onError: () => assert.unreachable(),
  });
  loop.start();
  await waitFor('all 20 done', () => done.length === todo.length);
  await loop.stop(1000);
  assert.is(peak, 3);
  assert.equal([...done].sort(), [...todo].sort());
});

W('stop :: waits for running jobs, starts no new ones', async () => {
  let started = 0;
  let finished = 0;
  const loop = new WorkLoop<number>({
    concurrency: 2, tickMs: 1000, next: () => [1, 2, 3, 4].slice(started), key: String,
    run: async () => {
      started++;
      await new Promise((r) => setTimeout(r, 50));
      finished++;
    },
    onError: () => undefined,
  });
  loop.start();
  await loop.stop(1000);
  assert.is(started, 2);
  assert.is(finished, 2);
});

W('errors :: a failing job is reported and the loop goes on', async () => {
  const errors: string[] = [];
  let calls = 0;
  const loop = new WorkLoop<string>({
    concurrency: 1, tickMs: 1000, next: () => (calls < 2 ? [`x${calls}`] : []), key: (j) => j,
    run: async (j) => {
      calls++;
      if (j === 'x0') throw new Error('boom');
    },
    onError: (j, e) => errors.push(`${j}: ${e.message}`),
  });
  loop.start();
  await waitFor('the job after the failed one', () => calls === 2);
  await loop.stop(100);
  assert.equal(errors, ['x0: boom']);
  assert.is(calls, 2);
});

W('errors :: a job failing at once waits before it runs again (doubling from tickMs), and the jobs behind it go meanwhile', async () => {
  const runs: string[] = [];
  let finishB = () => undefined as unknown;
  const loop = new WorkLoop<string>({
    concurrency: 1, tickMs: 1000, now: () => 1_000_000,
    next: (limit) => ['a', 'b'].slice(0, limit),
    key: (j) => j,
    run: (j) => {
      runs.push(j);
      // 'a' fails before any await; bounded so that without the wait the test ends (failing) instead of spinning for ever.
      if (j === 'a' && runs.length < 1000) throw new Error('boom');
      return new Promise<void>((resolve) => (finishB = resolve)); // 'b' keeps the one place busy until the end
    },
    onError: () => undefined,
  });
  loop.start();
  await new Promise((r) => setImmediate(r)); // the event loop turns: nothing spun
  assert.equal(runs, ['a', 'b'], 'a failed once and cooled; b, behind it, took the place');
  const stopped = loop.stop(1000);
  finishB();
  await stopped;
});

W('errors :: the wait before a failing job runs again doubles with each failure, up to a minute; a success starts it afresh', async () => {
  let now = 1_000_000;
  let calls = 0;
  let succeedOnce = false;
  const loop = new WorkLoop<string>({
    concurrency: 1, tickMs: 1000, now: () => now, next: () => ['a'], key: (j) => j,
    run: async () => {
      calls++;
      if (!succeedOnce) throw new Error('boom');
      succeedOnce = false; // still due: it runs again at once, and fails from then on
    },
    onError: () => undefined,
  });
  loop.start();
  const settle = () => new Promise((r) => setImmediate(r));
  await settle();
  /** How long (in steps of 500 ms) until the job runs again. */
  const nextWait = async () => {
    const before = calls;
    let waited = 0;
    while (calls === before && waited < 120_000) {
      now += 500;
      waited += 500;
      loop.wake();
      await settle();
    }
    return waited;
  };
  const waits: number[] = [];
  for (let i = 0; i < 8; i++) waits.push(await nextWait());
  assert.equal(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  succeedOnce = true;
  const before = calls;
  await nextWait();
  assert.is(calls, before + 2, 'the success, then at once the next (failing) run');
  assert.is(await nextWait(), 1000, 'the wait starts afresh after a success');
  await loop.stop(1000);
});

W('wake-up :: jobs that end together (one group commit) wake the loop once, and their places fill before the event loop turns', async () => {
  let release!: () => void;
  const together = new Promise<void>((r) => (release = r));
  let asked = 0;
  let round = 0;
  const started: string[] = [];
  const loop = new WorkLoop<string>({
    concurrency: 3, tickMs: 60_000,
    next: () => {
      asked++;
      return (round === 0 ? ['a', 'b', 'c'] : ['d', 'e', 'f']).filter((j) => !started.includes(j));
    },
    key: (j) => j,
    run: async (j) => {
      started.push(j);
      if (round === 0) await together;
    },
    onError: () => assert.unreachable(),
  });
  loop.start();
  assert.equal(started, ['a', 'b', 'c']);
  asked = 0;
  round = 1;
  release();
  await new Promise((r) => setImmediate(r));
  assert.is(asked, 2, 'three jobs ended in one step: one wake-up (and one after d, e and f ended), not one per job');
  assert.equal(started.slice(3), ['d', 'e', 'f'], 'their places were taken before the event loop turned');
  await loop.stop(1000);
});

W('retry :: schedule per attempt, the last entry repeats', () => {
  const s = [5, 30, 120];
  assert.equal([1, 2, 3, 4, 9].map((a) => retryDelaySeconds(a, s)), [5, 30, 120, 120, 120]);
});

W('retry :: max age', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  assert.ok(withinMaxAge('2026-11-23T00:00:01Z', now, 12));
  assert.not.ok(withinMaxAge('2026-11-23T00:00:00Z', now, 12));
});

W('whenFree :: resolves true when the running job ends (not before), at once for a job not running, false when the wait runs out first', async () => {
  let finish!: () => void;
  let runs = 0;
  const loop = new WorkLoop<string>({
    concurrency: 1, tickMs: 60_000, next: () => (runs === 0 ? ['a'] : []), key: (j) => j,
    run: () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    },
    onError: () => assert.unreachable(),
  });
  loop.start();
  await waitFor('a running', () => runs === 1);
  assert.is(await loop.whenFree('b', 60_000), true, 'b is not running');
  assert.is(await loop.whenFree('a', 1), false, 'a still runs when the wait ends');
  let freed: boolean | undefined;
  const waiting = loop.whenFree('a', 600_000).then((v) => (freed = v));
  await new Promise((r) => setImmediate(r));
  assert.is(freed, undefined, 'not while a runs');
  assert.is(await loop.exclusive('a', async () => 'ran'), undefined);
  finish();
  await waiting;
  assert.is(freed, true);
  assert.is(await loop.exclusive('a', async () => 'ran'), 'ran');
  await loop.stop(1000);
});

W.run();
