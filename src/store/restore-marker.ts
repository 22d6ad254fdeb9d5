import { readFile, rename } from 'node:fs/promises';
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

/** A marker that cannot be read: whether its backup finished cannot be told, so neither a start nor a release takes it. */
export class UnreadableRestoreMarker extends CannotStart {
  override name = 'UnreadableRestoreMarker';
}

export const markerFile = (dir: string) => join(dir, RESTORE_MARKER);

/**
 * What `mail2sms hold release` leaves of the marker (renamed): a bridge that was stopped at the release settles the
 * SMS the backup caught being handed over at its next start, and must still say that a backup, not a restart, caught them.
 */
export const RELEASED_MARKER = 'restore-hold.released.json';

/** The marker of the last released hold, if any; undefined when there is none or it cannot be read (only wording depends on it). */
export async function readReleasedMarker(dir: string): Promise<RestoreMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, RELEASED_MARKER), 'utf8')) as RestoreMarker;
    return typeof m.finishedAt === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

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
    throw new UnreadableRestoreMarker(`${file} cannot be read (${(e as Error).message}); it marks a store restored from a backup, whose SMS are held, `
      + 'and says whether that backup finished: put back the copy of it the backup wrote, or restore that backup again');
  }
}

export function writeRestoreMarker(dir: string, m: RestoreMarker): Promise<void> {
  return replaceFile(markerFile(dir), JSON.stringify(m, null, 2) + '\n', 0o644);
}

/**
 * Removes the marker of a finished backup (kept as RELEASED_MARKER); returns what it said, undefined
 * when there was none. Throws for an unfinished backup's or an unreadable
 * one: removing it would start the bridge, with no hold, on a copy that may
 * lack parts of the store (review 6 H1).
 */
export async function removeRestoreMarker(dir: string): Promise<RestoreMarker | undefined> {
  const m = await readRestoreMarker(dir);
  if (m && !m.complete) throw new IncompleteBackup(dir, m);
  try {
    await rename(markerFile(dir), join(dir, RELEASED_MARKER));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return m;
}

/** Refuses a store that is the copy of a backup that never finished, before anything in it is opened or written. */
export async function refuseIncompleteBackup(dir: string): Promise<void> {
  const m = await readRestoreMarker(dir);
  if (m && !m.complete) throw new IncompleteBackup(dir, m);
}
