import { delayFrom } from '../notify/delay.js';
import { DueIndex } from './due-index.js';
import { DuplicateKeys } from './duplicate-keys.js';
import { QueueMarks } from './queue-marks.js';
import { LiveMessages } from './live.js';
import { readBack, type DurableFiles } from './read-back.js';
import { RecentSends } from './recent.js';
import { ReplyIndex } from './reply-index.js';
import { change, type Rec } from './records.js';
import { applyReply } from './reply-store.js';
import type { SnapshotData } from './snapshot.js';
import { StatusCounts } from './status-counts.js';
import { FINAL_STATUSES, type InboundReply, type SmsMessage } from './types.js';
import { UsageIndex } from './usage.js';

/** A queued SMS due later than this leaves memory for the spool (live.ts); closer ones stay, so sending never waits for a read. */
const COLD_AHEAD_MS = 15 * 60_000;

export interface MemoryOptions {
  /** Where queued SMS that wait far ahead are spooled (live.ts). */
  spoolDir: string;
  /** The durable state a spooled message is read back from when the spool fails it (read-back.ts). */
  files: DurableFiles;
  now: () => Date;
  log?: (evt: string, data: Record<string, unknown>) => void;
  /** Whether the SMS of the last hour per account and number are kept (recent.ts). */
  recentSends: boolean;
  /** How long an SMS handed to the carrier can be replied to (reply-index.ts); 0: replies are not forwarded, nothing is kept. */
  replyWindowMs?: number;
  /** The end of the backup a restore's hold is for, while it lasts: the SMS it holds are indexed (queue-marks.ts). */
  restoreHeldBefore?: string;
}

/**
 * What the journal amounts to in memory: the live messages (live.ts) and
 * what is kept beside them — the queued ones by due time, those owing a
 * confirmation, the duplicate keys, the quotas' segment counts and the last
 * hour's SMS. It changes only by durable records, applied in their order
 * (apply), and by the snapshot they were compacted into (restore), so that
 * a restart arrives at the same memory.
 */
export class StoreMemory {
  readonly live: LiveMessages;
  readonly queued = new DueIndex();
  /** Ids of messages owing a mailed confirmation, and of those owing a status callback: each sender walks only its own. */
  readonly owedMail = new Set<string>();
  readonly owedCallback = new Set<string>();
  /**
   * SMS whose client asked for delay reports, by when they were due (notify/delay.ts): the notifier asks only for
   * those due longer ago than the delay, so an SMS that did not ask costs nothing here. Filed when the SMS is stored
   * and ended when its report is owed; one that became final meanwhile is dropped when it comes up (delayWatch).
   */
  readonly delays = new DueIndex();
  readonly keys = new DuplicateKeys();
  /** Queued SMS held (brake, restore) or waiting for a connector, by their last event (queue-marks.ts). */
  readonly marks: QueueMarks;
  readonly usage = new UsageIndex();
  /** How many live SMS are in each status, in memory or out of it (status-counts.ts). */
  readonly statuses = new StatusCounts();
  readonly recent?: RecentSends;
  readonly replyIndex?: ReplyIndex;
  /**
   * Finished messages kept live (not archived) while something can still change them: an SMS failed as not
   * confirmed whose connector may still answer (keepLive). Count per id: one message may be kept by several.
   */
  private readonly keptLive = new Map<string, number>();
  /**
   * Messages an attempt is under way for (inUse), by id, with how many hold each: they stay in memory, so the
   * object the attempt holds is the one its transitions change. Else an SMS woken early (its notBefore still far
   * ahead: dispatch/connector-waits.ts) counted as coolable and could be spooled, and read back as a new object, mid-attempt.
   */
  private readonly used = new Map<string, number>();
  /**
   * Failed as not confirmed by a connector whose late report may still come (StatusEvent.answerableUntil): until when
   * (epoch ms), by id. Such an SMS owes nothing once its mail is out and may leave memory (coolable), so the compaction
   * finds those whose time ran out here, not among the messages in memory (archivableNow).
   */
  private readonly awaitingReport = new Map<string, number>();
  /** Handsets' replies not archived yet (their mail owed, or sent since the last compaction), by reply id. */
  readonly replies = new Map<string, InboundReply>();
  private last = 0;
  /** Set once the store is open (not during replay) until it closes: messages may leave memory (live.ts). */
  private cooling = false;
  private readonly now: () => Date;

  constructor(o: MemoryOptions) {
    this.now = o.now;
    this.marks = new QueueMarks(o.restoreHeldBefore);
    if (o.recentSends) this.recent = new RecentSends();
    if (o.replyWindowMs) this.replyIndex = new ReplyIndex(o.replyWindowMs);
    this.live = new LiveMessages({
      dir: o.spoolDir, coolable: (m) => this.coolable(m), log: o.log, now: () => this.now().getTime(),
      readBack: (ids, asOf = this.last) => readBack(o.files, ids, asOf),
    });
  }

