/**
 * `npm test`'s runner: uvu's, with the same arguments (`<dir> <pattern>
 * -i <ignore>… [-b] [-c false]`), and then an end. uvu prints its totals
 * and leaves the exit to Node, which waits for every handle still open: a
 * server or interval that a failed test never stopped kept a full run
 * alive for good after its totals (it happened once on a loaded machine).
 * Here, once the suites are done, the process still exits by itself when
 * nothing is left; when something is, it is named on stderr after
 * GRACE_MS and the run exits with the code of its tests.
 */
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';
import { trackHandles } from './open-handles.js';

/** Time for what the last suites closed to finish closing; longer than that, it was left open. */
const GRACE_MS = Number(process.env.TEST_EXIT_GRACE_MS ?? 10_000);

interface Args {
  dir?: string;
  pattern?: string;
  ignore: string[];
  bail: boolean;
  color: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { ignore: [], bail: false, color: true };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-i' || a === '--ignore') args.ignore.push(argv[++i]);
    else if (a === '-b' || a === '--bail') args.bail = true;
    else if (a === '-c' || a === '--color') args.color = argv[++i] !== 'false';
    else positional.push(a);
  }
  [args.dir, args.pattern] = positional;
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (args.color) process.env.FORCE_COLOR = '1'; // as uvu's own command does
const handles = trackHandles();
try {
  const { suites } = await parse(args.dir, args.pattern, { ignore: args.ignore });
  await run(suites, { bail: args.bail });
} catch (e) {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
}
setTimeout(() => {
  const left = handles.describe();
  process.stderr.write(`\nThe tests are done, but ${GRACE_MS / 1000} s later these still keep the process alive (a test that did not close them):\n${left.map((l) => `  ${l}\n`).join('')}`);
  process.exit(); // with the exit code uvu set (1 when a test failed)
}, GRACE_MS).unref();
