/**
 * An SMS's submit_sm PDUs (plan.ts) with a concatenation reference of the
 * connector's pool (concat.ts). A long SMS to a number whose every
 * reference is in use (256 long SMS to it awaiting receipts, with 8-bit
 * references) waits for one that a receipt frees, up to `waitMs`: receipts
 * usually come within seconds, so a burst to one number is paced by them.
 * It does not wait when the oldest of those has already waited `waitMs`
 * for its receipts (a handset that is off): nothing will come soon, and a
 * waiting submit holds one of the dispatcher's slots that other numbers need.
 * Failing such an SMS at once instead made the dispatcher retry it seconds
 * later and count it against the connector's breaker, which then stopped all
 * traffic for its cool-down (the SMPP benchmark ran at ~25 SMS/s that way).
 */
import type { OutboundSms } from '../types.js';
import { ConcatRefs } from './concat.js';
import { planSubmit, type Plan, type PlanOptions } from './plan.js';
import type { Timers } from './socket.js';

/** Every reference for the SMS's number stayed in use: a matter of that SMS, to try again later, not a connector failure. */
export class RefsExhausted extends Error {
  override name = 'RefsExhausted';
}

export class SubmitPlanner {
  private readonly refs: ConcatRefs;
  private readonly now: () => Date;

  constructor(
    private readonly o: PlanOptions, private readonly waitMs: number,
    deps: { timers: Timers; random: () => number; now: () => Date },
  ) {
    this.now = deps.now;
    const random = deps.random;
    const timers = deps.timers;
    const bits = o.longMessages === 'udh16' ? 16 : 8;
    this.refs = new ConcatRefs(bits, Math.floor(random() * 2 ** bits), { timers, now: () => deps.now().getTime() });
  }

  /** Throws RefsExhausted (nothing taken), or RangeError when the SMS cannot be sent as given. */
  async plan(sms: OutboundSms): Promise<Plan> {
    try {
      return this.build(sms, () => this.nextRef(sms.to));
    } catch (e) {
      if (!(e instanceof RefsExhausted)) throw e;
    }
    // Receipts outstanding for longer than we would wait (a handset that is off) will not free one soon:
    // holding a dispatcher slot for nothing would slow every other number down.
    const oldest = this.refs.oldestAge(sms.to) ?? 0;
    if (oldest >= this.waitMs) {
      throw new RefsExhausted(`all concatenation references for ${sms.to} in use by long SMS awaiting receipts, the oldest for ${Math.round(oldest / 1000)} s; trying again later`);
    }
    const ref = await this.refs.wait(sms.to, this.waitMs);
    if (ref === undefined) {
      throw new RefsExhausted(`all concatenation references for ${sms.to} in use (long SMS to it still awaiting receipts) for ${this.waitMs / 1000} s; trying again later`);
    }
    return this.build(sms, () => ref);
  }

  /** The SMS's parts are all reported (or it was not sent): its reference may go to another SMS to the same number. */
  release(sms: OutboundSms, plan: Plan): void {
    if (plan.ref !== undefined) this.refs.release(sms.to, plan.ref);
  }

  /** Every SMS waiting for a reference ends now with RefsExhausted (the connector stops). */
  cancelWaits(): void {
    this.refs.cancelWaits();
  }

  private nextRef(to: string): number {
    try {
      return this.refs.next(to);
    } catch (e) {
      throw new RefsExhausted((e as Error).message);
    }
  }

  private build(sms: OutboundSms, ref: () => number): Plan {
    let taken: number | undefined;
    try {
      return planSubmit(sms, this.o, () => (taken = ref()), this.now());
    } catch (e) {
      // A reference taken for an SMS that cannot be sent (more than 255 parts) would otherwise stay in use.
      if (taken !== undefined) this.refs.release(sms.to, taken);
      throw e;
    }
  }
}
