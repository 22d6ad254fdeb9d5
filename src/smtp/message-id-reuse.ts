import type { LogFn } from '../log.js';
import { RecentIds } from '../mail/recent-ids.js';
import { idKey } from '../mail/to-sms.js';

/** How many mails' Message-IDs are remembered: ERPs that reuse ids do so within seconds (a timestamp) or always (a fixed value). */
const REMEMBERED = 10_000;

/**
 * Tells the operator when a Message-ID comes back with other content (an
 * ERP that reuses ids: a fixed value, a timestamp to the second). Such a
 * mail is sent, since its duplicate key includes what it says (to-sms.ts
 * dedupKey); the warning `sms-message-id-reused` is so that the ERP's owner
 * can be told before a client relying on unique ids (a mail archive, a
 * threading mail client) loses something. In memory only: not across a
 * restart, for the last REMEMBERED mails within the duplicate window.
 */
export class MessageIdReuse {
  private readonly seen: RecentIds<{ fingerprint: string; mailId: string }>;

  constructor(private readonly o: { ttlMs: number; now: () => number; log: LogFn; max?: number }) {
    this.seen = new RecentIds({ max: o.max ?? REMEMBERED, ttlMs: o.ttlMs, now: o.now });
  }

  /** After SMS of a mail were stored: remembers what it said under its Message-ID, and warns when that differs from before. */
  note(account: string, messageId: string | undefined, fingerprint: string | undefined, mail: { mailId: string; cid?: string }): void {
    if (!messageId || !fingerprint) return;
    const key = idKey(account, messageId);
    const earlier = this.seen.get(key);
    this.seen.set(key, { fingerprint, mailId: mail.mailId });
    if (!earlier || earlier.fingerprint === fingerprint) return;
    this.o.log('sms-message-id-reused', {
      ...mail, account, messageId, earlier: earlier.mailId,
      reason: 'the same Message-ID came with another text or other options; sent as a new SMS. The sending system should give every mail its own Message-ID',
    });
  }
}
