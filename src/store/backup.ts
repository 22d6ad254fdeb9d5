import { hostname } from 'node:os';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fsyncDir } from './durable.js';
import { RELEASED_MARKER, RESTORE_MARKER, writeRestoreMarker, type RestoreMarker } from './restore-marker.js';

/**
 * A consistent copy of a store directory, taken while the bridge runs (or
 * not), without asking it anything. The order makes it consistent, as the
 * store's own crash safety does:
 *
 * 1. The journal segments that exist now, oldest first, each up to its last
 *    complete line. Every mail that got its 250 before this is in one of
 *    them (nothing is acknowledged before its line is fsynced), or in a
 *    segment that compaction deletes meanwhile — and compaction deletes a
 *    segment only after state.json holding all of it was renamed into place.
 * 2. state.json, after all segments: so it is at least as new as any segment
 *    that was gone when its turn came. Its seq tells the start which records
 *    of the copied segments it already holds (memory.ts replay).
 * 3. Everything else, after state.json: a message missing from the copied
 *    state.json was archived before it was written (compaction archives
 *    first), so the archive copied now has it; one archived twice is read
 *    once (archive.ts). Files written whole (settings.json, ...) are replaced
 *    atomically, so any moment's copy is whole; appended ones (.jsonl, .tsv)
 *    are cut after their last complete line.
 *
 * The bridge's own scratch and derived files are left out. The copy's
 * restore-hold.json (restore-marker.ts) is written first, marked incomplete,
 * and last, complete, with the moment the copy ends.
 */

/** Derived, scratch or the running process's own: rebuilt or made afresh at the next start. */
const LEFT_OUT = new Set(['spool', 'stats-cache.json', 'api.json', 'lock', 'settings.json.lock', RESTORE_MARKER, RELEASED_MARKER]);
/** Files only ever appended to: a last line without its newline is being written (or torn), and is left out. */
const APPENDED = /\.(jsonl|tsv)$/;
/** replaceFile's temp files (durable.ts), and the outbox's. */
const TEMP = /^\..*\.tmp$/;
const SEGMENT = /^\d{6}\.jsonl$/;
const CHUNK = 1 << 20;

export interface CopiedFile {
  /** Relative to the store directory, with '/'. */
  path: string;
  bytes: number;
  /** Bytes of an unfinished last line left out. */
  cut: number;
}

export interface BackupOptions {
  source: string;
  target: string;
  /** More paths (relative to the source) to leave out: the confirmation outbox, the simulator's record. */
  leaveOut?: string[];
  now?: () => Date;
  /** Told of each file once it is copied; the copy goes on when it returns (or its promise resolves). */
  onFile?: (f: CopiedFile) => void | Promise<void>;
}

export interface BackupResult {
  files: CopiedFile[];
  bytes: number;
  segments: number;
  /** Journal segments compaction deleted before their turn (their content is in the copied state.json). */
  gone: string[];
  marker: RestoreMarker;
}

/** Refused before anything was written (a target in use, no store at the source). */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

export async function takeBackup(o: BackupOptions): Promise<BackupResult> {
  const now = o.now ?? (() => new Date());
  const source = resolve(o.source);
  const target = resolve(o.target);
  await refuseUnfit(source, target);
  const marker: RestoreMarker = { version: 1, complete: false, source, host: hostname(), startedAt: now().toISOString() };
  await mkdir(target, { recursive: true, mode: 0o700 });
  await writeRestoreMarker(target, marker);
  const copy = new Copier(source, target, o.onFile);
  const gone: string[] = [];
  const segments = (await readdir(join(source, 'journal')).catch(() => [] as string[])).filter((n) => SEGMENT.test(n)).sort();
  for (const name of segments) if (!(await copy.file(`journal/${name}`))) gone.push(name);
  await copy.file('state.json');
  const skip = new Set([...LEFT_OUT, 'journal', 'state.json', ...(o.leaveOut ?? []).map((p) => p.split(sep).join('/'))]);
  await copy.tree('', skip);
  await copy.syncDirs();
  const done: RestoreMarker = { ...marker, complete: true, finishedAt: now().toISOString() };
  await writeRestoreMarker(target, done);
  return { files: copy.files, bytes: copy.files.reduce((n, f) => n + f.bytes, 0), segments: segments.length - gone.length, gone, marker: done };
}

