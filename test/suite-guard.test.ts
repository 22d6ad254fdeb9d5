import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { suite } from './helpers/suite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs uvu as `npm test` does, on the suites of test/fixtures/suites. */
function runUvu(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test/fixtures/suites', '\\.ts$', '-c', 'false'], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The failures as .ci/run counts them: Total less Passed less Skipped. */
const failedCount = (out: string) => ['Total', 'Passed', 'Skipped'].map((k) => Number(new RegExp(`^ *${k}: +(\\d+)`, 'm').exec(out)?.[1])).reduce((t, n, i) => (i ? t - n : n));

/**
 * uvu hides an error thrown by a before hook ("(0 / N)", exit 0): our suite()
 * makes it a failure of each test, with the hook's error and where it was thrown.
 */
const G = suite<{ run: { code: number | null; out: string } }>('test suites fail out loud');
G.before(async (ctx) => {
  ctx.run = await runUvu();
});

G('a before hook that throws :: every test of its suite fails, the first with the error and its place; the run exits 1', ({ run }) => {
  assert.is(run.code, 1, run.out);
  assert.match(run.out, /setup fails +✘ ✘ [^]*?\(0 \/ 2\)/);
  assert.match(run.out, /FAIL +setup fails +"first"\n +setup of suite "setup fails" failed: the SMSC simulator did not come up\n\n +at .*setup-fails\.ts:7:/);
  assert.match(run.out, /FAIL +setup fails +"second"\n +setup of suite "setup fails" failed \(the error is with its first test\)/);
  assert.is(failedCount(run.out), 2, run.out);
});

G('a before hook that throws :: its after hooks still run, what they throw is printed, and the next suites run', ({ run }) => {
  assert.match(run.out, /after hook of suite "setup fails": TypeError: Cannot read properties of undefined \(reading 'stop'\)/);
  assert.match(run.out, /setup-fails\.ts[^]*then-fine\.ts\n then fine +• +\(1 \/ 1\)/);
});

G('an after hook that throws after good tests :: printed as a failure and the run exits 1', ({ run }) => {
  assert.match(run.out, /cleanup fails +• [^]*\(1 \/ 1\)/);
  assert.match(run.out, /FAIL +after hook of suite "cleanup fails": Error: the store directory could not be removed/);
  assert.is(run.code, 1);
});

G('every test file takes suite() from test/helpers/suite.ts, not from uvu', async () => {
  const dir = join(ROOT, 'test');
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.startsWith('helpers/'));
  const direct = [];
  for (const f of files) if (/import \{[^}]*\bsuite\b[^}]*\} from 'uvu'/.test(await readFile(join(dir, f), 'utf8'))) direct.push(f);
  assert.equal(direct, []);
});

G.run();