  /** The sequence number of the last record applied. */
  get applied(): number {
    return this.last;
  }

  /** Messages may leave memory from now on (after the replay, which it would slow down); every one is offered now. */
  startCooling(): void {
    this.cooling = true;
    this.live.considerAll();
  }

  stopCooling(): void {
    this.cooling = false;
  }

  restore(s: SnapshotData): void {
    for (const m of s.messages) {
      this.live.set(m);
      this.statuses.add(m.status, 1);
      this.track(m);
      this.watchDelay(m);
      // A snapshot from before the last hour was saved: its live messages are the best there is.
      if (!s.recent) this.noteSent(m);
    }
    this.recent?.load(s.recent ?? []);
    this.replyIndex?.load(s.replyIndex ?? []);
    for (const r of s.replies ?? []) this.replies.set(r.id, r);
    this.keys.load(s.dedup);
    this.usage.load(s.usage ?? []);
    this.last = s.seq;
  }

  /** The snapshot of this memory as of the last record applied, without the messages (LiveMessages.cut gives them). */
  snapshotData(savedAt: number): SnapshotData {
    return {
      version: 1,
      seq: this.last,
      savedAt: new Date(savedAt).toISOString(),
      messages: [],
      dedup: this.keys.rows(),
      usage: this.usage.rows(),
      ...(this.recent ? { recent: this.recent.rows() } : {}),
      replies: [...this.replies.values()],
      ...(this.replyIndex ? { replyIndex: this.replyIndex.rows() } : {}),
    };
  }

  /** Applies the journal's records after the snapshot restored; returns how many that were. */
  replay(records: readonly Rec[]): number {
    let replayed = 0;
    for (const r of records) {
      if (r.seq <= this.last) continue;
      this.apply(r);
      replayed++;
    }
    return replayed;
  }

  /** Applies one durable record to memory. Must stay deterministic: replay runs it again after a restart. */
  apply(r: Rec): void {
    this.applyRecord(r);
    // Only now: a spooled message read back from the journal while `r` is applied to it (live.ts) must not have `r` already.
    this.last = r.seq;
  }

