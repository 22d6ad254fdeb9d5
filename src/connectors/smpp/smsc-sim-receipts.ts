/**
 * How the SMSC simulator gets its receipts to a receiver, as a real SMSC
 * does: to the connection the SMS came on if it can receive, else another
 * receiver bound with the same system_id, else kept for that system_id's
 * next bind; sent again when the connection closed before the answer, or a
 * second after an error answer.
 */
import type smpp from 'smpp';
import type { TurnCork } from './turn-cork.js';
import { SMPP_STATUS, type SentReceipt } from './smsc-sim-types.js';

export type BindMode = 'trx' | 'tx' | 'rx';

export interface Peer {
  id: number;
  session: smpp.Session;
  rawPdu: () => Buffer | undefined;
  /** submit_sm_resp and receipts go out batched per turn, as the connector writes (turn-cork.ts). */
  cork: TurnCork;
  systemId?: string;
  mode?: BindMode;
  /** Receipts sent on this connection and not answered yet. */
  unanswered: Set<Pending>;
}

export interface Pending {
  systemId: string;
  pdu: smpp.Fields;
  receipt: SentReceipt;
}

const RECEIPT_RETRY_MS = 1000;

export interface ReceiptDeps {
  peers: ReadonlySet<Peer>;
  later(fn: () => void, ms: number): void;
  log(evt: string, fields: Record<string, unknown>): void;
}

export class SimReceipts {
  /** Receipts for a system_id with no receiver bound yet, delivered on its next bind, as SMSCs store them. */
  private readonly undelivered: Pending[] = [];

  constructor(private readonly deps: ReceiptDeps) {}

  /** Sends a receipt to a receiver of its system_id (`origin` first), or keeps it for the next bind. */
  send(p: Pending, origin?: Peer): void {
    const peer = this.receiverFor(p.systemId, origin);
    if (peer) this.deliver(peer, p);
    else this.undelivered.push(p);
  }

  /** The submitting connection if it can receive, else another receiver bound with the same system_id. */
  receiverFor(systemId: string, origin?: Peer): Peer | undefined {
    const canReceive = (p: Peer): boolean => (p.mode === 'trx' || p.mode === 'rx') && p.session.socket.writable;
    if (origin && this.deps.peers.has(origin) && canReceive(origin)) return origin;
    return [...this.deps.peers].find((p) => p.systemId === systemId && canReceive(p));
  }

  /** Every receipt not answered yet, once more, as an SMSC does when its deliver_sm times out; returns how many. */
  resendUnanswered(): number {
    let n = 0;
    for (const peer of this.deps.peers) {
      for (const p of [...peer.unanswered]) {
        this.deliver(peer, p);
        n++;
      }
    }
    return n;
  }

  /** A connection closed: what it left unanswered goes to another receiver, or waits for the next bind. */
  closed(peer: Peer): void {
    for (const p of peer.unanswered) this.send(p);
  }

  /** A receiver bound: what waited for its system_id goes to it. */
  bound(peer: Peer): void {
    const waiting = this.undelivered.filter((u) => u.systemId === peer.systemId);
    this.undelivered.splice(0, this.undelivered.length, ...this.undelivered.filter((u) => u.systemId !== peer.systemId));
    for (const u of waiting) this.deliver(peer, u);
  }

  private deliver(peer: Peer, p: Pending): void {
    const { receipt } = p;
    peer.unanswered.add(p);
    receipt.deliveries++;
    peer.cork.hold();
    peer.session.deliver_sm(p.pdu, (resp) => {
      peer.unanswered.delete(p);
      receipt.acked = resp.command_status === SMPP_STATUS.ROK;
      this.deps.log('receipt-answered', { peer: peer.id, msgId: receipt.messageId, status: resp.command_status });
      if (!receipt.acked) this.deps.later(() => this.send(p), RECEIPT_RETRY_MS);
    });
    this.deps.log('receipt', { peer: peer.id, msgId: receipt.messageId, stat: receipt.stat, ...(receipt.deliveries > 1 ? { again: receipt.deliveries - 1 } : {}) });
  }
}
