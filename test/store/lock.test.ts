import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreInUse, StoreLock } from '../../src/store/lock.js';

/** One bridge per store directory: a second start must stop before it replays (and sends) the same journal. */
const L = suite<{ dir: string }>('store lock');

L.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-lock-'));
});
L.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** A process that runs until killed, and one that has already ended (its id free). */
function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => new Promise((r) => child.once('exit', r).kill('SIGKILL')) };
}
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

L('free directory :: taken, the lock file names this process, released on release', async ({ dir }) => {
  const lock = await StoreLock.acquire(dir);
  assert.match(await readFile(join(dir, 'lock'), 'utf8'), new RegExp(`^${process.pid} `));
  await lock.release();
  const again = await StoreLock.acquire(dir);
  await again.release();
  assert.is(await readFile(join(dir, 'lock'), 'utf8').catch(() => 'gone'), 'gone');
});

L('held by a running process :: StoreInUse naming the directory and the process; the lock stays its', async ({ dir }) => {
  const other = sleeper();
  try {
    await writeFile(join(dir, 'lock'), `${other.pid} someone-else\n`);
    try {
      await StoreLock.acquire(dir);
      assert.unreachable('should not take a live lock');
    } catch (e) {
      assert.instance(e, StoreInUse);
      assert.is((e as Error).message, `the store directory ${dir} is in use by another mail2sms (process ${other.pid}); stop that one first, or give this one its own store.dir`);
    }
    assert.is(await readFile(join(dir, 'lock'), 'utf8'), `${other.pid} someone-else\n`);
  } finally {
    await other.stop();
  }
});

const STALE: Array<[string, () => Promise<string>]> = [
  ['of a process that is gone (kill -9)', async () => `${await endedPid()} old\n`],
  ['naming our own process id (a container restarted as PID 1 again)', async () => `${process.pid} old\n`],
  ['empty (power lost while it was written)', async () => ''],
];
for (const [what, content] of STALE) {
  L(`stale lock ${what} :: taken over`, async ({ dir }) => {
    await writeFile(join(dir, 'lock'), await content());
    const lock = await StoreLock.acquire(dir);
    assert.match(await readFile(join(dir, 'lock'), 'utf8'), new RegExp(`^${process.pid} [0-9a-f-]{36}\\n$`));
    await lock.release();
  });
}

L('release :: leaves a lock that is no longer ours alone', async ({ dir }) => {
  const first = await StoreLock.acquire(dir);
  await writeFile(join(dir, 'lock'), `${process.pid} newer\n`);
  await first.release();
  assert.is(await readFile(join(dir, 'lock'), 'utf8'), `${process.pid} newer\n`);
});

L.run();
