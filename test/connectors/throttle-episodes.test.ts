import * as assert from 'uvu/assert';
import { ThrottleEpisodes } from '../../src/connectors/throttling.js';
import { suite } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/** The episode bookkeeping alone: when an idle connector's episode ends. */
const E = suite('connectors :: throttling episode timer');

E('a refusal with a shorter Retry-After while the end timer waits on the longer quiet time :: the episode ends by the new one, not the old', async () => {
  const lines: Array<{ evt: string; data: Record<string, unknown> }> = [];
  // The connector's own quiet time is an hour: an episode that waited for it would not end within the wait below.
  const episodes = new ThrottleEpisodes('http1', 'http-throttled', (evt, data) => lines.push({ evt, data }), () => Date.now(), 3_600_000);
  episodes.refused({ status: 429 });
  episodes.taken(); // arms the end timer on the hour
  episodes.refused({ status: 503 }, 50); // "Retry-After: 0.05": over after 50 ms
  episodes.taken(); // and the connector goes idle
  const end = await waitFor('connector-throttling-ended', () => lines.find((l) => l.evt === 'connector-throttling-ended'));
  assert.is(end.data.refused, 2);
  assert.equal(lines.map((l) => l.evt), ['connector-throttled', 'http-throttled', 'connector-throttled', 'connector-throttling-ended']);
});

E.run();
