/**
 * Queued messages ordered by the time they become due, so that the
 * dispatcher's look for due SMS (four times a second) costs what is due,
 * not what is queued: with thousands of SMS scheduled for next week, a scan
 * of all of them on every tick would be the bridge's main work.
 *
 * A binary min-heap of (notBefore, id, version) with lazy deletion: a
 * message that changes gets a new entry, and entries that are no longer the
 * message's current one are dropped when they surface. The map points at
 * the current entry itself, so an id costs one small object, not two (with
 * 100,000 SMS queued for tomorrow every byte per entry counts 100,000 times).
 */

interface Entry {
  readonly at: string; // ISO 8601 UTC: compares as text
  readonly id: string;
  /** Order of filing: FIFO among entries due at the same time. */
  readonly version: number;
}

export class DueIndex {
  private readonly heap: Entry[] = [];
  private readonly current = new Map<string, Entry>();
  private counter = 0;

  /** (Re)files `id` as due at `at`; does nothing when it is filed at that time already. */
  set(id: string, at: string): void {
    if (this.current.get(id)?.at === at) return;
    const e: Entry = { at, id, version: ++this.counter };
    this.current.set(id, e);
    this.push(e);
  }

  delete(id: string): void {
    this.current.delete(id);
  }

  get size(): number {
    return this.current.size;
  }

  /** Up to `limit` ids due at `now` (ISO), earliest first. Leaves them filed: being due is not being taken. */
  due(now: string, limit: number): string[] {
    const taken: Entry[] = [];
    while (taken.length < limit && this.heap.length && this.heap[0].at <= now) {
      const e = this.pop()!;
      if (this.current.get(e.id) === e) taken.push(e);
    }
    for (const e of taken) this.push(e);
    return taken.map((e) => e.id);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!h.length || !last) return top;
    h[0] = last;
    for (let i = 0; ;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      if (l < h.length && less(h[l], h[m])) m = l;
      if (r < h.length && less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
    return top;
  }
}

/** Earlier first; at the same time the one filed first (FIFO). */
function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.version < b.version);
}