async function refuseUnfit(source: string, target: string): Promise<void> {
  const has = (p: string) => stat(join(source, p)).then(() => true, () => false);
  if (!(await has('journal')) && !(await has('state.json'))) throw new BackupRefused(`${source} holds no mail2sms store (no journal/, no state.json): is store.dir right?`);
  const inside = relative(source, target);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new BackupRefused(`the backup cannot go into the store directory itself (${target}): give a directory outside ${source}`);
  }
  const there = await readdir(target).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOTDIR' && (await stat(target).catch(() => undefined))) throw new BackupRefused(`${target} is a file: a backup goes into a new or empty directory`);
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return refuseMissingParent(target);
    throw new BackupRefused(`cannot use ${target}: ${e.message}`);
  });
  if (there.length) throw new BackupRefused(`${target} is not empty: a backup goes into a new or empty directory, never over another`);
}

/**
 * A backup makes its own directory, not the path to it: a mistyped parent
 * (/var/backpus/…) would otherwise fill another disk, or the root one, unnoticed.
 */
async function refuseMissingParent(target: string): Promise<string[]> {
  const parent = dirname(target);
  const found = await stat(parent).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new BackupRefused(`${parent} ${found ? 'is a file' : 'does not exist'}: a backup makes only its own directory, in one that exists (is the path right? `
      + `README: install -d -o mail2sms -m 0700 /var/backups/mail2sms once)`);
  }
  return [];
}

class Copier {
  readonly files: CopiedFile[] = [];
  private readonly dirs = new Set<string>();

  constructor(private readonly source: string, private readonly target: string, private readonly onFile?: (f: CopiedFile) => void | Promise<void>) {}

  /** Copies one file (false when it is gone); appended ones up to their last complete line. */
  async file(path: string): Promise<boolean> {
    const from = await open(join(this.source, path), 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!from) return false;
    try {
      const { size, mode, atime, mtime } = await from.stat();
      const dest = join(this.target, path);
      await this.dir(dirname(dest));
      const to = await open(dest, 'wx', mode & 0o777);
      try {
        const kept = await copyBytes(from, to, size, APPENDED.test(path));
        // File times are data here: a RET=FULL original's says when it may go (originals.ts), so they are copied
        // and synced with the rest (fdatasync would leave them out).
        await to.utimes(atime, mtime);
        await to.sync();
        this.files.push({ path, bytes: kept, cut: size - kept });
      } finally {
        await to.close();
      }
    } finally {
      await from.close();
    }
    await this.onFile?.(this.files.at(-1)!);
    return true;
  }

  /** Copies the directory `rel` of the source (recursively) but for the names in `skip` (relative paths). */
  async tree(rel: string, skip: Set<string>): Promise<void> {
    const entries = await readdir(join(this.source, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (skip.has(path) || TEMP.test(e.name)) continue;
      if (e.isDirectory()) {
        await this.dir(join(this.target, path));
        await this.tree(path, skip);
      } else if (e.isFile()) await this.file(path);
    }
  }

  /** Makes every directory entry of the copy durable. */
  async syncDirs(): Promise<void> {
    for (const d of this.dirs) await fsyncDir(d);
    await fsyncDir(this.target);
  }

  private async dir(d: string): Promise<void> {
    if (this.dirs.has(d)) return;
    await mkdir(d, { recursive: true, mode: 0o700 });
    this.dirs.add(d);
  }
}

/** Copies the first `size` bytes; with `lines`, only up to the last newline among them. Returns the bytes kept. */
async function copyBytes(from: FileHandle, to: FileHandle, size: number, lines: boolean): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let lastNewline = -1;
  while (pos < size) {
    const { bytesRead } = await from.read(buf, 0, Math.min(CHUNK, size - pos), pos);
    if (bytesRead === 0) break;
    const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl >= 0) lastNewline = pos + nl;
    for (let off = 0; off < bytesRead; ) off += (await to.write(buf, off, bytesRead - off, pos + off)).bytesWritten;
    pos += bytesRead;
  }
  if (!lines || lastNewline + 1 === pos) return pos;
  await to.truncate(lastNewline + 1);
  return lastNewline + 1;
}
