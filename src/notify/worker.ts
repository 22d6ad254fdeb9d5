import { retryDelaySeconds } from '../dispatch/retry.js';
import { WorkLoop } from '../dispatch/work-loop.js';
import type { ConfirmationState, InboundReply, MessageStore, SmsMessage } from '../store/types.js';
import { ComposerThread } from './compose-thread.js';
import { correctionWait } from './correction-wait.js';
import { delayFrom, outdatedDelays } from './delay.js';
import { gather, gatherKey, gathers, phaseOf, type Owed } from './gather.js';
import type { TransportSpec } from './outbox.js';
import type { ReplyMailInput } from './reply-mail.js';
import { ConfirmationSender, type Delivered, type SendInput } from './sender.js';
import type { Language } from './wording/index.js';

export interface NotifierOptions {
  store: MessageStore;
  /** Where confirmations go; the confirmation thread opens it. */
  transport: TransportSpec;
  from: string;
  reportingMta: string;
  templatesDir: string;
  timeZone: string;
  /** The language of an SMS's confirmations (its account's, looked up when each is sent); English when absent. */
  languageOf?: (sms: Pick<SmsMessage, 'account'>) => Language;
  /** The zone of an SMS's confirmation times (its account's, looked up when each is sent); `timeZone` when absent. */
  timeZoneOf?: (sms: Pick<SmsMessage, 'account'>) => string;
  retrySeconds: readonly number[];
  /** Where the mails kept for RET=FULL are (store/originals.ts). */
  originalsDir?: string;
  /** Reply-To of acceptance confirmations that cancels the SMS; none when absent. */
  cancelAddress?: (smsId: string) => string;
  /** Confirmations under way at once (default CONCURRENCY). */
  concurrency?: number;
  now?: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
  tickMs?: number;
  /** Why a confirmation must not go to its recipient (recipient-guard.ts); it is then recorded as not sent, never retried. */
  refusal?: (sms: { account: string; mail: Pick<SmsMessage['mail'], 'envelopeFrom'> }) => string | undefined;
  /** Compose and hand over on a worker thread (src/notify/compose-thread.ts) instead of the event loop; default true. */
  composeOnThread?: boolean;
  /** Handsets' replies to forward by mail (src/policy/reply-forward.ts); none when absent. */
  replies?: ReplyForwarding;
  /** text.transliterate: what a confirmation names as having made a text Unicode (format.ts). */
  transliterate?: boolean;
  /** How long a confirmation of an SMS whose mail made others waits for theirs of the same stage (gather.ts); default 0. */
  gatherMs?: number;
  /** notify.correctionWaitSeconds (ms): a late "handed to carrier" correction waits this long for the outcome, which then says both (correction-wait.ts); default 0. */
  correctionWaitMs?: number;
  /** notify.delayAfterMinutes: a client asking NOTIFY=DELAY hears once that an SMS is not delivered this long (ms) after it was due (delay.ts); 0 or absent: never. */
  delayMs?: number;
  /**
   * Whether a restore's hold keeps `sms` from going (dispatch/restore-hold.ts): the bridge the
   * backup was taken of may have sent it, so "not delivered so far" may be false. Its delay
   * report waits, looked at again a delay later, until the release settles it.
   */
  restoreHeld?: (sms: SmsMessage) => boolean;
}

/** One confirmation mail to send: one SMS's, or those of several SMS of one mail (gather.ts), first by number. */
interface Job {
  key: string;
  owed: Owed[];
  /** A correction the outcome's confirmation says too (correction-wait.ts): recorded as not sent. */
  superseded?: true;
}

/** Where the replies to forward are kept (the store), and the Reply-To domain of their mails. */
export interface ReplyForwarding {
  queue: {
    repliesDue(now: Date, limit: number): InboundReply[];
    replySent(id: string, where: string, at: Date): Promise<void>;
    replyFailed(id: string, error: string, notBefore: Date): Promise<void>;
  };
  smsDomain: string;
  /** Why a reply's mail must not go to the SMS's sender (recipient-guard.ts replyRefusal); recorded as not sent, never retried. */
  refusal?: (owner: { account: string; mail: Pick<SmsMessage['mail'], 'envelopeFrom'> }) => string | undefined;
}

/** Replies are few: a handful under way at once is plenty, and leaves the confirmations their concurrency. */
const REPLY_CONCURRENCY = 4;

/**
 * Each confirmation waits for composing, its durable write (or the relay) and
 * the journal record that says it was sent: milliseconds, mostly waiting for
 * fsyncs that many confirmations can share. With 8 under way the notifier
 * fell behind at ~300 confirmations/s in the end-to-end benchmark while SMS
 * were accepted and sent faster; 64 keep up.
 */
