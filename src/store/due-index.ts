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
 *
 * Two lanes, each its own heap: express SMS are handed out before any normal
 * one that is due, so an urgent warning does not wait behind a month-end run
 * of 20,000 reminders that the aggregator takes at 50 a second. Within a lane
 * it is first due, first out. (One heap ordered by lane first would not do:
 * an express SMS scheduled for tomorrow would sit on top and hide what is due.)
 */

interface Entry {
  readonly at: string; // ISO 8601 UTC: compares as text
  readonly id: string;
  /** Order of filing: FIFO among entries due at the same time. */
  readonly version: number;
}

export class DueIndex {
  private readonly normal: Entry[] = [];
  private readonly express: Entry[] = [];
  private readonly current = new Map<string, Entry>();
  private counter = 0;

  /**
   * (Re)files `id` as due at `at`, in the express lane or not; does nothing
   * when it is filed at that time already. An SMS's lane never changes, so
   * entries do not record it (a field more per queued SMS is memory too).
   */
  set(id: string, at: string, express = false): void {
    if (this.current.get(id)?.at === at) return;
    const e: Entry = { at, id, version: ++this.counter };
    this.current.set(id, e);
    push(express ? this.express : this.normal, e);
  }

  delete(id: string): void {
    this.current.delete(id);
  }

  get size(): number {
    return this.current.size;
  }

  /** Up to `limit` ids due at `now` (ISO): the express lane's first, then the rest, each earliest first. Leaves them filed: being due is not being taken. */
  due(now: string, limit: number): string[] {
    const ids: string[] = [];
    for (const heap of [this.express, this.normal]) {
      const taken: Entry[] = [];
      while (ids.length + taken.length < limit && heap.length && heap[0].at <= now) {
        const e = pop(heap)!;
        if (this.current.get(e.id) === e) taken.push(e);
      }
      for (const e of taken) {
        push(heap, e);
        ids.push(e.id);
      }
    }
    return ids;
  }
}

function push(h: Entry[], e: Entry): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(h[i], h[parent])) break;
    [h[i], h[parent]] = [h[parent], h[i]];
    i = parent;
  }
}

function pop(h: Entry[]): Entry | undefined {
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

/** Earlier first; at the same time the one filed first (FIFO). */
function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.version < b.version);
}
