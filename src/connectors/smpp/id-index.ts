/**
 * Finding a submitted part by the id a receipt names, across the forms SMSCs
 * use (receipt.ts explains the forms). How to read all-digit ids is a
 * per-connector setting, like Kannel's msg-id-type:
 * - 'hex' / 'decimal': both submit_sm_resp and receipts use that base;
 * - 'hex/decimal': submit_sm_resp in hex, receipts in decimal ('decimal/hex' the reverse);
 * - 'auto': either may be either. Every reading is indexed; an exact match
 *   of the raw form wins, and two different parts matching equally is
 *   reported as ambiguous rather than guessed.
 */
import { idCandidates, normaliseMessageId } from './receipt.js';

export type IdBase = 'auto' | 'hex' | 'decimal' | 'hex/decimal' | 'decimal/hex';
export type IdSide = 'response' | 'receipt';

export const ID_BASES: readonly IdBase[] = ['auto', 'hex', 'decimal', 'hex/decimal', 'decimal/hex'];

function baseOf(base: IdBase, side: IdSide): 'hex' | 'decimal' | 'auto' {
  if (base === 'hex/decimal') return side === 'response' ? 'hex' : 'decimal';
  if (base === 'decimal/hex') return side === 'response' ? 'decimal' : 'hex';
  return base;
}

/** The keys under which an id is indexed or looked up. Ids that are not numbers stay as their raw form. */
export function idKeys(id: string, base: IdBase, side: IdSide): string[] {
  const raw = normaliseMessageId(id);
  const b = baseOf(base, side);
  if (b === 'auto') return idCandidates(raw);
  if (b === 'hex' && /^[0-9a-f]+$/.test(raw)) return [BigInt(`0x${raw}`).toString()];
  if (b === 'decimal' && /^[0-9]+$/.test(raw)) return [BigInt(raw).toString()];
  return [raw];
}

export type Lookup<T> = { found: T } | { found: undefined; ambiguous: T[] };

/** Entries indexed by id: the parts waiting for receipts, or receipts waiting for their part. */
export class IdIndex<T> {
  private readonly byKey = new Map<string, Set<T>>();
  private readonly entries = new Map<T, { raw: string; keys: string[] }>();

  constructor(private readonly base: IdBase, private readonly side: IdSide) {}

  get size(): number {
    return this.entries.size;
  }

  add(id: string, entry: T): void {
    const keys = idKeys(id, this.base, this.side);
    this.entries.set(entry, { raw: normaliseMessageId(id), keys });
    for (const key of keys) {
      const set = this.byKey.get(key) ?? new Set<T>();
      set.add(entry);
      this.byKey.set(key, set);
    }
  }

  delete(entry: T): void {
    const e = this.entries.get(entry);
    if (!e) return;
    this.entries.delete(entry);
    for (const key of e.keys) {
      const set = this.byKey.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  /** The entry an id from the other side names; `side` is the side `id` comes from. */
  find(id: string, side: IdSide): Lookup<T> {
    const matches = new Set<T>();
    for (const key of idKeys(id, this.base, side)) for (const entry of this.byKey.get(key) ?? []) matches.add(entry);
    if (matches.size <= 1) return matches.size === 1 ? { found: [...matches][0]! } : { found: undefined, ambiguous: [] };
    const raw = normaliseMessageId(id);
    const exact = [...matches].filter((m) => this.entries.get(m)!.raw === raw);
    if (exact.length === 1) return { found: exact[0]! };
    return { found: undefined, ambiguous: [...matches] };
  }

  /** Entries in insertion order (oldest first). */
  values(): IterableIterator<T> {
    return this.entries.keys();
  }
}