const CONCURRENCY = 64;

/** How often the notifier asks for delay reports that came due: their time is minutes, a second late is nothing. */
const DELAY_CHECK_MS = 1000;
/** Delay reports owed in one go; when there were as many, the next go follows at once. */
const DELAY_BATCH = 500;

/**
 * Sends the confirmations the store says are owed. Each is recorded as sent
 * only after the transport took it; a failure is recorded with the time of
 * the next attempt, so a confirmation survives restarts and is never dropped.
 */
export class Notifier {
  private readonly loop: WorkLoop<Job>;
  private readonly now: () => Date;
  private readonly sender: { start?(): Promise<void>; deliver(input: SendInput): Promise<Delivered>; deliverReply(input: ReplyMailInput): Promise<Delivered>; close(): Promise<void> };
  private readonly replyLoop?: WorkLoop<InboundReply>;
  /** The gatherKeys of mails waiting for their SMS's confirmations (gather.ts), logged once each. */
  private readonly waiting = new Set<string>();
  /** When the store was last asked for delay reports that came due (epoch ms), and whether owing them is under way. */
  private delaysAskedAt = 0;
  private owingDelays = false;

  constructor(private readonly o: NotifierOptions) {
    this.now = o.now ?? (() => new Date());
    this.sender = (o.composeOnThread ?? true) ? new ComposerThread(o.templatesDir, o.transport) : new ConfirmationSender(o.templatesDir, o.transport);
    this.loop = new WorkLoop({
      concurrency: o.concurrency ?? CONCURRENCY,
      tickMs: o.tickMs ?? 500,
      // Confirmations under way are still owed, and first in the store's walk: left out there (due), so that each
      // wake-up walks about as many as it has free places, not the 64 under way on top (~0.4 ms a wake-up at 64).
      next: (limit) => this.due(limit - this.loop.inFlight, (key) => this.loop.isRunning(key)),
      key: (job) => job.key,
      run: (job) => (job.superseded ? this.supersede(job.owed[0]) : this.send(job.owed)),
      onError: (job, e) => o.log('confirmation-error', { ...covered(job.owed), error: e.message }),
      onTick: () => this.checkDelays(),
    });
    const replies = o.replies;
    if (replies) {
      this.replyLoop = new WorkLoop({
        concurrency: REPLY_CONCURRENCY,
        tickMs: o.tickMs ?? 500,
        next: (limit) => replies.queue.repliesDue(this.now(), limit + this.replyLoop!.inFlight),
        key: (r) => r.id,
        run: (r) => this.forward(r, replies),
        onError: (r, e) => o.log('sms-reply-mail-error', { replyId: r.id, msgId: r.answers, error: e.message }),
      });
    }
  }

  /**
   * Starts sending, and the confirmation thread with it; resolves once the thread is ready. A thread that cannot
   * start is logged, not thrown: the bridge still takes and sends SMS, and each confirmation's send fails, is
   * recorded with its next attempt and tried again on a new thread (retrySeconds), so none is lost.
   */
  async start(): Promise<void> {
    this.o.store.onChange(() => {
      this.loop.wake();
      this.replyLoop?.wake();
    });
    this.loop.start();
    this.replyLoop?.start();
    await this.sender.start?.().catch((e: Error) => this.o.log('confirmation-thread-failed', { error: e.message }));
  }

  /** Stops starting new sends and waits for the running ones (up to timeoutMs). */
  async stop(timeoutMs = 5000): Promise<void> {
    await Promise.all([this.loop.stop(timeoutMs), this.replyLoop?.stop(timeoutMs)]);
    await this.sender.close();
  }

  /**
   * A reply's mail goes to the sender of the SMS it answers under the rules
   * of confirmations (the account's own addresses only), recorded as sent
   * only once the transport took it, retried on the same schedule.
   */
  private async forward(r: InboundReply, f: ReplyForwarding): Promise<void> {
    const base = { replyId: r.id, msgId: r.answers, account: r.account };
    const owner = { account: r.account, mail: r.original.mail };
    const refused = f.refusal?.(owner);
    if (refused) {
      await f.queue.replySent(r.id, `not sent: ${refused}`, this.now());
      this.o.log('sms-reply-not-forwarded', { ...base, to: r.original.mail.envelopeFrom, reason: refused });
      return;
    }
    try {
      const { to, where } = await this.sender.deliverReply({
        reply: r, from: this.o.from, reportingMta: this.o.reportingMta, smsDomain: f.smsDomain, now: this.now(), timeZone: this.o.timeZoneOf?.(owner) ?? this.o.timeZone,
        language: this.o.languageOf?.(owner),
      });
      await f.queue.replySent(r.id, where, this.now());
      this.o.log('sms-reply-forwarded', { ...base, to, where });
    } catch (e) {
      const wait = retryDelaySeconds(r.forward.attempts + 1, this.o.retrySeconds);
      this.o.log('sms-reply-mail-retry', { ...base, attempts: r.forward.attempts + 1, wait, error: (e as Error).message });
      await f.queue.replyFailed(r.id, (e as Error).message, new Date(this.now().getTime() + wait * 1000));
    }
  }

