import { createRequire, syncBuiltinESMExports } from 'node:module';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DurableDir } from '../../src/store/durable.js';

/**
 * DurableDir's group commit. Faults and counts are injected at the node:fs
 * layer it writes through, as in the journal's store-failure tests.
 */
const D = suite<{ dir: string }>('store durable dir');
D.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'durable-'));
});
D.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const require = createRequire(import.meta.url);
type Fs = Record<string, (...a: never[]) => unknown>;

/** Replaces node:fs `fn` (and node:fs/promises `pfn`) with wrappers for the duration of `body`. */
async function patched<T>(wrap: { fs?: Record<string, (orig: Function) => Function>; fsp?: Record<string, (orig: Function) => Function> }, body: () => Promise<T>): Promise<T> {
  const saved: Array<[Fs, string, Function]> = [];
  for (const [mod, fns] of [[require('node:fs') as Fs, wrap.fs ?? {}], [require('node:fs/promises') as Fs, wrap.fsp ?? {}]] as const) {
    for (const [name, make] of Object.entries(fns)) {
      saved.push([mod, name, mod[name]]);
      mod[name] = make(mod[name]) as Fs[string];
    }
  }
  syncBuiltinESMExports();
  try {
    return await body();
  } finally {
    for (const [mod, name, orig] of saved) mod[name] = orig as Fs[string];
    syncBuiltinESMExports();
  }
}

D('group commit :: 100 files handed in together are all durable after far fewer directory fsyncs, no temp files left', async ({ dir }) => {
  const out = join(dir, 'outbox');
  let dirSyncs = 0;
  const files = await patched({
    fsp: { open: (orig) => (path: string, flags: string, ...rest: unknown[]) => {
      if (path === out && flags === 'r') dirSyncs++;
      return orig(path, flags, ...rest);
    } },
  }, () => {
    const d = new DurableDir(out);
    return Promise.all(Array.from({ length: 100 }, (_, i) => d.replace(`f${i}.eml`, `mail ${i}\r\n`)));
  });
  assert.equal(files, Array.from({ length: 100 }, (_, i) => join(out, `f${i}.eml`)));
  assert.ok(dirSyncs >= 1 && dirSyncs < 10, `${dirSyncs} directory fsyncs for 100 files`);
  assert.is((await readdir(out)).length, 100);
  assert.is(await readFile(join(out, 'f42.eml'), 'utf8'), 'mail 42\r\n');
});

D('group commit :: one file whose fdatasync fails :: only that one is refused, its temp file removed; the others are in place', async ({ dir }) => {
  const d = new DurableDir(dir);
  let n = 0;
  const results = await patched({
    fs: { fdatasync: (orig) => (fd: number, cb: (e: Error | null) => void) => {
      if (n++ === 1) return cb(Object.assign(new Error('EIO: simulated, fdatasync'), { code: 'EIO' }));
      return orig(fd, cb);
    } },
  }, () => Promise.allSettled(['a', 'b', 'c'].map((x) => d.replace(`${x}.eml`, x))));
  assert.equal(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /EIO/);
  assert.equal((await readdir(dir)).sort(), ['a.eml', 'c.eml']);
});

D('group commit :: disk full while writing one file :: that one is refused, nothing half-written stays; the next write works', async ({ dir }) => {
  const d = new DurableDir(dir);
  const full = await patched({
    fs: { writeSync: (orig) => (fd: number, buf: Buffer, ...rest: unknown[]) => {
      if (buf.toString().startsWith('big')) throw Object.assign(new Error('ENOSPC: simulated, write'), { code: 'ENOSPC' });
      return orig(fd, buf, ...rest);
    } },
  }, () => Promise.allSettled([d.replace('big.eml', 'big mail'), d.replace('small.eml', 'small')]));
  assert.equal(full.map((r) => r.status), ['rejected', 'fulfilled']);
  assert.equal(await readdir(dir), ['small.eml']);
  await d.replace('big.eml', 'big mail');
  assert.is(await readFile(join(dir, 'big.eml'), 'utf8'), 'big mail');
});

D('directory fsync fails :: every file of that batch is refused (its name may not survive a power cut)', async ({ dir }) => {
  const d = new DurableDir(dir);
  const results = await patched({
    fsp: { open: (orig) => async (path: string, flags: string, ...rest: unknown[]) => {
      if (path === dir && flags === 'r') throw Object.assign(new Error('EIO: simulated, open'), { code: 'EIO' });
      return orig(path, flags, ...rest);
    } },
  }, () => Promise.allSettled([d.replace('a.eml', 'a'), d.replace('b.eml', 'b')]));
  assert.equal(results.map((r) => r.status), ['rejected', 'rejected']);
});

D.run();
