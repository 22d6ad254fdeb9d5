import { appendToArchive } from './archive.js';
import type { Journal } from './journal.js';
import type { StoreMemory } from './memory.js';
import { RECENT_MS } from './recent.js';
import { archiveReplies } from './reply-store.js';
import type { Snapshot } from './snapshot.js';
import type { SmsMessage } from './types.js';

/** Segment counts are kept a little longer than the longest quota period (a month). */
const USAGE_KEPT_MS = 33 * 86_400_000;

/** How many finished SMS one compaction holds whole at a time to archive them (memory.ts archivableBatches). */
export const ARCHIVE_BATCH = 2000;

export interface CompactionDeps {
  journal: Journal;
  snapshot: Snapshot;
  memory: StoreMemory;
  /** Where finished messages go (archive.ts). */
  archiveDir: string;
  now: () => Date;
  log?: (evt: string, data: Record<string, unknown>) => void;
  /** Throws when memory stopped matching the journal: no snapshot may be taken of it. */
  assertWorking: () => void;
  /** ARCHIVE_BATCH unless set (small in tests). */
  archiveBatch?: number;
}

/**
 * Keeps start-up short and memory small however long the history grows:
 * finished messages move to the per-day archive, what is no longer needed
 * is forgotten, the live state is written as a snapshot, and the journal
 * segments the snapshot covers are deleted. Runs after a segment rotation
 * and after a start, alongside the store's work (mail is taken and sent
 * meanwhile), one at a time.
 */
export class Compactor {
  private current?: Promise<void>;

  constructor(private readonly d: CompactionDeps) {}

  /** The compaction under way, if any; it never rejects (a failure is logged). */
  get running(): Promise<void> | undefined {
    return this.current;
  }

  /** Archives finished messages, snapshots the live state, drops old journal segments. One at a time. */
  run(): Promise<void> {
    this.current ??= this.compact()
      .catch((e: Error) => this.d.log?.('store-compact-failed', { error: e.message }))
      .finally(() => (this.current = undefined));
    return this.current;
  }

  private async compact(): Promise<void> {
    const { journal, memory, assertWorking } = this.d;
    await journal.barrier();
    assertWorking();
    const keepFrom = journal.currentSegment;
    const now = this.d.now().getTime();
    // What pruning the duplicate keys needs of each archived SMS; the SMS themselves are let go batch by batch.
    const finished: Array<Pick<SmsMessage, 'id' | 'status'>> = [];
    for (const batch of memory.archivableBatches(this.d.archiveBatch ?? ARCHIVE_BATCH)) {
      await appendToArchive(this.d.archiveDir, batch);
      for (const m of batch) {
        memory.archived(m);
        finished.push({ id: m.id, status: m.status });
      }
    }
    memory.keys.prune(now, finished);
    memory.usage.prune(new Date(now - USAGE_KEPT_MS));
    memory.recent?.prune(now - RECENT_MS);
    memory.replyIndex?.expire(now);
    const replies = await archiveReplies(memory, this.d.archiveDir);
    // Memory may have stopped matching the journal while the archive was written: then no snapshot of it.
    assertWorking();
    // Every live message as of this moment (applied records up to memory.applied), hot or spooled, each exactly once.
    const cut = memory.live.cut(memory.applied);
    try {
      await this.d.snapshot.write(memory.snapshotData(now), cut.json);
    } finally {
      cut.release();
    }
    await journal.dropSegmentsBefore(keepFrom);
    if (finished.length || replies) this.d.log?.('store-compacted', { archived: finished.length, live: memory.live.size, ...(replies ? { replies } : {}) });
  }
}
