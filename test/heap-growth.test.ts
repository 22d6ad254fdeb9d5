import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { adaptHeapGrowth, growthPercent } from '../src/heap-growth.js';
import { waitFor } from './helpers/wait.js';

const H = suite('heap growth');
const MB = 2 ** 20;

H('growthPercent :: a fixed room over what is live, 20-100 %, in steps of 5', () => {
  const cases: Array<[liveMb: number, percent: number]> = [
    [0, 100], // nothing measured yet
    [10, 100],
    [32, 100],
    [40, 80],
    [64, 50],
    [67, 45], // 100,000 SMS queued
    [107, 25],
    [160, 20],
    [1000, 20],
  ];
  for (const [live, percent] of cases) assert.is(growthPercent(live * MB, 32 * MB), percent, `${live} MB live`);
});

H('adaptHeapGrowth :: sets the flag at once and again after a full collection that changes the share', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let live = 20 * MB;
  const set: string[] = [];
  const stop = adaptHeapGrowth(32 * MB, { used: () => live, setFlags: (f) => set.push(f) });
  try {
    assert.equal(set, ['--heap-growing-percent=100']);
    live = 64 * MB;
    gc();
    // The collection's notice comes asynchronously; this waited half a second at most, which a loaded machine can outlast.
    await waitFor('the flag set again after the collection', () => set.length >= 2);
    assert.equal(set, ['--heap-growing-percent=100', '--heap-growing-percent=50']);
    gc(); // nothing changed: the flag is not set again
    // A sleep, for want of a barrier: the share is read when the collection's notice arrives, so a later collection that changed it
    // could be read by this one's notice too. It cannot fail a right adaptHeapGrowth, only miss a wrong one on a very slow machine.
    await new Promise((r) => setTimeout(r, 50));
    assert.is(set.length, 2);
  } finally {
    stop();
  }
});

H.run();
