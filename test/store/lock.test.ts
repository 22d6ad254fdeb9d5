import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { pidNamespace, StoreInUse, StoreLock } from '../../src/store/lock.js';
import { waitFor } from '../helpers/wait.js';

const NS = pidNamespace();

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
  assert.is((await readFile(join(dir, 'lock'), 'utf8')).split(' ').slice(0, 2).join(' '), `${process.pid} ${NS}`);
  await lock.release();
  const again = await StoreLock.acquire(dir);
  await again.release();
  assert.is(await readFile(join(dir, 'lock'), 'utf8').catch(() => 'gone'), 'gone');
});

L('held by a running process :: StoreInUse naming the directory and the process; the lock stays its', async ({ dir }) => {
  const other = sleeper();
  try {
    await writeFile(join(dir, 'lock'), `${other.pid} ${NS} someone-else\n`);
    try {
      await StoreLock.acquire(dir);
      assert.unreachable('should not take a live lock');
    } catch (e) {
      assert.instance(e, StoreInUse);
      assert.is((e as Error).message, `the store directory ${dir} is in use by another mail2sms (process ${other.pid}); stop that one first, or give this one its own store.dir`);
    }
    assert.is(await readFile(join(dir, 'lock'), 'utf8'), `${other.pid} ${NS} someone-else\n`);
  } finally {
    await other.stop();
  }
});

L('a live process that never touches the lock (its id reused after a reboot) :: taken over after one more stale period without a touch', async ({ dir }) => {
  const other = sleeper();
  try {
    const file = join(dir, 'lock');
    await writeFile(file, `${other.pid} ${NS} before-the-reboot\n`);
    await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const waits: number[] = [];
    const lock = await StoreLock.acquire(dir, { staleMs: 5000, sleep: async (ms) => void waits.push(ms) });
    assert.equal(waits, [5050], 'watched one stale period');
    assert.is((await readFile(file, 'utf8')).split(' ').slice(0, 2).join(' '), `${process.pid} ${NS}`);
    await lock.release();
  } finally {
    await other.stop();
  }
});

L('a live process whose lock is old but gets touched while we watch (a bridge busy for a while) :: StoreInUse', async ({ dir }) => {
  const other = sleeper();
  try {
    const file = join(dir, 'lock');
    await writeFile(file, `${other.pid} ${NS} busy\n`);
    await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const touch = async () => utimes(file, new Date(), new Date());
    await StoreLock.acquire(dir, { staleMs: 5000, sleep: touch }).then(() => assert.unreachable('took a lock that is alive'), (e: Error) => assert.instance(e, StoreInUse));
  } finally {
    await other.stop();
  }
});

/** Stale locks are taken over at once: none of these waits to see a heartbeat. */
const STALE: Array<[string, () => Promise<string>, boolean]> = [
  ['of a process in this namespace that is gone (kill -9)', async () => `${await endedPid()} ${NS} old\n`, false],
  ['naming our own process id in this namespace, written by an earlier process that had it (a container\'s previous run)', async () => `${process.pid} ${NS} 1 old\n`, false],
  ['naming our own process id in this namespace, of a version that did not write the start', async () => `${process.pid} ${NS} old\n`, false],
  ['empty (power lost while it was written), untouched for long', async () => '', true],
  ['of another namespace (a container) whose owner stopped touching it long ago', async () => `1 pid:[1] old\n`, true],
];
for (const [what, content, old] of STALE) {
  L(`stale lock ${what} :: taken over at once`, async ({ dir }) => {
    await writeFile(join(dir, 'lock'), await content());
    if (old) await utimes(join(dir, 'lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const waits: number[] = [];
    const lock = await StoreLock.acquire(dir, { staleMs: 5000, sleep: async (ms) => void waits.push(ms) });
    assert.equal(waits, [], 'no wait for a heartbeat');
    assert.is((await readFile(join(dir, 'lock'), 'utf8')).split(' ').slice(0, 2).join(' '), `${process.pid} ${NS}`);
    await lock.release();
  });
}

L('a second lock on the same directory in this same process (a second bridge) :: StoreInUse naming this process; the first keeps its lock', async ({ dir }) => {
  const first = await StoreLock.acquire(dir);
  try {
    const held = await readFile(join(dir, 'lock'), 'utf8');
    const waits: number[] = [];
    const second = await StoreLock.acquire(dir, { staleMs: 5000, sleep: async (ms) => void waits.push(ms) }).catch((e: Error) => e);
    assert.instance(second, StoreInUse);
    assert.is((second as Error).message, `the store directory ${dir} is in use by another bridge in this same process (${process.pid}): stop that one first, or give this one its own store.dir`);
    assert.equal(waits, [], 'known at once');
    assert.is(await readFile(join(dir, 'lock'), 'utf8'), held, 'the first one\'s lock untouched');
  } finally {
    await first.release();
  }
  const again = await StoreLock.acquire(dir);
  await again.release();
});

L('another container whose bridge runs (it keeps touching the lock), even with our own process id :: StoreInUse after one stale period', async ({ dir }) => {
  const file = join(dir, 'lock');
  await writeFile(file, `${process.pid} pid:[1] theirs\n`);
  // Their heartbeat comes while we wait to see one. The wait is injected, so the stale period costs nothing; it is
  // long so that the lock just written is still fresh when it is read on a loaded machine (300 ms was not, always).
  const sleep = async () => utimes(file, new Date(Date.now() + 1000), new Date(Date.now() + 1000));
  try {
    await StoreLock.acquire(dir, { staleMs: 5000, sleep });
    assert.unreachable('a lock being touched is in use');
  } catch (e) {
    assert.instance(e, StoreInUse);
    assert.match((e as Error).message, /in use by another mail2sms \(process \d+ in another container or PID namespace\)/);
  }
  assert.match(await readFile(file, 'utf8'), /theirs/);
});

L('another container whose owner stopped recently :: taken over once a stale period passed without a touch', async ({ dir }) => {
  await writeFile(join(dir, 'lock'), '7 pid:[1] theirs\n');
  const waits: number[] = [];
  // The wait is injected; the stale period is long so that the lock just written is still fresh when it is read.
  const lock = await StoreLock.acquire(dir, { staleMs: 5000, sleep: async (ms) => void waits.push(ms) });
  assert.is(waits.length, 1, 'it waited once to see a heartbeat');
  assert.ok(waits[0]! > 0 && waits[0]! <= 5050, 'for what was left of the stale period');
  await lock.release();
});

L('heartbeat :: the owner touches its lock while it holds it', async ({ dir }) => {
  const lock = await StoreLock.acquire(dir, { heartbeatMs: 30 });
  const first = (await stat(join(dir, 'lock'))).mtimeMs;
  await waitFor('a touch of the lock', async () => (await stat(join(dir, 'lock'))).mtimeMs > first);
  await lock.release();
});

L('release :: leaves a lock that is no longer ours alone', async ({ dir }) => {
  const first = await StoreLock.acquire(dir);
  await writeFile(join(dir, 'lock'), `${process.pid} newer\n`);
  await first.release();
  assert.is(await readFile(join(dir, 'lock'), 'utf8'), `${process.pid} newer\n`);
});

L.run();
