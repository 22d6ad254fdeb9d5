import * as assert from 'uvu/assert';
import { randomPool } from '../src/random-pool.js';
import { suite } from './helpers/suite.js';

const R = suite('random pool');

/** A source that counts its draws and numbers its bytes, so slices can be told apart. */
function counting() {
  let next = 0;
  const draws: number[] = [];
  const source = (n: number) => {
    draws.push(n);
    return Buffer.from(Array.from({ length: n }, () => next++ % 256));
  };
  return { draws, source };
}

R('slices of one draw follow each other, never overlap; a new draw when the pool is used up', () => {
  const { draws, source } = counting();
  const random = randomPool(16, source);
  const slices = [random(5), random(5), random(5), random(5)].map((b) => [...b]);
  assert.equal(slices.slice(0, 3), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14]]);
  assert.equal(slices[3], [16, 17, 18, 19, 20], 'the 16th byte is left: a slice never spans two draws');
  assert.equal(draws, [16, 16]);
});

R('more than the pool holds :: drawn on its own, the pool untouched', () => {
  const { draws, source } = counting();
  const random = randomPool(8, source);
  assert.is(random(3).length, 3);
  assert.is(random(20).length, 20);
  assert.equal([...random(3)], [3, 4, 5]);
  assert.equal(draws, [8, 20]);
});

R('the real source :: mail-id-sized slices are distinct', () => {
  const random = randomPool();
  const seen = new Set(Array.from({ length: 2000 }, () => random(5).toString('hex')));
  assert.is(seen.size, 2000);
});

R.run();
