import type { SnapshotData } from './snapshot.js';
import type { SmsMessage, SmsStatus } from './types.js';

/**
 * The store's duplicate-detection keys: a mail's Message-ID key (a mail
 * server's retry of a mail already stored) and content keys (the same text
 * from the same sender to the same number within a window). A key is
 * remembered once the accept record that carries it is durable, until its
 * window ends; while its batch is being written it is only reserved, so that
 * a second copy of the mail arriving meanwhile is a duplicate too.
 */

/** Final statuses of SMS that never reached the phone. */
const UNSENT: ReadonlySet<SmsStatus> = new Set(['failed', 'expired', 'rejected', 'cancelled']);

/** What a key is remembered for: the SMS that had it first, until when (epoch ms), whether it is a content key. */
interface Remembered {
  id: string;
  until: number;
  content?: true;
}

export class DuplicateKeys {
  private readonly remembered = new Map<string, Remembered>();
  private readonly reserved = new Map<string, string>();

  /** The SMS that had `key` first: remembered and within its window, or in a batch being written now. */
  find(key: string, now: number): string | undefined {
    const d = this.remembered.get(key);
    if (d && d.until > now) return d.id;
    return this.reserved.get(key);
  }

  /** The earlier SMS with the same content, unless it did not go out: sending again after a failure or a cancel is meant. */
  findSameContent(key: string, now: number, live: { get(id: string): SmsMessage | undefined }): string | undefined {
    const id = this.find(key, now);
    const earlier = id === undefined ? undefined : live.get(id);
    return earlier && UNSENT.has(earlier.status) ? undefined : id;
  }

  /** Reserves `key` for `id` while its batch is written; `batch` collects the batch's keys for release(). */
  reserve(key: string, id: string, batch: string[]): void {
    this.reserved.set(key, id);
    batch.push(key);
  }

  release(batch: readonly string[]): void {
    for (const k of batch) this.reserved.delete(k);
  }

  /** A Message-ID key of a durable accept record. */
  remember(key: string, id: string, until: number): void {
    this.remembered.set(key, { id, until });
  }

  /** A content key of a durable accept record. */
  rememberContent(key: string, id: string, until: number): void {
    this.remembered.set(key, { id, until, content: true });
  }

  /** Forgets keys whose window is over, and the content keys of `finished` SMS that never went out. */
  prune(now: number, finished: ReadonlyArray<Pick<SmsMessage, 'id' | 'status'>>): void {
    // A content key of an SMS that never went out must not outlive it: sending that text again is meant.
    const unsent = new Set(finished.filter((m) => UNSENT.has(m.status)).map((m) => m.id));
    for (const [k, d] of this.remembered) if (d.until <= now || (d.content && unsent.has(d.id))) this.remembered.delete(k);
  }

  rows(): SnapshotData['dedup'] {
    return [...this.remembered].map(([k, d]): SnapshotData['dedup'][number] => (d.content ? [k, d.id, d.until, 1] : [k, d.id, d.until]));
  }

  load(rows: SnapshotData['dedup']): void {
    for (const [key, id, until, content] of rows) this.remembered.set(key, content ? { id, until, content: true } : { id, until });
  }
}
