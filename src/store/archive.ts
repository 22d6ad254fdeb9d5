import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { appendDurably } from './durable.js';
import type { SmsMessage } from './types.js';

/**
 * The archive of finished messages: `archive/YYYY-MM-DD.jsonl`, one message
 * per line, filed under the UTC day of its final status. Written by the
 * store's compaction (append-only, fsynced), read by the portal and the API.
 *
 * A crash between archiving and the snapshot that follows makes the next
 * start archive the same messages again: a day file may hold a message
 * twice, always with the same content, so readers drop repeated ids.
 */

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** The day a finished message is filed under. */
export function archiveDayOf(m: SmsMessage): string {
  return (m.history.at(-1)?.at ?? m.mail.receivedAt).slice(0, 10);
}

/** Appends finished messages to their day files, fsynced before the journal may forget them. */
export async function appendToArchive(dir: string, msgs: SmsMessage[]): Promise<void> {
  if (!msgs.length) return;
  await mkdir(dir, { recursive: true });
  const byDay = new Map<string, string[]>();
  for (const m of msgs) {
    const day = archiveDayOf(m);
    const lines = byDay.get(day);
    if (lines) lines.push(JSON.stringify(m));
    else byDay.set(day, [JSON.stringify(m)]);
  }
  for (const [day, lines] of byDay) await appendDurably(join(dir, `${day}.jsonl`), lines.join('\n') + '\n');
}

export interface ArchiveFile {
  day: string;
  file: string;
  size: number;
}

/** The day files, oldest first. */
export async function listArchive(dir: string): Promise<ArchiveFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const days = names.flatMap((n) => DAY_FILE.exec(n)?.[1] ?? []).sort();
  const out: ArchiveFile[] = [];
  for (const day of days) {
    const file = join(dir, `${day}.jsonl`);
    const s = await stat(file).catch(() => undefined);
    if (s) out.push({ day, file, size: s.size });
  }
  return out;
}

const CHUNK = 1 << 20;

/**
 * The complete lines of a day file, in order, read in 1 MiB chunks (never
 * the whole file at once). A last line without its newline is being written
 * (or was torn by a crash) and is left out; `end` is where the complete
 * lines stop, for a reader that wants to notice growth later.
 */
export async function* archiveLines(file: string, stats?: { end: number }): AsyncGenerator<string> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    let rest = '';
    let consumed = 0;
    // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const text = rest + decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        consumed += Buffer.byteLength(l) + 1;
        if (stats) stats.end = consumed;
        if (l) yield l;
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * The complete lines of a day file that contain `needle`, found in the raw
 * bytes: lines without it are never decoded, so looking for a reference or
 * a number costs little more than reading the file.
 */
export async function* linesContaining(file: string, needle: string): AsyncGenerator<string> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return;
  const want = Buffer.from(needle, 'utf8');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let carry = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let at = buf.indexOf(want);
      while (at >= 0) {
        const start = buf.lastIndexOf(10, at) + 1;
        const end = buf.indexOf(10, at);
        if (end < 0) break; // the rest of this line comes with the next chunk
        yield buf.toString('utf8', start, end);
        at = buf.indexOf(want, end + 1);
      }
      // An unfinished last line goes on in the next chunk (copied: the chunk buffer is reused).
      carry = Buffer.from(buf.subarray(buf.lastIndexOf(10) + 1));
    }
  } finally {
    await fh.close();
  }
}
