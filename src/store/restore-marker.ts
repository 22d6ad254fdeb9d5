import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CannotStart } from '../cannot-start.js';
import { replaceFile } from './durable.js';

/**
 * The file a backup writes into its copy (backup.ts), so that a bridge
 * started on the copy — a restore — holds back the SMS the copy holds: the
 * bridge the backup was taken of may have sent them after the backup, and
 * nothing in the copy can know. It is written first, saying the copy is
 * incomplete, and again last, saying up to when the copy goes: a bridge
 * refuses a copy that never got its last write.
 */
export const RESTORE_MARKER = 'restore-hold.json';

export interface RestoreMarker {
  version: 1;
  /** False until the backup has copied everything. */
  complete: boolean;
  /** The store directory the backup was taken of, and on which host. */
  source: string;
  host: string;
  startedAt: string;
  /** When the copy was finished: every SMS in it was accepted before then. Absent while incomplete. */
  finishedAt?: string;
}

/** A copy whose backup did not finish (killed, disk full): parts of the store may be missing. */
export class IncompleteBackup extends CannotStart {
  override name = 'IncompleteBackup';
  constructor(dir: string, m: RestoreMarker) {
    super(`the store directory ${dir} holds an incomplete backup (of ${m.source} on ${m.host}, begun ${m.startedAt}, never finished): `
      + 'parts of the store may be missing; restore a backup whose "mail2sms backup" ended with "backup complete"');
  }
}

export const markerFile = (dir: string) => join(dir, RESTORE_MARKER);

/** The marker in `dir`, undefined when there is none; throws when it cannot be read (a restore must not pass unnoticed). */
export async function readRestoreMarker(dir: string): Promise<RestoreMarker | undefined> {
  const file = markerFile(dir);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text === undefined) return undefined;
  try {
    const m = JSON.parse(text) as RestoreMarker;
    if (m.version !== 1 || typeof m.complete !== 'boolean' || (m.complete && typeof m.finishedAt !== 'string')) throw new Error('unknown format');
    return m;
  } catch (e) {
    throw new Error(`${file} cannot be read (${(e as Error).message}); it marks a store restored from a backup, whose SMS are held until released: `
      + 'check the queued SMS, then remove it with mail2sms hold release');
  }
}

export function writeRestoreMarker(dir: string, m: RestoreMarker): Promise<void> {
  return replaceFile(markerFile(dir), JSON.stringify(m, null, 2) + '\n', 0o644);
}

/** Removes the marker; returns what it said, undefined when there was none. */
export async function removeRestoreMarker(dir: string): Promise<RestoreMarker | undefined> {
  const m = await readRestoreMarker(dir).catch(() => undefined);
  try {
    await unlink(markerFile(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return m ?? { version: 1, complete: true, source: '?', host: '?', startedAt: '?' };
}

/** Refuses a store that is the copy of a backup that never finished, before anything in it is opened or written. */
export async function refuseIncompleteBackup(dir: string): Promise<void> {
  const m = await readRestoreMarker(dir);
  if (m && !m.complete) throw new IncompleteBackup(dir, m);
}
