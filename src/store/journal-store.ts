import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptBatch, type AcceptDeps } from './accept.js';
import { Compactor } from './compaction.js';
import { checkStoreFormat } from './format.js';
import { Journal, type JournalRecord } from './journal.js';
import type { LiveMessages } from './live.js';
import { StoreMemory } from './memory.js';
import type { Rec, Unsequenced } from './records.js';
import { Snapshot } from './snapshot.js';
import { delaysDue } from './delays.js';
import { repliesDue, storeReply, type ReplyStoreDeps, type StoreReplyOutcome } from './reply-store.js';
import type { ReplyMatch } from './reply-index.js';
import type { ConnectorWaitGroup, HoldKind, RestoreHeldIds } from './queue-marks.js';
import type {
  AcceptOutcome,
  AcceptRequest,
  ConfirmationChannel,
  ConfirmationStage,
  ConfirmationState,
  InboundReply,
  MessageStore,
  SmsMessage,
  SmsStatus,
  Transition,
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
 * Queued SMS that wait far ahead and owe nothing, and SMS failed as not
 * confirmed that owe nothing but wait for a late report, leave memory for an
 * unsynced scratch spool (live.ts), a cache emptied at every start: the
 * journal and the snapshot, which holds them too, stay the truth.
 *
 * This class wires the parts: memory.ts (what the records amount to in
 * memory), accept.ts (a mail's SMS with their duplicate keys), compaction.ts
 * (archive, snapshot, old segments dropped); it writes the records and stops
 * when memory no longer matches the journal.
 */

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
  /** Who writes the store ("mail2sms 1.4.0"), recorded in store-format.json when it is new (format.ts). */
  software?: string;
  /**
   * How long (hours) an SMS handed to the carrier can be replied to, for
   * forwarding handsets' replies (reply-index.ts); 0 or absent keeps nothing.
   */
  replyWindowHours?: number;
  /** How many finished SMS a compaction archives at a time (compaction.ts ARCHIVE_BATCH); small in tests. */
  archiveBatch?: number;
  /**
   * The end of the backup (restore-marker.ts finishedAt) whose restore's hold lasts at the start: the SMS it holds
   * are indexed as records are applied, with their numbers (restoreHeld), until restoreReleased().
   */
  restoreHeldBefore?: string;
}

export class JournalStore implements MessageStore {
  private readonly memory: StoreMemory;
  private readonly live: LiveMessages;
  private readonly listeners: Array<() => void> = [];
  private readonly journal: Journal;
  private readonly snapshot: Snapshot;
  private readonly compactor: Compactor;
  private readonly accepting: AcceptDeps;
  private readonly replying: ReplyStoreDeps;
  private seq = 0;
  /** Set when memory stopped matching the journal (see onFatal): nothing more is written. */
  private broken?: Error;
  private readonly now: () => Date;

  constructor(private readonly opts: JournalStoreOptions) {
    const now = (this.now = opts.now ?? (() => new Date()));
    const files = { snapshot: join(opts.dir, 'state.json'), journal: join(opts.dir, 'journal') };
    this.journal = new Journal({
      dir: files.journal,
      segmentBytes: opts.segmentBytes,
      onDurable: (recs) => this.applyAll(recs as Rec[]),
      onRotate: () => void this.compactor.run(),
    });
    this.snapshot = new Snapshot(files.snapshot);
    const memory = (this.memory = new StoreMemory({
      spoolDir: join(opts.dir, 'spool'), files, now, log: opts.log, recentSends: opts.recentSends !== false, replyWindowMs: (opts.replyWindowHours ?? 0) * 3600_000,
      restoreHeldBefore: opts.restoreHeldBefore,
    }));
    this.live = memory.live;
    this.compactor = new Compactor({
      journal: this.journal, snapshot: this.snapshot, memory, archiveDir: this.archiveDir, now, log: opts.log,
      assertWorking: () => this.assertWorking(), archiveBatch: opts.archiveBatch,
    });
    this.accepting = { memory, now, duplicateWindowHours: opts.duplicateWindowHours, write: (rec) => this.write(rec) };
    this.replying = this.accepting;
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    await checkStoreFormat(this.opts.dir, this.opts.software);
    this.live.open();
    try {
      const loaded = await this.load();
      this.seq = this.memory.applied;
      this.opts.log?.('store-open', { live: this.live.size, queued: this.memory.queued.size, ...loaded });
      await this.journal.start();
    } catch (e) {
      // A start that fails (a corrupt snapshot, an unreadable journal) lets go of the spool's files again.
      await this.live.close();
      throw e;
    }
    // Compacting what was replayed can take seconds with a big live set; it runs
    // alongside (as after a rotation), so mail is taken and sent meanwhile.
    void this.compactor.run();
    // Likewise moving what waits far ahead out of memory: not in the replay, which it would slow down.
    this.memory.startCooling();
  }

  /** The snapshot and then the journal's records into memory; how many records were replayed and how many lines were torn. */
  private async load(): Promise<{ replayed: number; tornLines: number }> {
    const snap = await this.snapshot.read();
    if (snap) this.memory.restore(snap);
    const { records, tornLines } = await this.journal.replay();
    return { replayed: this.memory.replay(records as Rec[]), tornLines };
  }

  async close(): Promise<void> {
    this.memory.stopCooling();
    await this.compactor.running;
    await this.journal.close();
    await this.live.close();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get(id: string): SmsMessage | undefined {
    return this.live.get(id);
  }

  /** How many SMS are out of memory, in the spool (live.ts): queued far ahead, or awaiting only a late report. */
  get spooled(): number {
    return this.live.coldCount;
  }

  /** How many live SMS are held whole in memory: all but the spooled ones. */
  get hotCount(): number {
    return this.live.size - this.live.coldCount;
  }

  /** Resolves when no message is on its way into the spool (tests). */
  settled(): Promise<void> {
    return this.live.settled();
  }

  /** Compacts now, or resolves with the compaction under way (tests: the store compacts by itself after each rotation and start). */
  compact(): Promise<void> {
    return this.compactor.run();
  }

  /** Every live message (queued, in flight, or with a confirmation owed), for read models; not to be changed. */
  liveMessages(): Iterable<SmsMessage> {
    return this.live.values();
  }

  keepLive(id: string, until: Promise<unknown>): void {
    this.memory.keepLive(id, until);
  }

  /** Where finished messages go (src/store/archive.ts). */
  get archiveDir(): string {
    return join(this.opts.dir, 'archive');
  }

  accept(req: AcceptRequest): Promise<AcceptOutcome> {
    return acceptBatch(this.accepting, req);
  }

  due(now: Date, limit: number): SmsMessage[] {
    return this.memory.queued.due(now.toISOString(), limit).map((id) => this.live.get(id)!);
  }

  inStatus(status: SmsStatus): SmsMessage[] {
    // Cold ones are queued, or failed as not confirmed (memory.ts coolable): only those two statuses need them read back.
    const from = status === 'accepted' || status === 'failed' ? this.live.values() : this.live.hotValues();
    return [...from].filter((m) => m.status === status);
  }

  held(kind: HoldKind): SmsMessage[] {
    return [...this.live.some(this.memory.marks.heldBy(kind))];
  }

  connectorWaits(): ConnectorWaitGroup[] {
    return this.memory.marks.connectorWaits();
  }

  restoreHeld(): RestoreHeldIds | undefined {
    return this.memory.marks.restoreHeld();
  }

  restoreReleased(): void {
    this.memory.marks.restoreReleased();
  }

  inUse(id: string, until: Promise<unknown>): void {
    this.memory.inUse(id, until);
  }

  async transition(id: string, t: Transition): Promise<void> {
    if (!this.live.has(id)) throw new Error(`no live message ${id}`);
    await this.write({ t: 'status', id, ...t });
  }

  confirmationsDue(now: Date, limit: number, channel: ConfirmationChannel = 'mail', pick?: (m: SmsMessage, c: ConfirmationState) => boolean): Array<[SmsMessage, ConfirmationState]> {
    const t = now.toISOString();
    const ch = channel === 'mail' ? undefined : channel;
    const out: Array<[SmsMessage, ConfirmationState]> = [];
    // Each channel walks its own index: the callbacks' sender, woken by every change, must not walk every SMS owing a mail.
    for (const id of ch ? this.memory.owedCallback : this.memory.owedMail) {
      const m = this.live.get(id)!;
      for (const c of m.confirmations) if (!c.sentAt && c.channel === ch && c.notBefore <= t && (!pick || pick(m, c))) out.push([m, c]);
      if (out.length >= limit) break;
    }
    return out;
  }

  siblingsOf(m: SmsMessage): SmsMessage[] {
    const out: SmsMessage[] = [];
    for (let n = 1; n <= (m.ofMail ?? 0); n++) {
      const s = this.live.peek(`${m.mailId}.${n}`);
      if (s && s.id !== m.id) out.push(s);
    }
    return out;
  }

  async confirmationSent(id: string, stage: ConfirmationStage, where: string, at: Date, channel: ConfirmationChannel = 'mail'): Promise<void> {
    await this.write({ t: 'conf', id, stage, at: at.toISOString(), where, ...chOf(channel) });
  }

  async confirmationFailed(id: string, stage: ConfirmationStage, error: string, notBefore: Date, channel: ConfirmationChannel = 'mail'): Promise<void> {
    await this.write({ t: 'conf', id, stage, at: this.now().toISOString(), error, notBefore: notBefore.toISOString(), ...chOf(channel) });
  }

  delaysDue(dueBefore: Date, limit: number): SmsMessage[] {
    return delaysDue(this.memory, dueBefore, limit);
  }

  delayWatch(id: string, from?: string): void {
    if (from) this.memory.delays.set(id, from);
    else this.memory.delays.delete(id);
  }

  async oweDelay(id: string, at: Date): Promise<void> {
    await this.write({ t: 'conf', id, stage: 'delayed', at: at.toISOString(), owe: true });
  }

  /** Which SMS a reply from `handset` to `sender` (canonical; undefined: not said) answers now (reply-index.ts). */
  replyMatch(handset: string, sender: string | undefined): ReplyMatch {
    return this.memory.replyIndex?.match(handset, sender, this.now().getTime()) ?? { ok: false, reason: 'replies are not forwarded' };
  }

  /** Stores a handset's reply for forwarding, resolving once durable; a redelivery (same key) is not stored again. */
  storeReply(reply: InboundReply, key: string): Promise<StoreReplyOutcome> {
    return storeReply(this.replying, reply, key);
  }

  /** A reply not yet archived (its mail owed, or sent since the last compaction). */
  getReply(id: string): InboundReply | undefined {
    return this.memory.replies.get(id);
  }

  /** Replies in memory (their mail owed, or sent since the last compaction), for read models; not to be changed. */
  liveReplies(): Iterable<InboundReply> {
    return this.memory.replies.values();
  }

  repliesDue(now: Date, limit: number): InboundReply[] {
    return repliesDue(this.memory, now, limit);
  }

  async replySent(id: string, where: string, at: Date): Promise<void> {
    await this.write({ t: 'reply-conf', id, at: at.toISOString(), where });
  }

  async replyFailed(id: string, error: string, notBefore: Date): Promise<void> {
    await this.write({ t: 'reply-conf', id, at: this.now().toISOString(), error, notBefore: notBefore.toISOString() });
  }

  segmentsSince(account: string, from: Date): number {
    return this.memory.usage.since(account, from);
  }

  sentTo(account: string, to: string, since: Date): number {
    return this.memory.recent?.count(account, to, since.getTime()) ?? 0;
  }

  sentPerAccount(since: Date): Map<string, number[]> {
    return this.memory.recent?.perAccount(since.getTime()) ?? new Map();
  }

  /** Live SMS by status, kept as records are applied (status-counts.ts): a metrics scrape walks no SMS. */
  counts(): Record<SmsStatus, number> {
    return this.memory.statuses.get();
  }

  /**
   * Nothing is acknowledged before it is durable: the promise resolves only after the journal's fdatasync, and after
   * the record was applied to memory (the journal calls onDurable first), so a caller sees its change in the store.
   */
  private write(rec: Unsequenced<Rec>): Promise<void> {
    if (this.broken) return Promise.reject(new Error(`the store has stopped: ${this.broken.message}`));
    return this.journal.append([{ ...rec, seq: ++this.seq } as JournalRecord]);
  }

  private applyAll(recs: Rec[]): void {
    try {
      for (const r of recs) this.memory.apply(r);
      for (const l of this.listeners) l();
    } catch (e) {
      // A record that cannot be applied means memory no longer matches the journal: the store stops (onFatal).
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
}

/** The record's channel field: none for mail, as records were written before status callbacks. */
const chOf = (channel: ConfirmationChannel): { ch?: 'callback' } => (channel === 'mail' ? {} : { ch: channel });
