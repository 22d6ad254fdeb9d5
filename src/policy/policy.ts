import type { Account, AccountConfig } from '../accounts/types.js';
import { errors, type SmtpError } from '../smtp/errors.js';
import type { MessageStore } from '../store/types.js';
import type { Brake } from './brake.js';
import { TokenBuckets } from './counters.js';
import { destinationRefusal, type Destination } from './destinations.js';
import { limitsFor, ownOverGateway, type Limits } from './limits.js';
import type { OptOutList } from './optout.js';
import { periodStarts, quotaRefusal } from './quota.js';
import type { LimitsConfig } from './schema.js';

export interface PolicyOptions {
  limits: LimitsConfig;
  accounts: readonly AccountConfig[];
  store: Pick<MessageStore, 'segmentsSince' | 'sentTo' | 'sentPerAccount'>;
  optout: Pick<OptOutList, 'blocksAll'>;
  brake: Brake;
  now: () => Date;
}

/** Held between DATA's check and the store's answer: settled exactly once. */
export interface Reservation {
  /** The SMS were stored (duplicates excluded): they count from now on. */
  commit(stored: ReadonlyArray<{ to: string }>): void;
  /** Nothing was stored: everything taken is given back. */
  release(): void;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const FAILED = new Set(['failed', 'expired', 'rejected']);

/**
 * What an account may send, asked by the SMTP handlers: at MAIL FROM (is it
 * stopped?), at RCPT (this number, one more SMS) and at DATA (the whole
 * batch, reserved until it is stored, so that concurrent sessions of one
 * account cannot together slip past a limit). Quotas and the per-number
 * cap are counted from the store, so they survive restarts at no cost on
 * the accept path; the rate's bucket lives in memory (it must hold a
 * batch's tokens until the store answers) and is rebuilt at start from the
 * SMS the store counted within the hour.
 */
export class Policy {
  private readonly own = new Map<string, AccountConfig['limits']>();
  private readonly rate = new TokenBuckets(MINUTE_MS);
  private readonly reserved = new Map<string, number>();
  /** SMS per account and number held by a DATA whose store has not answered yet (the per-number cap's share of a reservation). */
  private readonly pendingTo = new Map<string, number>();
  private readonly periods = new Map<string, { day: Date; month: Date; until: number }>();
  private lastSweep = 0;

  constructor(private readonly o: PolicyOptions) {
    for (const a of o.accounts) this.own.set(a.name, a.limits);
    this.rebuildRate();
  }

  limitsOf(account: Account): Limits {
    return limitsFor(this.o.limits, this.own.get(account.name), account.defaultCountry);
  }

  mailFrom(account: Account): SmtpError | undefined {
    const paused = this.o.brake.pausedReason(account.name);
    return paused ? errors.AccountPaused(account.name, paused) : undefined;
  }

  /** One more recipient, after `accepted` others in the same transaction. */
  recipient(account: Account, d: Destination, accepted: number): SmtpError | undefined {
    const limits = this.limitsOf(account);
    const now = this.tick();
    // Only entries for every sender can be decided here: the sender is known once the mail is read (DATA, optout-scope.ts).
    if (this.o.optout.blocksAll(d.e164)) return errors.OptedOut(d.e164);
    const where = destinationRefusal(d, limits, account.name);
    if (where) return where;
    const paused = this.mailFrom(account);
    if (paused) return paused;
    if (limits.perNumberPerHour > 0 && this.sentTo(account, d.e164, now) + this.pending(account, d.e164) >= limits.perNumberPerHour) {
      return errors.NumberRateExceeded(d.e164, String(limits.perNumberPerHour));
    }
    if (limits.messagesPerMinute > 0 && !this.rate.has(account.name, accepted + 1, limits.messagesPerMinute, now)) {
      return errors.RateExceeded(account.name, String(limits.messagesPerMinute));
    }
    return quotaRefusal(account.name, limits, this.used(account), 1);
  }

