import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * File writes that survive a power cut: data fsynced before it counts, and
 * the directory fsynced after a file appears or is renamed into place. Used
 * by the store (snapshot, archive, journal segments) and the file outbox.
 */

/** Makes a created or renamed file's directory entry durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some platforms and file systems cannot fsync a directory; the file itself is synced.
    if (!['EINVAL', 'EISDIR', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data` atomically: a reader sees the old or the new
 * complete file, never a part. The temp file is dot-prefixed so watchers that
 * skip hidden files (MTA pickup directories) ignore it. Data too big to hold
 * as one string (the state snapshot with 100,000 live messages is ~150 MB of
 * JSON) comes as chunks, written one at a time: memory holds one chunk and the
 * event loop runs between them.
 */
export async function replaceFile(file: string, data: string | Uint8Array | Iterable<string>, mode = 0o640): Promise<void> {
  const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', mode);
    try {
      for (const chunk of chunks) await handle.writeFile(chunk); // each one after the last
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(file));
}

/** Appends to `file` and fdatasyncs it. */
export async function appendDurably(file: string, data: string): Promise<void> {
  await appendFile(file, data);
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Atomic replaces of many files in one directory (the confirmation outbox):
 * each file is written and fsynced under a temp name and renamed into place,
 * and concurrent writers share the directory fsync that makes their renames
 * durable (group commit: a writer waits for a directory sync that started
 * after its rename). The directory is created on first use. Temp names are
 * dot-prefixed like replaceFile's and unique per process without random bytes.
 */
export class DurableDir {
  private created?: Promise<unknown>;
  private syncing?: Promise<void>;
  private nextSync?: Promise<void>;
  private temps = 0;

  constructor(readonly dir: string, private readonly mode = 0o640) {}

  /** Replaces `name` in the directory with `data`; resolves with its path once the file and its name are durable. */
  async replace(name: string, data: string | Buffer): Promise<string> {
    this.created ??= mkdir(this.dir, { recursive: true }).catch((e) => { this.created = undefined; throw e; });
    await this.created;
    const file = join(this.dir, name);
    const temp = join(this.dir, `.${name}.${process.pid}-${++this.temps}.tmp`);
    try {
      await writeFile(temp, data, { mode: this.mode, flush: true });
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      // The folder may have been removed underneath us: create it again on the next write.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.created = undefined;
      throw err;
    }
    await this.syncDir();
    return file;
  }

  private syncDir(): Promise<void> {
    if (!this.syncing) {
      this.syncing = fsyncDir(this.dir).finally(() => (this.syncing = undefined));
      return this.syncing;
    }
    // One is running, started maybe before our rename: the next one covers us and everyone waiting with us.
    this.nextSync ??= this.syncing.catch(() => undefined).then(() => {
      this.nextSync = undefined;
      return this.syncDir();
    });
    return this.nextSync;
  }
}