  private applyRecord(r: Rec): void {
    if (r.t === 'accept') {
      r.msgs.forEach((m, i) => {
        // A duplicate accepted as cancelled (duplicate detection) is never sent: it costs the account nothing.
        if (m.status !== 'cancelled') this.usage.add(m.account, m.mail.receivedAt, m.segments);
        this.noteSent(m);
        this.live.set(m);
        this.statuses.add(m.status, 1);
        this.track(m);
        this.watchDelay(m);
        const key = r.keys[i];
        if (key) this.keys.remember(key, m.id, r.until);
        const content = r.ckeys?.[i];
        if (content) this.keys.rememberContent(content[0], m.id, content[1]);
      });
    } else if (r.t === 'reply' || r.t === 'reply-conf') {
      applyReply(this, r);
    } else {
      const m = this.live.take(r.id);
      if (!m) return;
      // Cancelled before any connector was ever asked to take it: it is never sent, so the quota gets its segments back (after
      // an attempt it keeps counting: an uncertain submit may have reached the carrier).
      if (r.t === 'status' && r.event.status === 'cancelled' && m.status === 'accepted' && m.attempts === 0) this.usage.add(m.account, m.mail.receivedAt, -m.segments);
      const was = m.status;
      if (change(m, r)) this.track(m);
      this.statuses.move(was, m.status);
      if (r.t === 'conf' && r.owe) this.delays.delete(m.id);
      // The STOP answers are left out: a reply to one answers the clerk's SMS from that sender before it. An SMS without a
      // sender of its own went with the connector's default, which its `submitted` event names.
      if (r.t === 'status' && r.event.status === 'submitted' && !r.event.part && !m.answerTo) this.replyIndex?.note(m, m.sender ?? r.event.sender, Date.parse(r.event.at));
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

  /** Keeps message `id` out of the archive until `until` settles (see keptLive). */
  keepLive(id: string, until: Promise<unknown>): void {
    countUntil(this.keptLive, id, until);
  }

  /** Keeps message `id` in memory (not spooled) until `until` settles (see used); then it may leave if it still may. */
  inUse(id: string, until: Promise<unknown>): void {
    this.live.stayHot(id);
    countUntil(this.used, id, until, () => {
      const m = this.live.peek(id);
      if (m && this.cooling) this.live.consider(m);
    });
  }

  /**
   * Whether a finished message may move to the archive: it owes no confirmation, nothing keeps it live, and it
   * is not failed as not confirmed by a connector whose late report may still come (StatusEvent.answerableUntil).
   */
  archivable(m: SmsMessage): boolean {
    if (this.owes(m.id) || this.keptLive.has(m.id)) return false;
    const until = m.history.at(-1)?.answerableUntil;
    return until === undefined || Date.parse(until) <= this.now().getTime();
  }

  /**
   * Every finished message that may move to the archive now, in batches of at most `size`, each worked out when it is
   * asked for (after the one before was archived): first those in memory, then those out of it whose late report can no
   * longer come, read back only when their batch comes up. A month-end run's 72 h report windows end together, and
   * reading all of those back at once made one compaction hold every one of them whole at the same time.
   */
  *archivableBatches(size: number): Generator<SmsMessage[]> {
    const hot = [...this.live.hotValues()].filter((m) => FINAL_STATUSES.has(m.status) && this.archivable(m));
    // Checked again as each batch comes up: a record applied while the one before was written may have changed it.
    const still = (m: SmsMessage) => this.live.peek(m.id) === m && FINAL_STATUSES.has(m.status) && this.archivable(m);
    for (let i = 0; i < hot.length; i += size) yield hot.slice(i, i + size).filter(still);
    const now = this.now().getTime();
    const cold = [...this.awaitingReport].flatMap(([id, until]) => (until > now || this.live.peek(id) ? [] : [id]));
    for (let i = 0; i < cold.length; i += size) {
      const out: SmsMessage[] = [];
      for (const id of cold.slice(i, i + size)) {
        // Read back since (and archived with those in memory next time), or gone: not here.
        if (this.live.peek(id) || !this.live.has(id)) continue;
        const m = this.live.get(id);
        if (m && FINAL_STATUSES.has(m.status) && this.archivable(m)) out.push(m);
      }
      yield out;
    }
  }

  /** `m` went to the archive: it leaves memory and every index that only a live message is in. */
  archived(m: SmsMessage): void {
    // The object in memory if it is there: it has any change applied while the archive was written.
    if (this.live.has(m.id)) this.statuses.add((this.live.peek(m.id) ?? m).status, -1);
    this.live.delete(m.id);
    this.awaitingReport.delete(m.id);
    this.marks.drop(m.id);
  }

  /** Files an SMS that asked for delay reports by when it was due (one property read for one that did not ask). */
  private watchDelay(m: SmsMessage): void {
    if (!m.dsn) return;
    const from = delayFrom(m);
    if (from) this.delays.set(m.id, from);
  }

  /** Whether the message owes a confirmation of either channel. */
  owes(id: string): boolean {
    return this.owedMail.has(id) || this.owedCallback.has(id);
  }

  /** Keeps the queued / owed indexes in step with a message's state, and lets it leave memory when it waits far ahead. */
  private track(m: SmsMessage): void {
    if (m.status === 'accepted') this.queued.set(m.id, m.notBefore, m.priority === 'express');
    else this.queued.delete(m.id);
    let mail = false;
    let callback = false;
    for (const c of m.confirmations) {
      if (c.sentAt) continue;
      if (c.channel === 'callback') callback = true;
      else mail = true;
    }
    keep(this.owedMail, m.id, mail);
    keep(this.owedCallback, m.id, callback);
    this.marks.note(m);
    const until = awaitingReportUntil(m);
    if (until === undefined) this.awaitingReport.delete(m.id);
    else this.awaitingReport.set(m.id, until);
    if (this.cooling) this.live.consider(m);
  }

  /**
   * Owing nothing, and either queued and not due for a while, or failed as not confirmed with nothing left to it but
   * the chance of a late report (for up to 72 h): it may leave memory. The latter is spooled like the former rather
   * than archived with an index to revive it by: the spool already keeps journal and snapshot the only truth (a late
   * report's correction is an ordinary record applied to the message read back), where reviving from the archive
   * would need a record that brings a whole message back into the live store and an archive holding two versions.
   */
  private coolable(m: SmsMessage): boolean {
    if (!this.cooling || this.owes(m.id) || this.used.has(m.id)) return false;
    const now = this.now().getTime();
    if (m.status === 'accepted') return Date.parse(m.notBefore) > now + COLD_AHEAD_MS;
    const until = awaitingReportUntil(m);
    return until !== undefined && until > now && !this.keptLive.has(m.id);
  }
}

/** Until when (epoch ms) a late report may still correct the SMS, when it failed as not confirmed by a connector that reports under our id. */
function awaitingReportUntil(m: SmsMessage): number | undefined {
  const last = m.history.at(-1);
  return m.status === 'failed' && last?.uncertain && last.answerableUntil ? Date.parse(last.answerableUntil) : undefined;
}

/** Counts one more holder of `id` in `counts` until `until` settles; `ended` once none is left. */
function countUntil(counts: Map<string, number>, id: string, until: Promise<unknown>, ended?: () => void): void {
  counts.set(id, (counts.get(id) ?? 0) + 1);
  const done = (): void => {
    const n = (counts.get(id) ?? 1) - 1;
    if (n > 0) return void counts.set(id, n);
    counts.delete(id);
    ended?.();
  };
  until.then(done, done);
}

function keep(set: Set<string>, id: string, member: boolean): void {
  if (member) set.add(id);
  else set.delete(id);
}
