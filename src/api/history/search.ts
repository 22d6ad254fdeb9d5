import { acceptedAtOfId } from '../../store/ids.js';
import { archiveLines, linesContaining, listArchive, type ArchiveFile } from '../../store/archive.js';
import type { SmsMessage } from '../../store/types.js';
import { acceptedAt, matches, needles, type MessageQuery } from './query.js';
import { archivedMessage, type SkippedLines } from './archived.js';

/** Where the history is: the store's live messages in memory and its archive of finished ones on disk. */
export interface HistorySource {
  liveMessages(): Iterable<SmsMessage>;
  readonly archiveDir: string;
  /** Where a line of the archive that is no message is reported (archived.ts); unreported without it. */
  readonly skipped?: SkippedLines;
}

export interface Page {
  limit: number;
  /** Only messages older than this cursor (from a previous page's `next`). */
  after?: string;
}

export interface SearchResult {
  items: SmsMessage[];
  /** Cursor of the next page, when there are more. */
  next?: string;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The archive days that can hold matches. A message is filed under the day
 * of its final status, which lies between its acceptance and at most
 * `lagDays` later (send time ahead, retries, waiting for the receipt).
 */
export function daysFor(q: MessageQuery, lagDays: number): { first?: string; last?: string } {
  let from = q.from ? Date.parse(q.from) : undefined;
  let until = q.until ? Date.parse(q.until) : undefined;
  const idTime = q.id ? acceptedAtOfId(q.id)?.getTime() : undefined;
  if (idTime !== undefined) {
    from = Math.max(from ?? idTime, idTime);
    until = Math.min(until ?? idTime + 1, idTime + 1);
  }
  return {
    first: from === undefined ? undefined : dayOf(from),
    last: until === undefined ? undefined : dayOf(until + lagDays * DAY_MS),
  };
}

export function filesFor(files: ArchiveFile[], q: MessageQuery, lagDays: number): ArchiveFile[] {
  const { first, last } = daysFor(q, lagDays);
  return files.filter((f) => (first === undefined || f.day >= first) && (last === undefined || f.day <= last));
}

/** The messages of one day file that match, each once (a file may repeat a message after a crash); a line that is no message is skipped and logged. */
export async function* matchingInFile(file: string, q: MessageQuery, must = needles(q), skipped?: SkippedLines): AsyncGenerator<SmsMessage> {
  const seen = new Set<string>();
  const lines = must.length ? linesContaining(file, must[0]) : archiveLines(file);
  for await (const line of lines) {
    if (!must.every((n) => line.includes(n))) continue;
    const m = archivedMessage(line);
    if (m === 'torn') continue;
    if ('problem' in m) {
      await skipped?.report(file, line, m.problem);
      continue;
    }
    if (seen.has(m.id) || !matches(m, q)) continue;
    seen.add(m.id);
    yield m;
  }
}

type Key = [at: string, id: string];
const keyOf = (m: SmsMessage): Key => [acceptedAt(m), m.id];
const newer = (a: Key, b: Key) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export const encodeCursor = (m: SmsMessage) => Buffer.from(keyOf(m).join('\n')).toString('base64url');
export function decodeCursor(c: string): Key | undefined {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('\n');
  return at && id ? [at, id] : undefined;
}

/** The `capacity` newest messages offered, newest first, each id once. */
class Newest {
  readonly items: SmsMessage[] = [];
  constructor(private readonly capacity: number) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  offer(m: SmsMessage): void {
    const k = keyOf(m);
    if (this.full && !newer(k, keyOf(this.items.at(-1)!))) return;
    if (this.items.some((x) => x.id === m.id)) return;
    let i = this.items.length;
    while (i > 0 && newer(k, keyOf(this.items[i - 1]))) i--;
    this.items.splice(i, 0, m);
    if (this.items.length > this.capacity) this.items.pop();
  }
}

/**
 * Newest first. Cost: the live messages (in memory), plus reading the
 * archive day files the query's time range can touch, newest day first,
 * stopping as soon as older days cannot hold anything newer than what was
 * found. Lines are tested for the query's literal strings before parsing.
 */
export async function searchMessages(src: HistorySource, q: MessageQuery, page: Page, lagDays: number): Promise<SearchResult> {
  const after = page.after ? decodeCursor(page.after) : undefined;
  const older = (m: SmsMessage) => !after || newer(after, keyOf(m));
  const top = new Newest(page.limit + 1);
  for (const m of src.liveMessages()) if (matches(m, q) && older(m)) top.offer(m);
  const files = filesFor(await listArchive(src.archiveDir), q, lagDays).reverse();
  const must = needles(q);
  for (const f of files) {
    // Everything filed under day f was accepted by the end of that day.
    const oldest = top.items.at(-1);
    if (top.full && oldest && acceptedAt(oldest) > `${f.day}T23:59:59.999Z`) break;
    for await (const m of matchingInFile(f.file, q, must, src.skipped)) if (older(m)) top.offer(m);
  }
  const items = top.items.slice(0, page.limit);
  return { items, ...(top.items.length > page.limit ? { next: encodeCursor(items.at(-1)!) } : {}) };
}

/** One message by id: live, else from the archive days its id points to. */
export async function findMessage(src: HistorySource & { get(id: string): SmsMessage | undefined }, id: string, lagDays: number): Promise<SmsMessage | undefined> {
  const live = src.get(id);
  if (live) return live;
  const q = { id };
  for (const f of filesFor(await listArchive(src.archiveDir), q, lagDays)) {
    for await (const m of matchingInFile(f.file, q, undefined, src.skipped)) if (m.id === id) return m;
  }
  return undefined;
}

/**
 * Every match for an export: the archive's oldest day first, then the live
 * ones; each day's messages by acceptance. The live ones are taken first, so
 * a message archived while the export runs is not missed (and not repeated).
 */
export async function* exportMessages(src: HistorySource, q: MessageQuery, lagDays: number): AsyncGenerator<SmsMessage> {
  const live = [...src.liveMessages()].filter((m) => matches(m, q));
  const liveIds = new Set(live.map((m) => m.id));
  const byAcceptance = (a: SmsMessage, b: SmsMessage) => (newer(keyOf(a), keyOf(b)) ? 1 : -1);
  for (const f of filesFor(await listArchive(src.archiveDir), q, lagDays)) {
    const day: SmsMessage[] = [];
    for await (const m of matchingInFile(f.file, q, undefined, src.skipped)) if (!liveIds.has(m.id)) day.push(m);
    yield* day.sort(byAcceptance);
  }
  yield* live.sort(byAcceptance);
}
