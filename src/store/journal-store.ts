import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appendToArchive } from './archive.js';
import { DueIndex } from './due-index.js';
import { DuplicateKeys } from './duplicate-keys.js';
import { Journal, type JournalRecord } from './journal.js';
import { LiveMessages } from './live.js';
import { readBack } from './read-back.js';
import { RECENT_MS, RecentSends } from './recent.js';
import { change, type Rec } from './records.js';
import { Snapshot, type SnapshotData } from './snapshot.js';
import { UsageIndex } from './usage.js';
import {
  FINAL_STATUSES,
  type AcceptOutcome,
  type AcceptRequest,
  type ConfirmationState,
  type MessageStore,
  type SmsMessage,
  type SmsStatus,
  type Transition,
} from './types.js';

/**
 * The embedded store. The journal is the truth and the hot path: every
 * change is one JSON line, group-committed and fsynced before it is
 * acknowledged. Memory holds only live messages (queued, in flight, or with
 * a confirmation still owed) plus the duplicate-detection keys. When a
 * journal segment fills up, finished messages move to per-day archive files
 * and the live state is written as a lowdb snapshot, after which the old
 * segments are deleted: start-up replays one snapshot plus at most about one
 * segment, and accepting stays an append however long the history grows.
 * Queued SMS that wait far ahead and owe nothing leave memory for an unsynced
 * scratch spool (live.ts), a cache emptied at every start: the journal and
 * the snapshot, which holds them too, stay the truth.
 */

/** Segment counts are kept a little longer than the longest quota period (a month). */
const USAGE_KEPT_MS = 33 * 86_400_000;
/** A queued SMS due later than this leaves memory for the spool (live.ts); closer ones stay, so sending never waits for a read. */
const COLD_AHEAD_MS = 15 * 60_000;

type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;

export interface JournalStoreOptions {
  dir: string;
  segmentBytes: number;
  duplicateWindowHours: number;
  now?: () => Date;
  log?: (evt: string, data: Record<string, unknown>) => void;
  /**
   * A durable record could not be applied to memory (a spooled message could
   * be read back neither from the spool nor from the snapshot and the
   * journal): memory no longer matches the journal and the process must
   * stop. By default the error is thrown on the next tick, where nothing can
   * catch it.
   */
  onFatal?: (e: Error) => void;
  /**
   * Whether the SMS of the last hour per account and number are kept, for
   * limits.perNumberPerHour and limits.messagesPerMinute (recent.ts); the
   * bridge turns it off when no account has either limit. Default: on.
   */
  recentSends?: boolean;
}

export class JournalStore implements MessageStore {
  private readonly live: LiveMessages;
  private readonly queued = new DueIndex();
  private readonly owed = new Set<string>();
  private readonly keys = new DuplicateKeys();
  private readonly listeners: Array<() => void> = [];
  private readonly usage = new UsageIndex();
  private readonly recent?: RecentSends;
  private readonly journal: Journal;
  private readonly snapshot: Snapshot;
  private seq = 0;
  private applied = 0;
  /** Set once the store is open (not during replay) until it closes: messages may leave memory (live.ts). */
  private cooling = false;
  private compacting?: Promise<void>;
  /** Set when memory stopped matching the journal (see onFatal): nothing more is written. */
  private broken?: Error;
  private readonly now: () => Date;