  /**
   * The mails to send now. A confirmation of an SMS alone in its mail is one
   * at once, as it always was (one property read more). Those of a mail's
   * several SMS are gathered (gather.ts): the store is asked only for those
   * whose mail is ready, one per mail, so that mails still gathering never
   * take the places of others.
   */
  private due(limit: number, running: (key: string) => boolean): Job[] {
    const now = this.now();
    const decided = new Set<string>();
    const jobs = new Map<ConfirmationState, Job>();
    const take = (m: SmsMessage, c: ConfirmationState): boolean => {
      if (!gathers(m, c)) return true;
      const key = gatherKey(m, c);
      // Decided for an SMS of the same mail before: that one stands for it.
      if (decided.has(key)) return false;
      decided.add(key);
      // Under way: gathered when it started.
      if (running(key)) return false;
      const found = gather([m, c], this.o.store.siblingsOf(m), { now: now.getTime(), gatherMs: this.o.gatherMs ?? 0 });
      if ('until' in found) {
        this.gathering(key, [m, c], found.until);
        return false;
      }
      this.waiting.delete(key);
      jobs.set(c, { key, owed: found.owed });
      return true;
    };
    const wait = { now: now.getTime(), waitMs: this.o.correctionWaitMs ?? 0 };
    const pick = (m: SmsMessage, c: ConfirmationState): boolean => {
      if (running(`${m.id}/${c.stage}`)) return false;
      const w = correctionWait(m, c, wait);
      if (w === 'send') return m.ofMail === undefined || take(m, c);
      if (w === 'superseded') jobs.set(c, { key: `${m.id}/${c.stage}`, owed: [[m, c]], superseded: true });
      return w === 'superseded';
    };
    return this.o.store.confirmationsDue(now, limit, 'mail', pick)
      .map(([m, c]) => jobs.get(c) ?? { key: `${m.id}/${c.stage}`, owed: [[m, c]] });
  }

  /**
   * Owes the delay reports whose time has come (delay.ts). The store files only
   * the SMS whose client asked, by when they were due, and is asked for those
   * due longer ago than the delay: when none is, that is a look at the top of a
   * heap, once a second; an SMS that did not ask costs nothing here. Each one
   * found is looked at again, as a quiet-hours hold since may have moved it on.
   */
  private checkDelays(): void {
    const ms = this.o.delayMs;
    const now = this.now();
    if (!ms || this.owingDelays || now.getTime() - this.delaysAskedAt < DELAY_CHECK_MS) return;
    this.delaysAskedAt = now.getTime();
    const due = this.o.store.delaysDue(new Date(now.getTime() - ms), DELAY_BATCH);
    if (!due.length) return;
    this.owingDelays = true;
    void this.oweDelays(due, now, ms)
      .catch((e: Error) => this.o.log('confirmation-error', { stage: 'delayed', error: e.message }))
      .finally(() => {
        this.owingDelays = false;
        if (due.length === DELAY_BATCH) this.delaysAskedAt = 0;
      });
  }

  /** Each SMS's delay report owed (stored once, in the store's group commit), or its watch moved on or ended. */
  private async oweDelays(due: readonly SmsMessage[], now: Date, ms: number): Promise<void> {
    await Promise.all(due.map(async (m) => {
      const from = delayFrom(m);
      if (from === undefined || Date.parse(from) + ms > now.getTime()) return this.o.store.delayWatch(m.id, from);
      if (this.o.restoreHeld?.(m)) return this.o.store.delayWatch(m.id, now.toISOString());
      await this.o.store.oweDelay(m.id, now);
      // Not owed after all when it became final meanwhile (records.ts): its outcome is reported instead.
      if (!this.o.store.get(m.id)?.confirmations.some((c) => c.stage === 'delayed')) return;
      this.o.log('sms-delayed', { msgId: m.id, status: m.status, dueSince: from, account: m.account });
    }));
  }

