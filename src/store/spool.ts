import { closeSync, constants, ftruncate, mkdirSync, openSync, readSync, write } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * An append-only scratch file for the JSON of queued SMS that wait for a
 * time far ahead, so that they need not be held in memory (see live.ts).
 * It is a cache of what the journal and the snapshot already hold durably:
 * written without fsync, emptied at every start, never read at start.
 *
 * Two files take turns: appends go to the current one; when most of it is
 * entries nobody points to any more, appends move to the other one, the
 * live entries are copied over (live.ts does that) and the old file is
 * emptied. A location packs the file, the offset and the length of an entry
 * into one number, so that memory holds one number per spooled SMS.
 *
 * An entry is its JSON behind the JSON's CRC-32 (8 hex digits). Nothing here
 * is fsynced, so a page lost to a write-back error, a file cut short or
 * bytes written over by anything else are to be expected; the checksum finds
 * the damage that still parses as JSON (a changed letter of the SMS text),
 * which must never be taken for the message (see live.ts for what is done).
 */

/** Entries longer than this stay in memory. */
export const MAX_ENTRY = 0xffff;
/** The checksum in front of each entry's JSON. */
const SUM = 8;
const MAX_OFFSET = 2 ** 36; // with 16 bits of length and 1 of file, a location stays below 2^53
/** A file is rotated when it is at least this big (by default) and more than half of it is dead. */
const ROTATE_BYTES = 64 * 1024 * 1024;

export type Loc = number;

const pack = (file: number, offset: number, length: number): Loc => offset * 2 ** 17 + length * 2 + file;
const fileOf = (loc: Loc) => loc % 2;
const lengthOf = (loc: Loc) => Math.floor(loc / 2) % 2 ** 16;
const offsetOf = (loc: Loc) => Math.floor(loc / 2 ** 17);

interface Pending {
  buf: Buffer;
  file: number;
  offset: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Spool {
  private readonly fds: number[] = [];
  private readonly size = [0, 0];
  /** Bytes of each file that a location still points to. */
  private readonly used = [0, 0];
  private current = 0;
  private pending: Pending[] = [];
  private flushing?: Promise<void>;
  /** The files' emptying at open, which writes wait for. */
  private emptying?: Promise<void>;

  constructor(private readonly dir: string, private readonly rotateBytes = ROTATE_BYTES) {}

  /**
   * Creates both files, or empties them on the thread pool: truncating the
   * last run's hundred-odd MB takes tens of milliseconds, which a start-up
   * with messages due should not wait for. Writes wait for it (a truncation
   * after a write would cut the write off).
   */
  open(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const n of [0, 1]) this.fds[n] = openSync(join(this.dir, `${n}.jsonl`), constants.O_RDWR | constants.O_CREAT, 0o600);
    this.emptying = Promise.all(this.fds.map(truncate)).then(() => undefined);
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }

  /** The file appends go to; the other one is being emptied or is empty. */
  get appendFile(): number {
    return this.current;
  }

  /**
   * Reserves a place for `json` and writes it there; `written` resolves once
   * a read can find it. Undefined when the entry is too long or the file full.
   */
  append(json: string): { loc: Loc; written: Promise<void> } | undefined {
    const buf = Buffer.from(`${'0'.repeat(SUM)}${json}\n`, 'utf8');
    buf.write(checksum(buf.subarray(SUM, -1)), 'latin1');
    const file = this.current;
    const offset = this.size[file];
    if (buf.length - 1 > MAX_ENTRY || offset + buf.length > MAX_OFFSET) return undefined;
    this.size[file] += buf.length;
    this.used[file] += buf.length - 1;
    const written = new Promise<void>((resolve, reject) => this.pending.push({ buf, file, offset, resolve, reject }));
    this.kick();
    return { loc: pack(file, offset, buf.length - 1), written };
  }

  /** The JSON at `loc` (a synchronous read: from the page cache, as a rule); throws when it cannot be read or is damaged. */
  read(loc: Loc): string {
    const buf = Buffer.allocUnsafe(lengthOf(loc));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fds[fileOf(loc)], buf, got, buf.length - got, offsetOf(loc) + got);
      if (n === 0) throw new Error(`spool entry at ${fileOf(loc)}.jsonl:${offsetOf(loc)} is cut short`);
      got += n;
    }
    const body = buf.subarray(SUM);
    if (buf.toString('latin1', 0, SUM) !== checksum(body)) throw new Error(`spool entry at ${fileOf(loc)}.jsonl:${offsetOf(loc)} is damaged (checksum)`);
    return body.toString('utf8');
  }

  /** Nobody points to `loc` any more. */
  release(loc: Loc): void {
    this.used[fileOf(loc)] -= lengthOf(loc);
  }

  /** Whether appends should move to the other file, so this one can be emptied. */
  get wantsRotation(): boolean {
    const f = this.current;
    return this.size[f] >= this.rotateBytes && this.used[f] * 2 < this.size[f] && this.size[1 - f] === 0;
  }

  /** Appends go to the other file from now on; `fileOf` the old locations says which ones to copy. */
  rotate(): number {
    const old = this.current;
    this.current = 1 - old;
    return old;
  }

  isIn(loc: Loc, file: number): boolean {
    return fileOf(loc) === file;
  }

  /** Empties `file` once nothing points into it any more (appends go to the other one meanwhile). */
  async empty(file: number): Promise<void> {
    await truncate(this.fds[file]);
    this.size[file] = 0;
    this.used[file] = 0;
  }

  /** Resolves when everything appended so far is written (or failed). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    if (this.flushing || !this.pending.length) return;
    // On the next turn, so that the entries of this one share its write.
    this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flush()).finally(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  /** Writes what was appended since the last flush: one write per file (entries of one file lie back to back). */
  private async flush(): Promise<void> {
    await this.emptying;
    const batch = this.pending;
    this.pending = [];
    await Promise.all([0, 1].map(async (file) => {
      const mine = batch.filter((p) => p.file === file);
      if (!mine.length) return;
      const buf = mine.length === 1 ? mine[0].buf : Buffer.concat(mine.map((p) => p.buf));
      try {
        for (let off = 0; off < buf.length; ) off += await writeAt(this.fds[file], buf, off, mine[0].offset + off);
        for (const p of mine) p.resolve();
      } catch (e) {
        for (const p of mine) p.reject(e as Error);
      }
    }));
  }
}

function checksum(json: Buffer): string {
  return crc32(json).toString(16).padStart(SUM, '0');
}

function writeAt(fd: number, buf: Buffer, off: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => write(fd, buf, off, buf.length - off, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Cuts a spool file to nothing. A failure is let be: stale bytes past what
 * this run writes are never read (locations point only at this run's entries).
 */
function truncate(fd: number): Promise<void> {
  return new Promise((resolve) => ftruncate(fd, 0, () => resolve()));
}
