import { Spool, type Loc } from './spool.js';
import type { SmsMessage } from './types.js';

/**
 * The store's live messages: queued, in flight, or with a confirmation still
 * owed. Most are objects in memory ("hot"). A queued SMS that waits for a
 * time far ahead and owes nothing (tomorrow's reminders, after their
 * acceptance confirmation) can be "cold": its JSON goes to the spool
 * (spool.ts) and memory keeps its id and one number for where it lies,
 * as Postfix keeps its deferred queue on disk. In memory a hot SMS took
 * ~1.8 KB of heap (its strings, objects and arrays), a cold one takes ~0.1 KB.
 *
 * A cold SMS becomes hot again (read back, one synchronous read from the page
 * cache as a rule) when anyone asks for it by id or changes it, so there is
 * only ever one object per id and changes go to that object. Iterating all
 * live messages (read models) gives cold ones as copies, left cold.
 *
 * The spool is a cache: the journal and the snapshot hold every message
 * durably whether it is hot or cold, so a failed spool write only means the
 * message stays in memory.
 */
export interface LiveOptions {
  dir: string;
  /** Whether a hot message may leave memory now (the store's rule). */
  coolable: (m: SmsMessage) => boolean;
  log?: (evt: string, data: Record<string, unknown>) => void;
  now?: () => number;
  /** Spool file size from which it is rotated (spool.ts); small in tests. */
  rotateBytes?: number;
}

/** After a failed spool write (disk full, say) nothing is spooled for this long: messages stay in memory meanwhile. */
const PAUSE_AFTER_FAILURE_MS = 60_000;

/** A consistent cut of all live messages as JSON, for a snapshot (see `cut`). */
export interface Cut {
  count: number;
  json: Iterable<string>;
  release(): void;
}

export class LiveMessages {
  private readonly hot = new Map<string, SmsMessage>();
  private readonly cold = new Map<string, Loc>();
  /** Hot messages whose JSON is being written to the spool, with the place it goes to; a change takes them out. */
  private readonly cooling = new Map<string, Loc>();
  private readonly spool: Spool;
  private readonly now: () => number;
  private moving?: Promise<void>;
  /** Readers of cold entries under way (a snapshot, a read model): the spool file they read must not be emptied meanwhile. */
  private readers = 0;
  /** Read back by a mere look (get): they leave memory again shortly, if they still may. */
  private readonly looked = new Set<string>();
  private lookTimer?: NodeJS.Timeout;
  private pausedUntil = 0;
  private closing = false;
  /** The pass of considerAll under way; a new one (or close) ends it. */
  private sweep?: object;
  /** Hot messages of the snapshot being written that it has not written yet, and the JSON of those changed meanwhile. */
  private snap?: { unwritten: Set<SmsMessage>; before: Map<SmsMessage, string> };

  constructor(private readonly o: LiveOptions) {
    this.spool = new Spool(o.dir, o.rotateBytes);
    this.now = o.now ?? Date.now;
  }

  /** Resolves when no message is on its way to the spool or between its files. */
  async settled(): Promise<void> {
    await this.spool.settled();
    await this.moving;
    await this.spool.settled();
  }

  open(): void {
    this.spool.open();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.sweep = undefined;
    clearTimeout(this.lookTimer);
    await this.moving;
    await this.spool.settled();
    this.spool.close();
  }

  get size(): number {
    return this.hot.size + this.cold.size;
  }

  /** How many are cold (all of them queued, status `accepted`). */
  get coldCount(): number {
    return this.cold.size;
  }

  has(id: string): boolean {
    return this.hot.has(id) || this.cold.has(id);
  }

  /** The message, read back into memory when it was cold (and let go again soon unless it changes). */
  get(id: string): SmsMessage | undefined {
    const hot = this.hot.get(id);
    if (hot) return hot;
    const m = this.thaw(id);
    if (m) this.lookedAt(id);
    return m;
  }

  /** For a change: the message, read back into memory when it was cold. */
  take(id: string): SmsMessage | undefined {
    const m = this.hot.get(id) ?? this.thaw(id);
    if (!m) return undefined;
    this.cooling.delete(id);
    this.looked.delete(id);
    // The snapshot being written still needs it as it was.
    if (this.snap?.unwritten.delete(m)) this.snap.before.set(m, JSON.stringify(m));
    return m;
  }

  set(m: SmsMessage): void {
    this.forgetCold(m.id);
    this.cooling.delete(m.id);
    this.hot.set(m.id, m);
  }

  delete(id: string): void {
    this.forgetCold(id);
    this.cooling.delete(id);
    this.hot.delete(id);
  }

  hotValues(): IterableIterator<SmsMessage> {
    return this.hot.values();
  }

  /** Hot ones as they are, then cold ones as copies read from the spool (left cold). */
  *values(): Generator<SmsMessage> {
    yield* this.hot.values();
    const locs = [...this.cold.values()];
    this.readers++;
    try {
      for (const loc of locs) yield JSON.parse(this.spool.read(loc)) as SmsMessage;
    } finally {
      this.readers--;
    }
  }