  /** Says once per wait that a confirmation waits for its siblings', so that a log reader knows why it has not gone yet. */
  private gathering(key: string, [m, c]: Owed, until: number): void {
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.o.log('confirmation-gathering', { msgId: m.id, mailId: m.mailId, stage: c.stage, until: new Date(until).toISOString() });
  }

  /** Delay reports whose SMS became final before they went (delay.ts outdatedDelays): recorded as not sent, never sent. */
  private async settleOutdated(outdated: readonly Owed[]): Promise<void> {
    await Promise.all(outdated.map(async ([x]) => {
      const status = this.o.store.get(x.id)?.status ?? x.status;
      await this.o.store.confirmationSent(x.id, 'delayed', `not sent: ${status} before it went`, this.now());
      this.o.log('delay-report-dropped', { msgId: x.id, status });
    }));
  }

  /** A late correction whose outcome came within notify.correctionWaitSeconds: that outcome's mail says both, this one is not sent. */
  private async supersede([m, c]: Owed): Promise<void> {
    await this.o.store.confirmationSent(m.id, c.stage, `not sent: the ${m.status} confirmation that followed says it`, this.now());
    this.o.log('confirmation-superseded', { msgId: m.id, stage: c.stage, by: m.status });
  }

  /**
   * One mail for the confirmations in `owed` (all of one mail's SMS, or one).
   * Each is recorded as sent only after the transport took the mail, in one
   * group commit of the journal; if the transport fails, all wait for the
   * same retry, and a crash between the two sends the mail again.
   */
  private async send(job: Owed[]): Promise<void> {
    const outdated = outdatedDelays(job, (id) => this.o.store.get(id));
    if (outdated.length) await this.settleOutdated(outdated);
    const owed = outdated.length ? job.filter((o) => !outdated.includes(o)) : job;
    if (!owed.length) return;
    const [[m, c], ...together] = owed;
    const refused = this.o.refusal?.(m);
    const covers = covered(owed);
    if (refused) {
      await Promise.all(owed.map(([x, s]) => this.o.store.confirmationSent(x.id, s.stage, `not sent: ${refused}`, this.now())));
      this.o.log('confirmation-suppressed', { ...covers, to: m.mail.envelopeFrom, account: m.account, reason: refused });
      return;
    }
    try {
      const { to, where, messageId } = await this.sender.deliver({
        sms: m, status: c.stage, from: this.o.from, reportingMta: this.o.reportingMta, now: this.now(), timeZone: this.o.timeZoneOf?.(m) ?? this.o.timeZone, cancelAddress: this.o.cancelAddress,
        language: this.o.languageOf?.(m), transliterate: this.o.transliterate, originalsDir: this.o.originalsDir,
        ...(together.length ? { together: together.map(([x, s]) => ({ sms: x, status: s.stage })) } : {}),
      });
      const at = this.now();
      await Promise.all(owed.map(([x, s]) => this.o.store.confirmationSent(x.id, s.stage, where, at)));
      this.o.log('confirmation-sent', { ...covers, to, where, ...(together.length ? { messageId } : {}) });
    } catch (e) {
      // Together they failed and together they are tried again, after the wait of the most tried among them.
      const attempts = Math.max(...owed.map(([, s]) => s.attempts)) + 1;
      const wait = retryDelaySeconds(attempts, this.o.retrySeconds);
      const notBefore = new Date(this.now().getTime() + wait * 1000);
      this.o.log('confirmation-retry', { ...covers, attempts, wait, error: (e as Error).message });
      await Promise.all(owed.map(([x, s]) => this.o.store.confirmationFailed(x.id, s.stage, (e as Error).message, notBefore)));
    }
  }
}

/**
 * What one line says of the SMS a confirmation mail covers: the first's id and
 * the mail's stage, and for a mail for several SMS each one's id and stage
 * (msgIds, stages) and how many (together). The stage is the one the mail's
 * Message-ID names: theirs, or `final` when their outcomes differ (delivered
 * and failed).
 */
export function covered(owed: readonly Owed[]): Record<string, unknown> {
  const [[m, c]] = owed;
  if (owed.length === 1) return { msgId: m.id, stage: c.stage };
  const stages = owed.map(([, s]) => s.stage);
  return {
    msgId: m.id, stage: stages.every((s) => s === c.stage) ? c.stage : phaseOf(c.stage),
    msgIds: owed.map(([x]) => x.id), stages, together: owed.length,
  };
}
