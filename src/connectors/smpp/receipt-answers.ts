/**
 * When a deliver_sm (a receipt) gets its deliver_sm_resp. An SMSC sends
 * an unanswered receipt again after the next bind, so the answer waits
 * until what the receipt decided is stored: a crash before that loses
 * nothing. It is ESME_ROK when the report is stored, or nobody can use it
 * (an error would make the SMSC send the same PDU again, forever), and
 * ESME_RSYSERR when storing it failed or the connector stops before it
 * could be stored: the SMSC sends it again later. A receipt whose report is being stored is answered when it
 * is, however long that takes (a slow disk): acknowledged earlier, a crash before the write would lose it, as
 * the SMSC never sends an acknowledged receipt again. An SMSC that times out its deliver_sm meanwhile (after
 * 30–60 s) sends it again, and that copy waits for the same write (Deliveries). Only a receipt held for a part
 * not known yet gives up after `waitMs`: answered ESME_ROK when nothing can claim it, refused while its claim
 * is still being stored (hold()).
 */
import type { ParsedReceipt } from './receipt.js';

const ESME_ROK = 0;
/** "System error": the SMSC keeps the receipt and sends it again later. */
export const ESME_RSYSERR = 0x08;

export class ReceiptAnswers {
  /** Receipts that matched no part yet, whose answer waits for claim() or release(). */
  private readonly held = new Map<ParsedReceipt, Answer>();

  constructor(private readonly waitMs: number) {}

  /** The answer once `stored` settled, and not before: ESME_RSYSERR if it failed. */
  after(stored: Promise<unknown>): Promise<number> {
    return stored.then(() => ESME_ROK, () => ESME_RSYSERR);
  }

  /**
   * The answer of a receipt kept for a part not known yet: once claim() names it, or release() gives up. When
   * `waitMs` pass first: ESME_RSYSERR while `storing()` says what may claim it is still being stored (a late
   * answer's correction, which can take minutes behind a resend: the SMSC sends the receipt again, and it is
   * answered once stored), else ESME_ROK (nothing will claim it).
   */
  hold(receipt: ParsedReceipt, storing: () => boolean = () => false): Promise<number> {
    const answer = new Answer();
    this.held.set(receipt, answer);
    return answer.within(this.waitMs, () => {
      this.held.delete(receipt);
      return storing() ? ESME_RSYSERR : ESME_ROK;
    });
  }

  /** Held receipts the tracker has now applied: answered once the reports they decided are `stored`. */
  claim(receipts: ParsedReceipt[], stored: Promise<unknown>): void {
    for (const r of receipts) {
      this.held.get(r)?.when(stored);
      this.held.delete(r);
    }
  }

  /** Every held receipt answered now: nothing can claim them any more. */
  release(): void {
    for (const answer of this.held.values()) answer.when(Promise.resolve());
    this.held.clear();
  }

  /** Every held receipt refused: the SMSC sends them again. Returns how many. */
  refuse(): number {
    const n = this.held.size;
    for (const answer of this.held.values()) answer.when(Promise.reject(new Error('stopping')));
    this.held.clear();
    return n;
  }
}

/** One deliver_sm_resp status, decided once. */
class Answer {
  private settle!: (status: number) => void;
  private readonly status = new Promise<number>((resolve) => (this.settle = resolve));
  private timer: NodeJS.Timeout | undefined;

  /** ESME_ROK once `done` resolved, ESME_RSYSERR if it rejected; the wait of within() no longer applies. */
  when(done: Promise<unknown>): void {
    // Claimed: the answer now waits for `done` however long the write takes. Left running, the wait's end could
    // acknowledge the receipt while its report is still being stored (a loaded machine, a slow disk).
    clearTimeout(this.timer);
    this.timer = undefined;
    done.then(() => this.settle(ESME_ROK), () => this.settle(ESME_RSYSERR));
  }

  /** The status, at the latest after `ms` unless when() decided it first (then what `onTimeout` returns, ESME_ROK without one). */
  within(ms: number, onTimeout?: () => number): Promise<number> {
    this.timer = setTimeout(() => this.settle(onTimeout?.() ?? ESME_ROK), ms);
    return this.status.finally(() => clearTimeout(this.timer));
  }
}
