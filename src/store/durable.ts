import { randomBytes } from 'node:crypto';
import { appendFile, open, rename, rm } from 'node:fs/promises';
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
 * skip hidden files (MTA pickup directories) ignore it.
 */
export async function replaceFile(file: string, data: string | Buffer, mode = 0o640): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(data);
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
