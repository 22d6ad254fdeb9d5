import { SnapshotCut } from './snapshot-cut.js';
import { SpoolRest } from './spool-rest.js';
import { Spool, type Loc } from './spool.js';
import type { SmsMessage } from './types.js';

/**
 * The store's live messages: queued, in flight, or with a confirmation still
 * owed. Most are objects in memory ("hot"). A queued SMS that waits for a
 * time far ahead and owes nothing (tomorrow's reminders, after their
 * acceptance confirmation) can be "cold": its JSON goes to the spool
 * (spool.ts) and memory keeps its id and one number for where it lies,
 * as Postfix keeps its deferred queue on disk. So can an SMS failed as not
 * confirmed that owes nothing more and is only kept live for a late report
 * (StatusEvent.answerableUntil, up to 72 h): which may leave is the store's
 * rule (memory.ts coolable), this class does not look at statuses. In memory a hot SMS took
 * ~1.8 KB of heap (its strings, objects and arrays); a cold one ~0.1 KB here,
 * and ~0.36 KB in all with what the store keeps for it elsewhere (its place in
 * the due index, its duplicate keys): 100,000 queued for tomorrow made the
 * live heap 67.5 MB against 31.4 MB idle (heap snapshots, bench load).
 *
 * A cold SMS becomes hot again (read back, one synchronous read from the page
 * cache as a rule) when anyone asks for it by id or changes it, so there is
 * only ever one object per id and changes go to that object. Iterating all
 * live messages (read models) gives cold ones as copies, left cold.
 *
 * The spool is a cache: the journal and the snapshot hold every message
 * durably whether it is hot or cold, so a failed spool write only means the
 * message stays in memory, and a failed read (an entry lost, cut short or
 * written over: the spool is never fsynced) means the messages are read back
 * from the journal and the snapshot instead (see dropSpool).
 */
export interface LiveOptions {
  dir: string;
  /** Whether a hot message may leave memory now (the store's rule). */
  coolable: (m: SmsMessage) => boolean;
  /**
   * The messages as the durable state has them after record `asOf` (the
   * store's sequence number), or after the last record applied; throws when
   * it cannot tell (read-back.ts).
   */
  readBack: (ids: string[], asOf?: number) => Map<string, SmsMessage>;
  log?: (evt: string, data: Record<string, unknown>) => void;
  now?: () => number;
  /** Spool file size from which it is rotated (spool.ts); small in tests. */
  rotateBytes?: number;
}

/** A consistent cut of all live messages as JSON, for a snapshot (snapshot-cut.ts). */
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
  private readonly rest: SpoolRest;
  private closing = false;
  /** The pass of considerAll under way; a new one (or close) ends it. */
  private sweep?: object;
  /** The cut of the snapshot being written. */
  private snap?: SnapshotCut;

  constructor(private readonly o: LiveOptions) {
    this.spool = new Spool(o.dir, o.rotateBytes);
    this.now = o.now ?? Date.now;
    this.rest = new SpoolRest(this.now, o.log);
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
    this.rest.close();
    await this.moving;
    await this.spool.settled();
    this.spool.close();
  }

  get size(): number {
    return this.hot.size + this.cold.size;
  }

  /** How many are cold (queued, or failed as not confirmed and awaiting a late report: memory.ts). */
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
    this.snap?.changing(m);
    return m;
  }

  /** Message `id`, hot, stays so for now: a spool write under way for it is let go (the store's rule says when it may leave again). */
  stayHot(id: string): void {
    this.cooling.delete(id);
    this.looked.delete(id);
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

  /** The message if it is in memory now; a cold one stays cold (undefined). */
  peek(id: string): SmsMessage | undefined {
    return this.hot.get(id);
  }

  hotValues(): IterableIterator<SmsMessage> {
    return this.hot.values();
  }

  /** Hot ones as they are, then cold ones as copies read from the spool (left cold). */
  *values(): Generator<SmsMessage> {
    yield* this.hot.values();
    const cold = [...this.cold];
    this.readers++;
    try {
      for (const [id, loc] of cold) {
        const m = this.copy(id, loc);
        if (m) yield m;
      }
    } finally {
      this.readers--;
    }
  }

  /** Messages `ids` as values() gives them (cold ones as copies, left cold); those not live are left out. */
  *some(ids: readonly string[]): Generator<SmsMessage> {
    this.readers++;
    try {
      for (const id of ids) {
        const loc = this.cold.get(id);
        const m = loc === undefined ? this.hot.get(id) : this.copy(id, loc);
        if (m) yield m;
      }
    } finally {
      this.readers--;
    }
  }

  /** Cold `id` at `loc` read from the spool, left cold. Unreadable: the message is in memory now, read back (or deleted meanwhile). */
  private copy(id: string, loc: Loc): SmsMessage | undefined {
    const json = this.read(id, loc);
    return json === undefined ? this.hot.get(id) : (JSON.parse(json) as SmsMessage);
  }

  /**
   * Every live message as JSON, as it is now, for a snapshot written while
   * the store goes on (snapshot-cut.ts). `asOf` is the last record applied
   * now. One cut at a time; `release` must follow.
   */
  cut(asOf: number): Cut {
    if (this.snap) throw new Error('a snapshot cut is under way already');
    const source = { read: (id: string, loc: Loc) => this.read(id, loc), readBack: this.o.readBack };
    const snap = (this.snap = new SnapshotCut([...this.hot.values()], [...this.cold], source, asOf));
    this.readers++;
    let released = false;
    return {
      count: snap.count,
      json: snap.json(),
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
    if (this.cooling.has(m.id) || this.hot.get(m.id) !== m || this.rest.resting || !this.o.coolable(m)) return;
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
      this.rest.writeFailed(m.id, e);
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
    const json = this.read(id, loc);
    if (json === undefined) return this.hot.get(id); // read back from the durable state with all others
    const m = JSON.parse(json) as SmsMessage;
    this.forgetCold(id);
    this.hot.set(id, m);
    return m;
  }

  /**
   * The JSON of `id`'s spool entry at `loc`, or undefined when it cannot be
   * read (spool.ts) or is another message's: then, if `loc` is still where
   * `id` lies (not an old place a reader held on to), the spool is dropped
   * and the message is in memory.
   */
  private read(id: string, loc: Loc): string | undefined {
    try {
      const json = this.spool.read(loc);
      if (!json.includes(`"id":${JSON.stringify(id)}`)) throw new Error(`the spool entry of ${id} holds another message`);
      return json;
    } catch (e) {
      if (this.cold.get(id) === loc) this.dropSpool(id, e as Error);
      return undefined;
    }
  }

  /**
   * A spool entry could not be read. The others lie in the same unsynced
   * files and may be damaged too, and each read-back reads the whole durable
   * state, so every cold message is read back at once, as the snapshot and
   * the journal have them, and stays in memory: nothing that went wrong in
   * the spool can reach a message or stop the store. Only if the durable
   * state cannot be read either does this throw, as a failed read did before.
   * The spool rests meanwhile (spool-rest.ts), then the messages are offered
   * to it again.
   */
  private dropSpool(id: string, e: Error): void {
    const ids = [...this.cold.keys()];
    this.rest.readFailed(id, e, ids.length, () => this.considerAll());
    for (const m of this.o.readBack(ids).values()) this.set(m);
    this.cooling.clear(); // entries on their way go to the same files: their messages stay in memory
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
        const json = this.read(id, loc);
        // Unreadable: none is cold any more (dropSpool), so the rest of the move finds nothing to move.
        const place = json === undefined ? undefined : this.spool.append(json);
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