  /** DATA: the whole batch against every limit, reserved until the store answers. */
  reserve(account: Account, sms: ReadonlyArray<{ to: string; segments: number }>): Reservation | SmtpError {
    const limits = this.limitsOf(account);
    const now = this.tick();
    const paused = this.mailFrom(account);
    if (paused) return paused;
    const capped = limits.perNumberPerHour > 0;
    const crowded = capped && this.crowded(account, sms, limits.perNumberPerHour, now);
    if (crowded) return errors.NumberRateExceeded(crowded, String(limits.perNumberPerHour));
    const segments = sms.reduce((n, m) => n + m.segments, 0);
    const over = quotaRefusal(account.name, limits, this.used(account), segments);
    if (over) return over;
    const rated = limits.messagesPerMinute > 0;
    if (rated && !this.rate.take(account.name, sms.length, limits.messagesPerMinute, now)) {
      return errors.RateExceeded(account.name, String(limits.messagesPerMinute));
    }
    this.reserved.set(account.name, (this.reserved.get(account.name) ?? 0) + segments);
    if (capped) this.hold(account, sms, 1);
    let settled = false;
    const settle = (stored: ReadonlyArray<{ to: string }>) => {
      if (settled) return;
      settled = true;
      this.reserved.set(account.name, (this.reserved.get(account.name) ?? 0) - segments);
      if (rated) this.rate.giveBack(account.name, sms.length - stored.length, limits.messagesPerMinute, this.o.now().getTime());
      // The store counted what it stored (sentTo): the held places are given back either way.
      if (capped) this.hold(account, sms, -1);
      if (stored.length) this.o.brake.accepted(account.name, stored.map((m) => m.to), limits.brake);
    };
    return { commit: settle, release: () => settle([]) };
  }

  /** A final status of an SMS (from the dispatcher's events): failures feed the brake. */
  outcome(account: Account, status: string): void {
    if (status !== 'delivered' && !FAILED.has(status)) return;
    this.o.brake.outcome(account.name, FAILED.has(status), this.limitsOf(account).brake);
  }

  private sentTo(account: Account, to: string, now: number): number {
    return this.o.store.sentTo(account.name, to, new Date(now - HOUR_MS));
  }

  /**
   * The first number of the batch that would go over the cap, counting what
   * the store has, what other sessions hold until their store answers (two
   * sessions at once must not both take the last place), and the batch's
   * own earlier SMS to it.
   */
  private crowded(account: Account, sms: ReadonlyArray<{ to: string }>, cap: number, now: number): string | undefined {
    const inBatch = new Map<string, number>();
    for (const m of sms) {
      const n = (inBatch.get(m.to) ?? 0) + 1;
      inBatch.set(m.to, n);
      if (this.sentTo(account, m.to, now) + this.pending(account, m.to) + n > cap) return m.to;
    }
    return undefined;
  }

  private pending(account: Account, to: string): number {
    return this.pendingTo.get(`${account.name}\n${to}`) ?? 0;
  }

  private hold(account: Account, sms: ReadonlyArray<{ to: string }>, by: 1 | -1): void {
    for (const m of sms) {
      const key = `${account.name}\n${m.to}`;
      const n = (this.pendingTo.get(key) ?? 0) + by;
      if (n > 0) this.pendingTo.set(key, n);
      else this.pendingTo.delete(key);
    }
  }

  /** The account's messagesPerMinute, known by its name alone (the rate's buckets are kept by name). */
  private capacityOf(name: string): number {
    return ownOverGateway(this.o.limits, this.own.get(name)).messagesPerMinute;
  }

  /**
   * The buckets as the SMS the store counted within the hour left them, so
   * that a restart does not hand an account a fresh minute's worth. Replayed
   * from full an hour back: exact once the account paused for a minute
   * within the hour; after an hour of sending without a pause at most one
   * minute's worth more than before the restart.
   */
  private rebuildRate(): void {
    const now = this.o.now().getTime();
    for (const [name, times] of this.o.store.sentPerAccount(new Date(now - HOUR_MS))) {
      const capacity = this.capacityOf(name);
      if (capacity <= 0) continue;
      for (const t of times) this.rate.spend(name, 1, capacity, Math.min(t, now));
    }
  }

  private used(account: Account): { day: number; month: number } {
    const { day, month } = this.periodsIn(account.timeZone, this.o.now());
    const pending = this.reserved.get(account.name) ?? 0;
    return { day: this.o.store.segmentsSince(account.name, day) + pending, month: this.o.store.segmentsSince(account.name, month) + pending };
  }

  /**
   * periodStarts for this zone, kept until the next local midnight: working it
   * out reads the zone's clock several times (~0.1 ms), at RCPT and at DATA of
   * every SMS (6 % of the event loop in the end-to-end benchmark's profile).
   */
  private periodsIn(timeZone: string, now: Date): { day: Date; month: Date } {
    const t = now.getTime();
    const kept = this.periods.get(timeZone);
    if (kept && t >= kept.day.getTime() && t < kept.until) return kept;
    const p = periodStarts(now, timeZone);
    // A day lasts 23 to 25 hours: 26 hours after midnight is always in the next day.
    const until = periodStarts(new Date(p.day.getTime() + 26 * 3_600_000), timeZone).day.getTime();
    this.periods.set(timeZone, { ...p, until });
    return p;
  }

  /** The current time; once a minute also drops counters that carry no information any more. */
  private tick(): number {
    const now = this.o.now().getTime();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.rate.sweep(now, (name) => this.capacityOf(name));
      this.o.brake.sweep();
    }
    return now;
  }
}