  constructor(private readonly opts: JournalStoreOptions) {
    this.now = opts.now ?? (() => new Date());
    if (opts.recentSends !== false) this.recent = new RecentSends();
    const files = { snapshot: join(opts.dir, 'state.json'), journal: join(opts.dir, 'journal') };
    this.journal = new Journal({
      dir: files.journal,
      segmentBytes: opts.segmentBytes,
      onDurable: (recs) => this.applyAll(recs as Rec[]),
      onRotate: () => void this.compact(),
    });
    this.snapshot = new Snapshot(files.snapshot);
    this.live = new LiveMessages({
      dir: join(opts.dir, 'spool'), coolable: (m) => this.coolable(m), log: opts.log, now: () => this.now().getTime(),
      readBack: (ids, asOf = this.applied) => readBack(files, ids, asOf),
    });
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    this.live.open();
    const snap = await this.snapshot.read();
    if (snap) this.restore(snap);
    const { records, tornLines } = await this.journal.replay();
    let replayed = 0;
    for (const r of records) {
      if (r.seq <= this.applied) continue;
      this.apply(r as Rec);
      replayed++;
    }
    this.seq = this.applied;
    this.opts.log?.('store-open', { live: this.live.size, queued: this.queued.size, replayed, tornLines });
    await this.journal.start();
    // Compacting what was replayed can take seconds with a big live set; it runs
    // alongside (as after a rotation), so mail is taken and sent meanwhile.
    void this.compact();
    // Likewise moving what waits far ahead out of memory: not in the replay, which it would slow down.
    this.cooling = true;
    this.live.considerAll();
  }

