import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A second bridge on the same store directory would replay, compact and send the same journal: each SMS twice. */
export class StoreInUse extends Error {
  override name = 'StoreInUse';
  constructor(dir: string, readonly pid: number, where: 'here' | 'elsewhere' | 'this process' = 'here') {
    const by = where === 'this process' ? `another bridge in this same process (${pid}): stop that one first` : `another mail2sms (process ${pid}${where === 'elsewhere' ? ' in another container or PID namespace' : ''}); stop that one first`;
    super(`the store directory ${dir} is in use by ${by}, or give this one its own store.dir`);
  }
}

/** This process's PID namespace ("pid:[4026531836]"), '' where /proc does not say. */
export function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/**
 * When this process started, in clock ticks since boot (/proc/self/stat,
 * field 22), '' where /proc does not say: with the process id it names this
 * very process, where the id alone may be an earlier one's (a container's
 * previous run, pid 1 each time).
 */
export function processStart(): string {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted from after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
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

export interface LockOptions {
  pid?: number;
  namespace?: string;
  /** How often the owner touches the lock file. */
  heartbeatMs?: number;
  /** A lock from another PID namespace untouched this long is stale. */
  staleMs?: number;
  /** Waits `ms` (injected in tests). */
  sleep?: (ms: number) => Promise<void>;
}

const mtimeOf = (file: string) => stat(file).then((s) => s.mtimeMs, () => undefined);

/**
 * The store directory's `lock` file, as Postfix's master.pid: it names the
 * owner's process id and PID namespace, and the owner touches it every few
 * seconds. In our own namespace a lock is stale when its process is gone
 * (kill -9, power loss), or names our process id but not our start (an
 * earlier process that had the same id: a container's previous run); that is
 * known at once, so a restart is not delayed. One naming this very process
 * (id and start) is in use: by a second bridge in the same process. A live
 * process that has not touched it for a stale period (its id reused after a
 * reboot by another program) is watched for one more, and the lock taken if
 * it stays untouched. A lock from another namespace (another container on the
 * same volume, where the same process id means nothing here) is stale only
 * when its owner has stopped touching it; the start waits that long to see.
 */
export class StoreLock {
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly file: string, private readonly token: string, heartbeatMs: number) {
    this.timer = setInterval(() => {
      const now = new Date();
      utimes(file, now, now).catch(() => undefined);
    }, heartbeatMs);
    this.timer.unref();
  }

  static async acquire(dir: string, o: LockOptions = {}): Promise<StoreLock> {
    const pid = o.pid ?? process.pid;
    const ns = o.namespace ?? pidNamespace();
    const staleMs = o.staleMs ?? 10_000;
    const file = join(dir, 'lock');
    const start = processStart();
    const token = `${pid} ${ns || '-'} ${start || '-'} ${randomUUID()}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await writeFile(file, token, { flag: 'wx', mode: 0o644 });
        return new StoreLock(file, token, o.heartbeatMs ?? 2000);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const [held, heldNs, heldStart] = (await readFile(file, 'utf8').catch(() => '')).split(' ');
      const holder = Number.parseInt(held ?? '', 10);
      const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      if (holder > 0 && ns && heldNs === ns) {
        if (holder === pid && start && heldStart === start) throw new StoreInUse(dir, holder, 'this process');
        if (holder !== pid && alive(holder)) {
          // After a reboot the id may belong to another program now, which never touches the lock: a running bridge
          // does every heartbeat. Only a lock left untouched for a stale period is watched for one more before it is taken.
          const seen = await mtimeOf(file);
          if (seen === undefined || Date.now() - seen < staleMs) throw new StoreInUse(dir, holder);
          await sleep(staleMs + 50);
          if ((await mtimeOf(file)) !== seen) throw new StoreInUse(dir, holder);
        }
      } else {
        // Another namespace, or a lock still being written by a start at this very moment: only its heartbeat tells.
        const seen = await mtimeOf(file);
        if (seen !== undefined && Date.now() - seen < staleMs) {
          await sleep(staleMs - (Date.now() - seen) + 50);
          const later = await mtimeOf(file);
          if (later !== undefined && later !== seen) throw new StoreInUse(dir, holder, 'elsewhere');
        }
      }
      await unlink(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    throw new Error(`cannot take the lock ${file}: it keeps coming back`);
  }

  /** Stops the heartbeat and removes the lock if it is still ours (a store reopened in this process may hold a newer one). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const now = await readFile(this.file, 'utf8').catch(() => '');
    if (now === this.token) await unlink(this.file).catch(() => undefined);
  }
}
