/**
 * `node --import tsx bench/stall-probe.ts --threshold-ms N`
 *
 * A Node process with nothing to do but the bridge's own stall watcher
 * (src/stall-watch.ts), printing each stall as a JSON line. Idle, it cannot
 * stall itself: a stall it sees is the machine's (no CPU given to it, a
 * paused virtual machine), so set beside the bridge's it tells a stalled
 * bridge from a stalled machine. bench/stalls.ts starts and reads it.
 */
import { parseArgs } from 'node:util';
import { watchStalls } from '../src/stall-watch.js';

const { values } = parseArgs({ options: { 'threshold-ms': { type: 'string', default: '100' } } });
const stop = watchStalls(Number(values['threshold-ms']), (evt, data) => process.stdout.write(`${JSON.stringify({ evt, ...data })}\n`));
// The watcher's timer does not keep a process alive (the bridge must be able to exit); this one does, until SIGTERM.
const alive = setInterval(() => undefined, 2 ** 30);
process.once('SIGTERM', () => {
  stop();
  clearInterval(alive);
});
process.stdout.write('stall-probe ready\n');