  /**
   * Every live message as JSON, as it is now, for a snapshot that is written
   * while the store goes on: the hot ones are serialised as the writer gets
   * to them, except that one changed meanwhile is serialised just before its
   * change (take); the cold ones are spool entries, which never change (a
   * change is made on a copy read back). So each message is in the cut
   * exactly once and as of the same moment, whether it moves between memory
   * and spool meanwhile or not. One cut at a time; `release` must follow.
   */
  cut(): Cut {
    if (this.snap) throw new Error('a snapshot cut is under way already');
    const hot = [...this.hot.values()];
    const cold = [...this.cold];
    const snap = (this.snap = { unwritten: new Set(hot), before: new Map<SmsMessage, string>() });
    const spool = this.spool;
    this.readers++;
    let released = false;
    return {
      count: hot.length + cold.length,
      json: {
        *[Symbol.iterator]() {
          for (const m of hot) {
            const before = snap.before.get(m);
            snap.unwritten.delete(m);
            snap.before.delete(m);
            yield before ?? JSON.stringify(m);
          }
          // The spool is never fsynced: an entry that a write-back error zeroed (or anything else wrote over) must not
          // go into the snapshot, after which the journal segments holding the truth are deleted. A bad entry fails
          // this snapshot instead (the compaction is abandoned and logged, the segments are kept).
          for (const [id, loc] of cold) {
            const json = spool.read(loc);
            if (!json.startsWith('{') || !json.endsWith('}') || !json.includes(`"id":${JSON.stringify(id)}`)) {
              throw new Error(`the spool entry of ${id} is damaged; the snapshot is not written and the journal is kept`);
            }
            yield json;
          }
        },
      },
      release: () => {
        if (released) return;
        released = true;
        this.readers--;
        if (this.snap === snap) this.snap = undefined;
      },
    };
  }

  /** Moves `m` out of memory, once its JSON is written, if the store's rule lets it and it does not change meanwhile. */
  consider(m: SmsMessage): void {
    if (this.cooling.has(m.id) || this.hot.get(m.id) !== m || this.now() < this.pausedUntil || !this.o.coolable(m)) return;
    const place = this.spool.append(JSON.stringify(m));
    if (!place) return; // too long, or the spool is full: it stays in memory
    this.cooling.set(m.id, place.loc);
    place.written.then(() => {
      // Changed, or changed and offered again (a newer place), meanwhile: this entry is stale.
      if (this.cooling.get(m.id) !== place.loc) return this.spool.release(place.loc);
      this.cooling.delete(m.id);
      this.hot.delete(m.id);
      this.cold.set(m.id, place.loc);
      this.maybeMove();
    }, (e: Error) => {
      if (this.cooling.get(m.id) === place.loc) this.cooling.delete(m.id);
      this.spool.release(place.loc);
      if (this.now() >= this.pausedUntil) this.o.log?.('store-spool-failed', { msgId: m.id, error: e.message });
      this.pausedUntil = this.now() + PAUSE_AFTER_FAILURE_MS;
    });
  }

  /** Offers every hot message (after a start, not to slow the replay down), a thousand per turn of the event loop. */
  considerAll(): void {
    const token = (this.sweep = {});
    const all = [...this.hot.values()];
    const step = (from: number) => {
      if (this.sweep !== token) return;
      for (const m of all.slice(from, from + 1000)) this.consider(m);
      if (from + 1000 < all.length) setImmediate(() => step(from + 1000));
    };
    step(0);
  }

  private lookedAt(id: string): void {
    this.looked.add(id);
    this.lookTimer ??= setTimeout(() => {
      this.lookTimer = undefined;
      const ids = [...this.looked];
      this.looked.clear();
      for (const i of ids) {
        const m = this.hot.get(i);
        if (m) this.consider(m);
      }
    }, 1000).unref();
  }

  private thaw(id: string): SmsMessage | undefined {
    const loc = this.cold.get(id);
    if (loc === undefined) return undefined;
    const m = JSON.parse(this.spool.read(loc)) as SmsMessage;
    this.forgetCold(id);
    this.hot.set(id, m);
    return m;
  }

  private forgetCold(id: string): void {
    const loc = this.cold.get(id);
    if (loc === undefined) return;
    this.cold.delete(id);
    this.spool.release(loc);
  }

  /** When the spool's file is mostly dead entries, the live ones move to the other file and it is emptied. */
  private maybeMove(): void {
    if (this.moving || !this.spool.wantsRotation) return;
    this.moving = this.moveOver()
      .catch((e: Error) => this.o.log?.('store-spool-failed', { error: e.message }))
      .finally(() => (this.moving = undefined));
  }

  private async moveOver(): Promise<void> {
    const old = this.spool.rotate();
    await this.spool.settled(); // entries still being written to the old file have their places by now
    const ids = [...this.cold].filter(([, loc]) => this.spool.isIn(loc, old)).map(([id]) => id);
    for (let i = 0; i < ids.length; i += 500) {
      const moves = ids.slice(i, i + 500).flatMap((id) => {
        const loc = this.cold.get(id);
        if (loc === undefined || !this.spool.isIn(loc, old)) return []; // read back meanwhile
        const place = this.spool.append(this.spool.read(loc));
        return place ? [{ id, loc, place }] : [];
      });
      await Promise.all(moves.map(({ id, loc, place }) => place.written.then(() => {
        if (this.cold.get(id) !== loc) return this.spool.release(place.loc);
        this.cold.set(id, place.loc);
        this.spool.release(loc);
      })));
    }
    // A reader that never finishes (an iterator left half-read) holds the old file, but never the close.
    while (this.readers && !this.closing) await new Promise((r) => setTimeout(r, 100));
    if (!this.closing && ![...this.cold.values()].some((loc) => this.spool.isIn(loc, old))) await this.spool.empty(old);
  }
}
