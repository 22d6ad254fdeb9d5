/**
 * What ids stood for lately — a mail's Message-ID, a request's
 * Idempotency-Key — kept in memory only, within bounds: at most `max`
 * entries, each for `ttlMs` after it was last set; the oldest go first.
 * The store keeps only a key per SMS made of the id *and* what the mail or
 * request said, which finds a true retry but cannot tell that an id came
 * back with other content; this answers that while the process runs.
 */
export class RecentIds<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(private readonly o: { max: number; ttlMs: number; now: () => number }) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    return e && this.o.now() - e.at < this.o.ttlMs ? e.value : undefined;
  }

  set(key: string, value: V): void {
    // Deleted first so that the map's order stays the order of last use, oldest first.
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.o.now() });
    this.trim();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private trim(): void {
    const now = this.o.now();
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.o.max && now - e.at < this.o.ttlMs) return;
      this.entries.delete(k);
    }
  }
}
