import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { RecentIds } from '../../src/mail/recent-ids.js';

/** Ids remembered in memory within bounds: a time to live and a number of entries, the oldest going first. */
const R = suite('mail recent ids');

const make = (max: number, clock: { t: number }) => new RecentIds<string>({ max, ttlMs: 1000, now: () => clock.t });

R('ttl :: an id is known until ttlMs after it was last set', () => {
  const clock = { t: 0 };
  const ids = make(10, clock);
  ids.set('a', 'A');
  clock.t = 999;
  assert.is(ids.get('a'), 'A');
  ids.set('a', 'A2');
  clock.t = 1998;
  assert.is(ids.get('a'), 'A2');
  clock.t = 1999;
  assert.is(ids.get('a'), undefined);
});

R('bound :: past max the least recently set go first; expired ones are dropped on the way', () => {
  const clock = { t: 0 };
  const ids = make(2, clock);
  ids.set('a', 'A');
  ids.set('b', 'B');
  ids.set('a', 'A2'); // a is now the newest
  ids.set('c', 'C');
  assert.equal([ids.get('a'), ids.get('b'), ids.get('c'), ids.size], ['A2', undefined, 'C', 2]);
  clock.t = 5000;
  ids.set('d', 'D');
  assert.equal([ids.get('a'), ids.get('c'), ids.get('d'), ids.size], [undefined, undefined, 'D', 1]);
});

R.run();
