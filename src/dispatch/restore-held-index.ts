/**
 * Where a restore's held SMS are, for the stray receipts that may be theirs (restore-receipts.ts). Looking them up
 * by a walk of the queue per receipt read back every held SMS kept out of memory (most are: a held one is looked
 * at again in an hour, so it is spooled, store/live.ts), for every receipt an SMSC sends under an id this bridge
 * never gave out. Which SMS the hold holds is fixed when it begins: those accepted before the backup ended, all
 * in the store at its start (mail taken since is never held). The store indexes them while it reads its records
 * (store/queue-marks.ts restoreHeld), most without a hold event yet (one is written only when the SMS comes due),
 * so the index is made at the first receipt reading no SMS (a walk of the queue read back 100,000 spooled ones),
 * and each receipt reads only those to its handset's number (a receipt fits no other, receipt-match.ts).
 */
import type { RestoreHeldIds } from '../store/queue-marks.js';
import type { SmsMessage } from '../store/types.js';

/** caught: `submitting` at the connector when the backup was taken; sent: settled as sent by the old bridge through it; queued: held, not handed over. */
export type CandidateKind = 'caught' | 'sent' | 'queued';

export class HeldIndex {
  /** Ids of the held SMS, by number. */
  private readonly byNumber = new Map<string, string[]>();
  /**
   * Those the backup caught being handed over, or settled as sent by the old bridge, when the index was made: the
   * only ones that may be (or become) caught or sent through an SMPP connector — a queued one is settled as sent
   * only by a report naming our id (backup-report.ts), which SMPP receipts never carry.
   */
  private readonly handedOver: string[] = [];

  constructor(held: RestoreHeldIds) {
    for (const [id, to] of held.to) {
      const ids = this.byNumber.get(to);
      if (ids) ids.push(id);
      else this.byNumber.set(to, [id]);
    }
    this.handedOver.push(...held.handed);
  }

  /** Held SMS to `to`. */
  to(to: string): readonly string[] {
    return this.byNumber.get(to) ?? [];
  }

  /** Held SMS that were handed over (or settled as such) when the hold began. */
  get handed(): readonly string[] {
    return this.handedOver;
  }
}

/**
 * What `m` is now to receipts of `connector`: caught at it, settled as sent through it, or held queued; undefined
 * when none (released, sent, cancelled, another connector's).
 */
export function candidateKind(m: SmsMessage, connector: string, held: (m: SmsMessage) => boolean, sentThrough: (m: SmsMessage) => string | undefined): CandidateKind | undefined {
  if (!held(m)) return undefined;
  if (m.status === 'submitting') return m.history.at(-1)!.connector === connector ? 'caught' : undefined;
  if (m.status === 'submitted') return sentThrough(m) === connector ? 'sent' : undefined;
  // Held whether or not it came due since the restore (a hold event is written only then): the old bridge may have sent
  // one not due here yet (a retry it brought forward when its connector came back), and at start a receipt can come
  // before the dispatcher reached one that is due. Left out, a receipt of it fit the caught SMS alone and settled that
  // one as sent. Not one an operator marked not sent: checked, it did not go.
  if (m.status === 'accepted') return m.history.some((e) => e.backup === 'not-sent') ? undefined : 'queued';
  return undefined;
}
