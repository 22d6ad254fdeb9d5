import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startStallWatchers, within, type StallLine } from '../../bench/stalls.js';
import { waitFor } from '../helpers/bridge.js';

/** The benchmark's stall counting (bench/stalls.ts): which stalls fall in a run, and the idle probe process. */
const B = suite('bench stalls');

B('within :: the stalls that overlap the window, counted, and the longest', () => {
  const stalls: StallLine[] = [
    { ms: 300, endedAt: 950 }, // began before the window, ended in it
    { ms: 120, endedAt: 1500 },
    { ms: 700, endedAt: 2600 }, // began in it, ended after
    { ms: 200, endedAt: 800 }, // before
    { ms: 100, endedAt: 3000 }, // after
  ];
  assert.equal(within(stalls, 900, 2000), { count: 3, longestMs: 700 });
  assert.equal(within(stalls, 4000, 5000), { count: 0, longestMs: 0 });
});

B('probe :: a process the machine does not run (SIGSTOP) reports the stall, with almost no CPU in it', async () => {
  const w = await startStallWatchers(200);
  try {
    process.kill(w.probePid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 600));
    process.kill(w.probePid, 'SIGCONT');
    const [s] = await waitFor('the probe\'s stall', () => (w.probe().length ? w.probe() : undefined));
    assert.ok(s.ms >= 200, JSON.stringify(s));
    assert.ok(s.cpuMs! < s.ms / 2, JSON.stringify(s));
  } finally {
    process.kill(w.probePid, 'SIGCONT'); // a stopped process would not take the SIGTERM
    await w.stop();
  }
});

B.run();
