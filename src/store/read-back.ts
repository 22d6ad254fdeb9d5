import { readJournalSync } from './journal.js';
import { change, type Rec } from './records.js';
import { readSnapshotSync } from './snapshot.js';
import type { SmsMessage } from './types.js';

export interface DurableFiles {
  /** The snapshot (state.json). */
  snapshot: string;
  /** The journal's folder. */
  journal: string;
}

/**
 * Live messages as the durable state has them after record `asOf`: their
 * copies in the snapshot, then every journal record after the snapshot up to
 * `asOf`, applied as memory applied them (records.ts). For a message whose
 * spool entry cannot be read back (live.ts): the spool is only a cache, and
 * these files are what a restart would rebuild it from.
 *
 * Blocking, because the store's reads are synchronous (get, the records it
 * applies); it reads both files whole, which is why live.ts asks once for all
 * the messages it needs. The snapshot is read first and the journal in the
 * same turn of the event loop: a compaction deletes journal segments only
 * after its new snapshot is in place, so any segment that disappears while
 * they are read is one the snapshot just read already covers.
 *
 * Throws rather than guess: a message that is in neither, a snapshot past
 * `asOf`, a journal or snapshot that cannot be read.
 */
export function readBack(files: DurableFiles, ids: Iterable<string>, asOf: number): Map<string, SmsMessage> {
  const wanted = new Set(ids);
  const snap = readSnapshotSync(files.snapshot);
  const from = snap?.seq ?? 0;
  if (from > asOf) throw new Error(`the snapshot ${files.snapshot} is past the state asked for (it holds up to record ${from}, asked for record ${asOf})`);
  const out = new Map<string, SmsMessage>();
  for (const m of snap?.messages ?? []) if (wanted.has(m.id)) out.set(m.id, m);
  for (const r of readJournalSync(files.journal) as Rec[]) {
    if (r.seq <= from || r.seq > asOf) continue;
    if (r.t === 'accept') {
      for (const m of r.msgs) if (wanted.has(m.id)) out.set(m.id, m);
    } else if (r.t === 'status' || r.t === 'conf') {
      const m = out.get(r.id);
      if (m) change(m, r);
    }
  }
  for (const id of wanted) if (!out.has(id)) throw new Error(`${id} is in neither the snapshot nor the journal`);
  return out;
}
