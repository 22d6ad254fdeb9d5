import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { suite } from './helpers/suite.js';
import { waitFor } from './helpers/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code?: number | null;
  out: string;
  err: string;
}

/** `npm test`'s runner (scripts/run-tests.ts) on the suites of test/fixtures/leaks matching `pattern`, awaited until it exits. */
async function runTests(pattern: string): Promise<Run> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-tests.ts', 'test/fixtures/leaks', pattern, '-c', 'false'], {
    cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', TEST_EXIT_GRACE_MS: '500' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { out: '', err: '' };
  child.stdout!.on('data', (d: Buffer) => (run.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.err += d.toString()));
  child.on('exit', (code) => (run.code = code));
  try {
    await waitFor('the run to end', () => run.code !== undefined);
    return run;
  } finally {
    if (run.code === undefined) child.kill('SIGKILL');
  }
}

/** A run whose tests left a server and an interval open ended only when killed; its runner now ends it, naming them. */
const R = suite('test runner');

R('a test leaves a server and an interval open :: the run still exits, 0 as its tests passed, naming both and where they were made', async () => {
  const run = await runTests('server-left-open\\.ts$');
  assert.is(run.code, 0, run.out + run.err);
  assert.match(run.out, /Passed: +1/);
  assert.match(run.err, /still keep the process alive/);
  assert.match(run.err, /a server listening on 127\.0\.0\.1:\d+, opened .*test\/fixtures\/leaks\/server-left-open\.ts:\d+/);
  assert.match(run.err, /an interval set .*test\/fixtures\/leaks\/server-left-open\.ts:\d+/);
});

R('a failing test beside the leak :: the run exits 1', async () => {
  const run = await runTests('\\.ts$');
  assert.is(run.code, 1, run.out + run.err);
  assert.match(run.out, /Total: +2\n +Passed: +1/);
});

R('nothing left open :: the run exits when its tests end and names nothing', async () => {
  const run = await runTests('fails\\.ts$');
  assert.is(run.code, 1, run.out + run.err);
  assert.not.match(run.err, /still keep the process alive/);
});

R.run();
