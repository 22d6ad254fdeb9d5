import type { Loc } from './spool.js';
import type { SmsMessage } from './types.js';

/** Where a snapshot cut reads the spooled messages (live.ts). */
export interface ColdSource {
  /** The JSON of `id`'s spool entry at `loc`; undefined when it cannot be read. */
  read(id: string, loc: Loc): string | undefined;
  /** The messages as the durable state has them after record `asOf` (read-back.ts). */
  readBack(ids: string[], asOf: number): Map<string, SmsMessage>;
}

/**
 * Every live message as JSON, as it is at one moment, for a snapshot that is
 * written while the store goes on: the hot ones are serialised as the writer
 * gets to them, except that one changed meanwhile is serialised just before
 * its change (`changing`); the cold ones are spool entries, which never
 * change (a change is made on a copy read back). So each message is in the
 * cut exactly once and as of the same moment, whether it moves between
 * memory and spool meanwhile or not.
 */
export class SnapshotCut {
  readonly count: number;
  /** Hot messages the writer has not got to yet, and the JSON of those changed meanwhile. */
  private readonly unwritten: Set<SmsMessage>;
  private readonly before = new Map<SmsMessage, string>();

  /** `asOf`: the last record applied at this moment, for cold entries that cannot be read. */
  constructor(private readonly hot: SmsMessage[], private readonly cold: Array<[string, Loc]>, private readonly src: ColdSource, private readonly asOf: number) {
    this.count = hot.length + cold.length;
    this.unwritten = new Set(hot);
  }

  /** `m` is about to change: the cut keeps it as it is now, if it still needs it. */
  changing(m: SmsMessage): void {
    if (this.unwritten.delete(m)) this.before.set(m, JSON.stringify(m));
  }

  *json(): Generator<string> {
    for (const m of this.hot) {
      const before = this.before.get(m);
      this.unwritten.delete(m);
      this.before.delete(m);
      yield before ?? JSON.stringify(m);
    }
    // A damaged entry must not go into the snapshot, after which the journal segments holding the truth are deleted.
    // From the first one that cannot be read on, the rest come from the durable state as of the cut, in one read: the
    // spool is not trusted any more, and the messages may have changed since the cut (it writes them as they were).
    let durable: Map<string, SmsMessage> | undefined;
    for (const [i, [id, loc]] of this.cold.entries()) {
      const json = durable ? undefined : this.src.read(id, loc);
      if (json !== undefined) {
        yield json;
        continue;
      }
      durable ??= this.src.readBack(this.cold.slice(i).map(([x]) => x), this.asOf);
      yield JSON.stringify(durable.get(id));
    }
  }
}
