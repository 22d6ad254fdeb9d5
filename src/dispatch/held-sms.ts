/**
 * SMS held until an operator releases them: those of an account the fraud
 * brake stopped, and those a store restored from a backup holds
 * (restore-hold.ts). Holding writes the reason into the SMS's history;
 * a release makes them due at once, with the release in their history.
 */
import type { LogFn } from '../log.js';
import type { HoldKind } from '../store/queue-marks.js';
import type { MessageStore, SmsMessage } from '../store/types.js';

/** What holds an SMS until an operator releases it. */
export type { HoldKind };

/**
 * How long a held SMS (of a stopped account, or of a restored store) waits
 * before it is looked at again. A release lets them go at once
 * (release); this only bounds how many hold events a long stop writes
 * into each SMS's history (one per hour).
 */
const HOLD_RECHECK_MS = 3600_000;

export interface HeldSmsDeps {
  store: MessageStore;
  now: () => Date;
  log: LogFn;
  /** Runs `fn` while no attempt to send SMS `id` is under way (work-loop.ts). */
  exclusive: <T>(id: string, fn: () => Promise<T>) => Promise<T | undefined>;
  /** Why an account may not send now (its fraud brake is engaged), or undefined. */
  paused?: (account: string) => string | undefined;
  /** Why this SMS must wait for an operator (restore-hold.ts), or undefined. */
  restoreHold?: (m: SmsMessage) => string | undefined;
  /** Runs before a restore's held SMS are released: what the backup caught being handed over is settled first. */
  beforeRestoreRelease: () => Promise<void>;
}

export class HeldSms {
  constructor(private readonly o: HeldSmsDeps) {}

  /**
   * SMS held by the fraud brake (of `account`, or of any account) whose
   * account may send again, or held after a restore once it was released
   * (`kind` restore), become due now, with the release in their history.
   */
  async release(account?: string, kind: HoldKind | HoldKind[] = 'brake'): Promise<void> {
    const { store } = this.o;
    const kinds = Array.isArray(kind) ? kind : [kind];
    if (kinds.includes('restore')) await this.o.beforeRestoreRelease();
    const at = this.o.now().toISOString();
    // Only the held ones (the store's index of holds): a walk of the queue read back every SMS kept out of memory.
    for (const m of kinds.flatMap((k) => store.held(k))) {
      const held = m.history.at(-1)?.hold;
      if ((account && m.account !== account) || !held || this.heldBy(held, m)) continue;
      await this.o.exclusive(m.id, async () => {
        // Read again: sent or cancelled meanwhile? (held may give copies of SMS kept out of memory.)
        const now = store.get(m.id);
        if (now?.status !== 'accepted' || now.history.at(-1)?.hold !== held) return;
        const reason = held === 'brake' ? `the fraud brake of account "${m.account}" was released: sent now` : 'the hold after a restore was released: sent now';
        await store.transition(m.id, { event: { status: 'accepted', at, reason }, notBefore: at });
      });
    }
  }

  /**
   * The brake stops an account's new mail at MAIL FROM; what it had queued
   * must not go out either (a pumping run is often queued before it shows),
   * so it waits, with the reason in its history, until an operator releases
   * it. So does what a store restored from a backup held (restore-hold.ts).
   */
  async hold(m: SmsMessage, kind: HoldKind, reason: string): Promise<void> {
    const at = this.o.now();
    await this.o.store.transition(m.id, { event: { status: 'accepted', at: at.toISOString(), reason, hold: kind }, notBefore: new Date(at.getTime() + HOLD_RECHECK_MS).toISOString() });
    this.o.log('sms-held', { msgId: m.id, account: m.account, reason });
    // Released while the hold was being written: release skipped this SMS (busy), so it goes now, not in an hour
    // (on the next turn, once this attempt no longer holds the SMS).
    if (!this.heldBy(kind, m)) {
      const account = kind === 'brake' ? m.account : undefined;
      setImmediate(() => void this.release(account, kind).catch((e: Error) => this.o.log('dispatch-error', { msgId: m.id, error: e.message })));
    }
  }

  /** Why `m` is held by `kind` now, or undefined. */
  private heldBy(kind: HoldKind, m: SmsMessage): string | undefined {
    return kind === 'brake' ? this.o.paused?.(m.account) : this.o.restoreHold?.(m);
  }
}
