import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as assert from 'uvu/assert';
import { GcFeed, type GcPause } from '../src/gc-feed.js';
import { waitFor } from './helpers/bridge.js';
import { suite } from './helpers/suite.js';

/** The process's collections from one observer for the heap growth and the stall watch (main.ts). */
const G = suite('gc feed');

G('two listeners :: each gets every pause of a full collection from the one observer; one stopping leaves the other; the last stopping ends it', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const feed = new GcFeed();
  const heap: GcPause[] = [];
  const stalls: GcPause[] = [];
  const stopHeap = feed.on((p) => heap.push(p));
  const stopStalls = feed.on((p) => stalls.push(p));
  gc();
  await waitFor('the full collection at both', () => heap.some((p) => p.major) && stalls.some((p) => p.major));
  assert.equal(heap, stalls, 'the same pauses');
  assert.ok(heap.every((p) => p.ms >= 0 && p.start > 0), JSON.stringify(heap));

  stopHeap();
  const seen = heap.length;
  gc();
  await waitFor('the second collection at the other', () => stalls.filter((p) => p.major).length >= 2);
  assert.is(heap.length, seen, 'a stopped listener hears nothing more');

  stopStalls();
  const again: GcPause[] = [];
  const stopAgain = feed.on((p) => again.push(p)); // listening again observes again
  gc();
  await waitFor('a collection after the feed observed again', () => again.some((p) => p.major));
  stopAgain();
});

G.run();
