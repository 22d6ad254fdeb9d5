import { randomUUID } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A second bridge on the same store directory would replay, compact and send the same journal: each SMS twice. */
export class StoreInUse extends Error {
  override name = 'StoreInUse';
  constructor(dir: string, readonly pid: number) {
    super(`the store directory ${dir} is in use by another mail2sms (process ${pid}); stop that one first, or give this one its own store.dir`);
  }
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The store directory's `lock` file, as Postfix's master.pid: it holds the
 * owner's process id. A lock whose process is gone (kill -9, power loss) is
 * stale and taken over; so is one naming our own process id, which a
 * container restart gives to the new process (PID 1 again). Two starts at
 * the very same moment over a stale lock could both take it: this guards
 * against the operator's mistake of a second start, not against a race.
 */
export class StoreLock {
  private constructor(private readonly file: string, private readonly token: string) {}

  static async acquire(dir: string, pid = process.pid): Promise<StoreLock> {
    const file = join(dir, 'lock');
    const token = `${pid} ${randomUUID()}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await writeFile(file, token, { flag: 'wx', mode: 0o644 });
        return new StoreLock(file, token);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (holder > 0 && holder !== pid && alive(holder)) throw new StoreInUse(dir, holder);
      await unlink(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    throw new Error(`cannot take the lock ${file}: it keeps coming back`);
  }

  /** Removes the lock if it is still ours (a store reopened in this process may hold a newer one). */
  async release(): Promise<void> {
    const now = await readFile(this.file, 'utf8').catch(() => '');
    if (now === this.token) await unlink(this.file).catch(() => undefined);
  }
}
