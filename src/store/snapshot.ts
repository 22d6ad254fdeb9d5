import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { replaceFile } from './durable.js';
import { StoreTooNew } from './format.js';
import type { InboundReply, SmsMessage } from './types.js';
import type { RecentRow } from './recent.js';
import type { ReplyIndexRow } from './reply-index.js';
import type { UsageRow } from './usage.js';

/** The compacted live state: what the journal up to `seq` amounts to. */
export interface SnapshotData {
  version: 1;
  /** Last journal record included. */
  seq: number;
  savedAt: string;
  messages: SmsMessage[];
  /** [key, message id, remembered until (epoch ms), 1 for a content key (duplicate detection by content)]. */
  dedup: Array<[string, string, number] | [string, string, number, 1]>;
  /** Segments per account and hour, for quotas (absent in snapshots written before quotas existed). */
  usage?: UsageRow[];
  /** SMS per account and number within the last hour, for the per-number cap and the rate (absent before they survived restarts). */
  recent?: RecentRow[];
  /** Handsets' replies whose forwarding mail is not sent yet (absent before replies were forwarded). */
  replies?: InboundReply[];
  /** The SMS within the reply window that a handset can answer (reply-index.ts; absent with forwarding off). */
  replyIndex?: ReplyIndexRow[];
}

export class SnapshotCorruptError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`state file ${file} cannot be read (${detail}); it was left untouched — restore it from a backup or move it away to start from the journal alone`);
    this.name = 'SnapshotCorruptError';
  }
}

/**
 * lowdb's own JSONFile adapter renames a temp file into place without
 * fsync, so after a power cut the snapshot could be empty while the journal
 * segments it replaced are gone. This adapter fsyncs the file and the
 * directory before the rename counts as done.
 */
class DurableJsonFile implements Adapter<SnapshotData> {
  constructor(private readonly file: string) {}

  async read(): Promise<SnapshotData | null> {
    return parseSnapshot(this.file, await readFile(this.file, 'utf8').catch(missing));
  }

  /** Messages already as JSON that the next write adds after data.messages (see Snapshot.write). */
  raw: Iterable<string> = [];

  write(data: SnapshotData): Promise<void> {
    const raw = this.raw;
    this.raw = [];
    return replaceFile(this.file, snapshotJson(data, 500, raw));
  }
}

const missing = (e: NodeJS.ErrnoException): null => {
  if (e.code === 'ENOENT') return null;
  throw e;
};

function parseSnapshot(file: string, text: string | null): SnapshotData | null {
  if (text === null) return null;
  let data: SnapshotData;
  try {
    data = JSON.parse(text) as SnapshotData;
  } catch (e) {
    throw new SnapshotCorruptError(file, (e as Error).message);
  }
  // A newer version's state is not damaged: "move it away" would lose what its deleted journal segments held.
  if (typeof data?.version === 'number' && data.version > 1) throw new StoreTooNew(`the state file ${file}`, data.version);
  if (data?.version !== 1 || !Array.isArray(data.messages)) throw new SnapshotCorruptError(file, 'unknown format');
  return data;
}

/**
 * The snapshot read at once, blocking: for the read-back of spooled messages
 * (read-back.ts), which answers a synchronous get. Null when there is none.
 */
export function readSnapshotSync(file: string): SnapshotData | null {
  let text: string | null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    text = missing(e as NodeJS.ErrnoException);
  }
  return parseSnapshot(file, text);
}

/**
 * JSON.stringify(data), produced in pieces of a few hundred messages: one
 * string of the whole state would need its full size in memory at once and
 * block the event loop (SMTP answers) for as long as it takes to build.
 * `rawMessages` are more messages, already as JSON (the spooled ones, see live.ts).
 */
export function* snapshotJson(d: SnapshotData, per = 500, rawMessages: Iterable<string> = []): Generator<string> {
  // The small parts (version, seq, usage, …) as JSON.stringify writes them, then the two big lists in pieces.
  const { messages, dedup, recent, replyIndex, ...small } = d;
  const head = JSON.stringify(small);
  yield `${head.slice(0, -1)}${head === '{}' ? '' : ','}"messages":[`;
  for (let i = 0; i < messages.length; i += per) {
    yield (i ? ',' : '') + messages.slice(i, i + per).map((m) => JSON.stringify(m)).join(',');
  }
  let piece: string[] = [];
  let first = messages.length === 0;
  for (const json of rawMessages) {
    piece.push(json);
    if (piece.length < per) continue;
    yield (first ? '' : ',') + piece.join(',');
    [piece, first] = [[], false];
  }
  if (piece.length) yield (first ? '' : ',') + piece.join(',');
  yield '],"dedup":[';
  yield* inPieces(dedup, per * 10);
  if (recent) {
    yield '],"recent":[';
    yield* inPieces(recent, per * 10);
  }
  if (replyIndex) {
    yield '],"replyIndex":[';
    yield* inPieces(replyIndex, per * 10);
  }
  yield ']}';
}

function* inPieces(list: readonly unknown[], per: number): Generator<string> {
  for (let i = 0; i < list.length; i += per) yield (i ? ',' : '') + list.slice(i, i + per).map((e) => JSON.stringify(e)).join(',');
}

export class Snapshot {
  private readonly db: Low<SnapshotData | null>;
  private readonly file: DurableJsonFile;

  constructor(file: string) {
    this.file = new DurableJsonFile(file);
    this.db = new Low<SnapshotData | null>(this.file as Adapter<SnapshotData | null>, null);
  }

  async read(): Promise<SnapshotData | null> {
    await this.db.read();
    const data = this.db.data;
    this.db.data = null; // the store holds the state from here on; lowdb need not keep it alive
    return data;
  }

  /** Writes `data`, with `rawMessages` (already JSON: see LiveMessages.cut) after data.messages. */
  async write(data: SnapshotData, rawMessages: Iterable<string> = []): Promise<void> {
    this.file.raw = rawMessages;
    this.db.data = data;
    try {
      await this.db.write();
    } finally {
      this.db.data = null;
    }
  }
}