  async close(): Promise<void> {
    this.cooling = false;
    await this.compacting;
    await this.journal.close();
    await this.live.close();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get(id: string): SmsMessage | undefined {
    return this.live.get(id);
  }

  /** How many queued SMS are out of memory, in the spool (live.ts). */
  get spooled(): number {
    return this.live.coldCount;
  }

  /** Resolves when no message is on its way into the spool (tests). */
  settled(): Promise<void> {
    return this.live.settled();
  }

  /** Every live message (queued, in flight, or with a confirmation owed), for read models; not to be changed. */
  liveMessages(): Iterable<SmsMessage> {
    return this.live.values();
  }

  /** Where finished messages go (src/store/archive.ts). */
  get archiveDir(): string {
    return join(this.opts.dir, 'archive');
  }

  async accept(req: AcceptRequest): Promise<AcceptOutcome> {
    const now = this.now().getTime();
    const msgs: SmsMessage[] = [];
    const keys: Array<string | null> = [];
    const ckeys: Array<[string, number] | null> = [];
    const reserved: string[] = [];
    const outcome: AcceptOutcome = { stored: [], duplicates: [], suppressed: [] };
    // Reserved keys are released whatever happens, also when sorting the batch throws (a spooled
    // message that cannot be read back, the caller's markDuplicate): a key left reserved would make
    // the client's retry of this mail a "duplicate" of an SMS that was never stored, answered 250.
    try {
      req.messages.forEach((m, i) => {
        const key = req.dedupKeys[i];
        const earlier = key ? this.keys.find(key, now) : undefined;
        if (earlier) return outcome.duplicates.push({ id: m.id, of: earlier });
        if (key) this.keys.reserve(key, m.id, reserved);
        keys.push(key ?? null);
        const content = req.contentKeys?.[i];
        const same = content && req.markDuplicate ? this.keys.findSameContent(content.key, now, this.live) : undefined;
        if (same) {
          outcome.suppressed.push({ id: m.id, of: same });
          msgs.push(req.markDuplicate!(m, this.live.get(same) ?? same));
          ckeys.push(null);
          return;
        }
        if (content) this.keys.reserve(content.key, m.id, reserved);
        msgs.push(m);
        ckeys.push(content ? [content.key, now + content.windowMinutes * 60_000] : null);
      });
      if (msgs.length) await this.write({ t: 'accept', msgs, keys, until: now + this.opts.duplicateWindowHours * 3600_000, ckeys });
    } finally {
      this.keys.release(reserved);
    }
    outcome.stored = msgs.map((m) => m.id);
    return outcome;
  }

  due(now: Date, limit: number): SmsMessage[] {
    return this.queued.due(now.toISOString(), limit).map((id) => this.live.get(id)!);
  }

  inStatus(status: SmsStatus): SmsMessage[] {
    // Cold ones are all queued: only `accepted` needs them read back.
    const from = status === 'accepted' ? this.live.values() : this.live.hotValues();
    return [...from].filter((m) => m.status === status);
  }

  async transition(id: string, t: Transition): Promise<void> {
    if (!this.live.has(id)) throw new Error(`no live message ${id}`);
    await this.write({ t: 'status', id, ...t });
  }

  confirmationsDue(now: Date, limit: number): Array<[SmsMessage, ConfirmationState]> {
    const t = now.toISOString();
    const out: Array<[SmsMessage, ConfirmationState]> = [];
    for (const id of this.owed) {
      const m = this.live.get(id)!;
      for (const c of m.confirmations) if (!c.sentAt && c.notBefore <= t) out.push([m, c]);
      if (out.length >= limit) break;
    }
    return out;
  }

  async confirmationSent(id: string, stage: SmsStatus, where: string, at: Date): Promise<void> {
    await this.write({ t: 'conf', id, stage, at: at.toISOString(), where });
  }

  async confirmationFailed(id: string, stage: SmsStatus, error: string, notBefore: Date): Promise<void> {
    await this.write({ t: 'conf', id, stage, at: this.now().toISOString(), error, notBefore: notBefore.toISOString() });
  }

  segmentsSince(account: string, from: Date): number {
    return this.usage.since(account, from);
  }

  sentTo(account: string, to: string, since: Date): number {
    return this.recent?.count(account, to, since.getTime()) ?? 0;
  }

  sentPerAccount(since: Date): Map<string, number[]> {
    return this.recent?.perAccount(since.getTime()) ?? new Map();
  }

  counts(): Record<SmsStatus, number> {
    const c = { accepted: this.live.coldCount, submitting: 0, submitted: 0, delivered: 0, failed: 0, expired: 0, rejected: 0, cancelled: 0 };
    for (const m of this.live.hotValues()) c[m.status]++;
    return c;
  }

  private write(rec: Unsequenced<Rec>): Promise<void> {
    if (this.broken) return Promise.reject(new Error(`the store has stopped: ${this.broken.message}`));
    return this.journal.append([{ ...rec, seq: ++this.seq } as JournalRecord]);
  }

  private applyAll(recs: Rec[]): void {
    try {
      for (const r of recs) this.apply(r);
      for (const l of this.listeners) l();
    } catch (e) {
      // Thrown here it would reach the journal's writer, whose callers would never hear back, or a compaction
      // awaiting it, which would go on and write a snapshot that lacks these records.
      this.fatal(e as Error);
    }
  }

  /** Throws when memory stopped matching the journal: no snapshot may be taken of it. */
  private assertWorking(): void {
    if (this.broken) throw new Error(`no snapshot: the store has stopped (${this.broken.message})`);
  }

  private fatal(e: Error): void {
    if (this.broken) return;
    this.broken = e;
    this.opts.log?.('store-broken', { error: e.message, action: 'the process stops; the restart rebuilds memory from the journal' });
    (this.opts.onFatal ?? ((err) => process.nextTick(() => {
      throw err;
    })))(e);
  }

  /** Applies one durable record to memory. Must stay deterministic: replay runs it again after a restart. */
  private apply(r: Rec): void {
    this.applyRecord(r);
    // Only now: a spooled message read back from the journal while `r` is applied to it (live.ts) must not have `r` already.
    this.applied = r.seq;
  }

  private applyRecord(r: Rec): void {
    if (r.t === 'accept') {
      r.msgs.forEach((m, i) => {
        // A duplicate accepted as cancelled (duplicate detection) is never sent: it costs the account nothing.
        if (m.status !== 'cancelled') this.usage.add(m.account, m.mail.receivedAt, m.segments);
        this.noteSent(m);
        this.live.set(m);
        this.track(m);
        const key = r.keys[i];
        if (key) this.keys.remember(key, m.id, r.until);
        const content = r.ckeys?.[i];
        if (content) this.keys.rememberContent(content[0], m.id, content[1]);
      });
    } else {
      const m = this.live.take(r.id);
      if (!m) return;
      // Cancelled before any connector was ever asked to take it: it is never sent, so the quota gets its segments back (after
      // an attempt it keeps counting: an uncertain submit may have reached the carrier).
      if (r.t === 'status' && r.event.status === 'cancelled' && m.status === 'accepted' && m.attempts === 0) this.usage.add(m.account, m.mail.receivedAt, -m.segments);
      if (change(m, r)) this.track(m);
    }
  }

  /**
   * What the policy's per-number cap and rate count (policy.ts): every SMS an account handed in, but not a duplicate by
   * content (stored as cancelled, never sent) nor the bridge's own answer to a STOP (keyword-answer.ts, no account's limit).
   * An SMS cancelled later still counts, as it did before the counts survived restarts.
   */
  private noteSent(m: SmsMessage): void {
    if (this.recent && m.status !== 'cancelled' && !m.answerTo) this.recent.add(m.account, m.to, Date.parse(m.mail.receivedAt));
  }

  /** Keeps the queued / owed indexes in step with a message's state, and lets it leave memory when it waits far ahead. */
  private track(m: SmsMessage): void {
    if (m.status === 'accepted') this.queued.set(m.id, m.notBefore);
    else this.queued.delete(m.id);
    if (m.confirmations.some((c) => !c.sentAt)) this.owed.add(m.id);
    else this.owed.delete(m.id);
    if (this.cooling) this.live.consider(m);
  }

  /** Queued, owing nothing, and not due for a while: it may leave memory. */
  private coolable(m: SmsMessage): boolean {
    return this.cooling && m.status === 'accepted' && !this.owed.has(m.id) && Date.parse(m.notBefore) > this.now().getTime() + COLD_AHEAD_MS;
  }

  private restore(s: SnapshotData): void {
    for (const m of s.messages) {
      this.live.set(m);
      this.track(m);
      // A snapshot from before the last hour was saved: its live messages are the best there is.
      if (!s.recent) this.noteSent(m);
    }
    this.recent?.load(s.recent ?? []);
    this.keys.load(s.dedup);
    this.usage.load(s.usage ?? []);
    this.applied = s.seq;
  }

  /** Archives finished messages, snapshots the live state, drops old journal segments. One at a time. */
  private compact(): Promise<void> {
    this.compacting ??= this.doCompact()
      .catch((e: Error) => this.opts.log?.('store-compact-failed', { error: e.message }))
      .finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  private async doCompact(): Promise<void> {
    await this.journal.barrier();
    this.assertWorking();
    const keepFrom = this.journal.currentSegment;
    const now = this.now().getTime();
    const finished = [...this.live.hotValues()].filter((m) => FINAL_STATUSES.has(m.status) && !this.owed.has(m.id));
    await appendToArchive(this.archiveDir, finished);
    for (const m of finished) this.live.delete(m.id);
    this.keys.prune(now, finished);
    this.usage.prune(new Date(now - USAGE_KEPT_MS));
    this.recent?.prune(now - RECENT_MS);
    // Memory may have stopped matching the journal while the archive was written: then no snapshot of it.
    this.assertWorking();
    // Every live message as of this moment (applied records up to this.applied), hot or spooled, each exactly once.
    const cut = this.live.cut(this.applied);
    try {
      await this.snapshot.write({
        version: 1,
        seq: this.applied,
        savedAt: new Date(now).toISOString(),
        messages: [],
        dedup: this.keys.rows(),
        usage: this.usage.rows(),
        ...(this.recent ? { recent: this.recent.rows() } : {}),
      }, cut.json);
    } finally {
      cut.release();
    }
    await this.journal.dropSegmentsBefore(keepFrom);
    if (finished.length) this.opts.log?.('store-compacted', { archived: finished.length, live: this.live.size });
  }
}
