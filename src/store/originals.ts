/**
 * The mails as received, kept for RFC 3461 RET=FULL: a client that asks for
 * the full message in its delivery reports gets the message it sent, not the
 * headers rebuilt from what an SMS keeps of it (notify/returned.ts). One file
 * per mail (`<mail id>.eml`, mode 0600) under the store's `originals/`, kept
 * `notify.returnFullDays` after the last of its SMS falls due (the file's
 * time is set to it) and then removed (at start and every hour). Only mails
 * whose client asked RET=FULL are kept, so others cost nothing, and none
 * larger than `notify.returnFullMaxBytes` (review finding L3): each report
 * would carry it again, and its reports return the headers. Written
 * before the SMS are stored, to a temporary name, synced and renamed: from
 * the store write on a report can be composed, and a copy under its name
 * is whole, crash or not (review 7, M2). A report that finds no copy (not
 * written, or gone at the end of its time) returns the headers and says
 * so, as RFC 3461 §4.3 allows.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './durable.js';

/** How often kept mails past their time are looked for. */
const SWEEP_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Suffix of a copy being written. */
const TEMP = '.tmp';
/** A mail id as newMailId() makes it (store/ids.ts): never a path. */
const MAIL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What became of a mail's copy (Originals.keep). */
export type KeepOutcome = 'kept' | 'off' | 'tooLarge' | 'failed';

export interface OriginalsOptions {
  dir: string;
  days: number;
  /** Larger mails are not kept (notify.returnFullMaxBytes). */
  maxBytes: number;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/** The file a mail's copy is kept in; undefined for anything that is no mail id. */
export function originalFile(dir: string, mailId: string): string | undefined {
  return MAIL_ID.test(mailId) ? join(dir, `${mailId}.eml`) : undefined;
}

/** The mail as received, or undefined when no copy is kept (any more). */
export async function readOriginal(dir: string, mailId: string): Promise<Buffer | undefined> {
  const file = originalFile(dir, mailId);
  return file ? readFile(file).catch(() => undefined) : undefined;
}

export class Originals {
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: OriginalsOptions) {}

  /** The largest mail kept, for the reports of a larger one to name. */
  get maxBytes(): number {
    return this.o.maxBytes;
  }

  /** Removes what is past its time now and every hour. */
  start(): void {
    if (this.o.days <= 0) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS).unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /**
   * Keeps `raw` for the mail's reports, `days` from `dueAt` on (when its last
   * SMS falls due). `off`: none are kept (returnFullDays 0); `tooLarge`: it
   * is larger than `maxBytes`, nothing written; `failed`: it could not be
   * written (logged, never thrown). The reports of a mail not kept return
   * the headers and say why.
   */
  async keep(mailId: string, raw: Buffer, dueAt: Date): Promise<KeepOutcome> {
    const file = originalFile(this.o.dir, mailId);
    if (this.o.days <= 0 || !file) return 'off';
    if (raw.length > this.o.maxBytes) return 'tooLarge';
    const temp = `${file}${TEMP}`;
    try {
      await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
      const fh = await open(temp, 'w', 0o600);
      try {
        await fh.writeFile(raw);
        // The file's time says when it may go (sweep): synced with the data, which fdatasync alone would not do.
        await fh.utimes(dueAt, dueAt);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, file);
      // The name too: after a power loss the SMS stored next must not find only the temporary file.
      await fsyncDir(this.o.dir);
      return 'kept';
    } catch (e) {
      this.o.log('original-not-kept', { mailId, error: (e as Error).message });
      await unlink(temp).catch(() => undefined);
      return 'failed';
    }
  }

  /** The copy of a mail that was kept and then not stored (refused, or a duplicate). */
  async drop(mailId: string): Promise<void> {
    const file = originalFile(this.o.dir, mailId);
    if (file) await unlink(file).catch(() => undefined);
  }

  /** Removes the copies kept longer than `days` (by the file's time: when the mail's last SMS fell due), and what a crash left half written. */
  async sweep(): Promise<void> {
    const names = await readdir(this.o.dir).catch(() => [] as string[]);
    const now = this.o.now().getTime();
    const before = now - this.o.days * DAY_MS;
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const file = join(this.o.dir, name);
      const s = await stat(file).catch(() => undefined);
      if (s && s.mtimeMs < before && (await unlink(file).then(() => true, () => false))) removed++;
    }
    for (const name of names.filter((n) => n.endsWith(TEMP))) {
      const file = join(this.o.dir, name);
      const s = await stat(file).catch(() => undefined);
      // A temporary file of a keep() under way is seconds old; one a day old was left by a crash.
      if (s && s.ctimeMs < now - DAY_MS) await unlink(file).catch(() => undefined);
    }
    if (removed) this.o.log('originals-removed', { removed, days: this.o.days });
  }
}
