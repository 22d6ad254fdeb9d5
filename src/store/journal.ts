import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './durable.js';

/**
 * An append-only journal of JSON lines, in numbered segment files
 * (`000001.jsonl`, ...). Appends are group-committed: every record handed
 * in while a write is in flight goes into the next write, and all of them
 * share one fdatasync. A record's promise resolves only once it is on disk,
 * which is what lets SMTP answer 250.
 *
 * Each start opens a new segment, so a torn last line (a crash mid-write)
 * only ever sits at the end of an old segment, where replay may ignore it:
 * it was never acknowledged.
 */

export interface JournalRecord {
  seq: number;
  [k: string]: unknown;
}

export class JournalCorruptError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`journal file ${file} is corrupted at line ${line} (${detail}); it was left untouched`);
    this.name = 'JournalCorruptError';
  }
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

const SEGMENT = /^(\d{6})\.jsonl$/;
const segName = (n: number) => `${String(n).padStart(6, '0')}.jsonl`;

export interface JournalOptions {
  dir: string;
  segmentBytes: number;
  /** Called after each durable batch, in order, before the appenders' promises resolve. */
  onDurable: (records: JournalRecord[]) => void;
  /** Called when a segment was closed because it grew past segmentBytes. */
  onRotate?: () => void;
}

export class Journal {
  private fh?: FileHandle;
  private segment = 0;
  private size = 0;
  private queue: Array<Pending & { rec: JournalRecord }> = [];
  private flushing?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: JournalOptions) {}

  /** Reads every existing segment in order; returns their records. A torn last line of a segment is skipped. */
  async replay(): Promise<{ records: JournalRecord[]; segments: number[]; tornLines: number }> {
    await mkdir(this.opts.dir, { recursive: true });
    const segments = await this.segments();
    const records: JournalRecord[] = [];
    let tornLines = 0;
    for (const n of segments) {
      const file = join(this.opts.dir, segName(n));
      if (parseSegment(file, await readFile(file, 'utf8'), records)) tornLines++;
    }
    return { records, segments, tornLines };
  }

  /** Opens a new segment after the existing ones. */
  async start(): Promise<void> {
    const existing = await this.segments();
    await this.openSegment((existing.at(-1) ?? 0) + 1);
  }

  get currentSegment(): number {
    return this.segment;
  }

  /** Durably appends the records (in order); resolves after fdatasync. */
  append(records: JournalRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    const all = records.map(
      (rec) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ rec, line: JSON.stringify(rec) + '\n', resolve, reject });
        }),
    );
    this.kick();
    return Promise.all(all).then(() => undefined);
  }

  /** Resolves when everything appended so far is on disk (or has failed). */
  async barrier(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Deletes segments older than `before` (their content is in a snapshot). */
  async dropSegmentsBefore(before: number): Promise<void> {
    for (const n of await this.segments()) if (n < before) await unlink(join(this.opts.dir, segName(n)));
  }

  async close(): Promise<void> {
    await this.barrier();
    this.closed = true;
    await this.fh?.close();
    this.fh = undefined;
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.writeBatch(batch.map((p) => p.line).join(''));
      } catch (e) {
        for (const p of batch) p.reject(e as Error);
        continue;
      }
      this.opts.onDurable(batch.map((p) => p.rec));
      for (const p of batch) p.resolve();
      if (this.size >= this.opts.segmentBytes) {
        await this.openSegment(this.segment + 1);
        this.opts.onRotate?.();
      }
    }
  }

  private async writeBatch(data: string): Promise<void> {
    if (!this.fh) await this.openSegment(this.segment + 1);
    const fh = this.fh!;
    const buf = Buffer.from(data, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off, this.size + off)).bytesWritten;
      await fh.datasync();
      this.size += buf.length;
    } catch (e) {
      // A failed write may have left part of a line behind; cut it off so the
      // next batch starts on a clean line. If even that fails, start a fresh
      // segment on the next write: the partial line then ends an old segment.
      await fh.truncate(this.size).catch(() => {
        this.fh = undefined;
        void fh.close().catch(() => undefined);
      });
      throw e;
    }
  }

  private async openSegment(n: number): Promise<void> {
    const old = this.fh;
    const fh = await open(join(this.opts.dir, segName(n)), 'wx');
    await fsyncDir(this.opts.dir);
    this.fh = fh;
    this.segment = n;
    this.size = 0;
    await old?.close();
  }

  private async segments(): Promise<number[]> {
    return segmentNumbers(await readdir(this.opts.dir).catch(() => [] as string[]));
  }
}

function segmentNumbers(names: string[]): number[] {
  return names.flatMap((f) => (SEGMENT.test(f) ? [Number(SEGMENT.exec(f)![1])] : [])).sort((a, b) => a - b);
}

/**
 * Adds a segment's records to `records`; true when its last line is torn (an
 * incomplete write at a crash, or one under way now: never acknowledged).
 */
function parseSegment(file: string, text: string, records: JournalRecord[]): boolean {
  const lines = text.split('\n');
  const last = lines.pop(); // '' when the file ends with a newline
  lines.forEach((l, i) => {
    try {
      records.push(JSON.parse(l) as JournalRecord);
    } catch (e) {
      throw new JournalCorruptError(file, i + 1, (e as Error).message);
    }
  });
  return !!last;
}

/**
 * Every record of the journal in `dir`, read at once, blocking, while it may
 * be written to: for the read-back of spooled messages (read-back.ts says
 * why a segment deleted meanwhile is skipped).
 */
export function readJournalSync(dir: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const n of segmentNumbers(readdirSync(dir))) {
    const file = join(dir, segName(n));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    parseSegment(file, text, records);
  }
  return records;
}
