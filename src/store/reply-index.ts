/**
 * Which SMS a handset's reply answers: for every handset, the most recent
 * SMS handed to the carrier from each of our numeric senders (numbers and
 * short codes; a name cannot be replied to), with when it went and for
 * which account. A reply from H to D answers the entry of H for D.
 *
 * Like recent.ts it is fed by the durable records (the `submitted` status
 * record, so it costs no extra write) and saved with the snapshot (so a
 * restart costs no archive scan), and it only holds what went within the
 * window: queued SMS have no entry, and an entry leaves once the window is
 * over. Two accounts that share a sender number share its entries: the
 * most recent SMS wins, as the large gateways decide it. An SMS without a
 * sender ID of its own counts with the connector's default it went with,
 * which its `submitted` record names (StatusEvent.sender): the connector of
 * that handover, also after a failover to another with another default.
 */
import { parseSenderId } from '../sms/sender-id.js';
import type { SmsMessage } from './types.js';

/** One SMS that can be replied to: our id, when it was handed over (epoch ms), its account and its sender (canonical). */
export interface HandedOver {
  id: string;
  at: number;
  account: string;
  sender: string;
}

/** As saved with the snapshot. */
export type ReplyIndexRow = [handset: string, sender: string, id: string, at: number, account: string];

export type ReplyMatch =
  | { ok: true; sms: HandedOver }
  | { ok: false; reason: string };

/** How often noting an SMS also drops what has left the window (a pass over all handsets). */
const PRUNE_EVERY_MS = 60_000;

/** The sender a reply can come back to, or undefined for a name (or none: the aggregator chose, or an old record did not say). */
export function replyableSender(sender: string | undefined): string | undefined {
  const s = sender === undefined ? undefined : parseSenderId(sender);
  return s && s.kind !== 'alphanumeric' ? s.id : undefined;
}

export class ReplyIndex {
  private readonly byHandset = new Map<string, HandedOver[]>();
  private prunedAt = 0;

  constructor(private readonly windowMs: number) {}

  /**
   * An SMS handed to the carrier at `at` (epoch ms) from `sender` (its own, or the connector's default it went with);
   * only one from a numeric sender counts.
   */
  note(m: Pick<SmsMessage, 'id' | 'to' | 'account'>, sender: string | undefined, at: number): void {
    sender = replyableSender(sender);
    if (!sender || !Number.isFinite(at)) return;
    if (at - this.prunedAt > PRUNE_EVERY_MS) this.prune((this.prunedAt = at) - this.windowMs);
    this.put(m.to, { id: m.id, at, account: m.account, sender });
  }

  /**
   * The SMS a reply from `handset` to `sender` (canonical; undefined when the
   * reply did not say, or not readably) answers at `now`. Without a sender
   * only a single candidate is taken: between several, the bridge does not guess.
   */
  match(handset: string, sender: string | undefined, now: number): ReplyMatch {
    const all = (this.byHandset.get(handset) ?? []).filter((e) => e.at > now - this.windowMs);
    if (!all.length) return { ok: false, reason: 'no SMS from a numeric sender went to this number within the window' };
    if (sender !== undefined) {
      const hit = all.find((e) => e.sender === sender);
      return hit ? { ok: true, sms: hit } : { ok: false, reason: `no SMS from ${sender} went to this number within the window` };
    }
    if (all.length === 1) return { ok: true, sms: all[0] };
    return { ok: false, reason: `the reply does not say which number it was sent to, and ${all.length} senders wrote to this number within the window (${all.map((e) => e.sender).join(', ')})` };
  }

  /** Forgets what has left the window at `now` (epoch ms). */
  expire(now: number): void {
    this.prune(now - this.windowMs);
  }

  /** Forgets SMS handed over at or before `before` (epoch ms). */
  prune(before: number): void {
    for (const [handset, list] of this.byHandset) {
      const kept = list.filter((e) => e.at > before);
      if (!kept.length) this.byHandset.delete(handset);
      else if (kept.length !== list.length) this.byHandset.set(handset, kept);
    }
  }

  get size(): number {
    return this.byHandset.size;
  }

  rows(): ReplyIndexRow[] {
    const out: ReplyIndexRow[] = [];
    for (const [handset, list] of this.byHandset) for (const e of list) out.push([handset, e.sender, e.id, e.at, e.account]);
    return out;
  }

  load(rows: readonly ReplyIndexRow[]): void {
    for (const [handset, sender, id, at, account] of rows) this.put(handset, { id, at, account, sender });
  }

  /** Keeps the latest per sender: the same sender number used by two accounts is one conversation for the handset. */
  private put(handset: string, e: HandedOver): void {
    const list = this.byHandset.get(handset);
    if (!list) return void this.byHandset.set(handset, [e]);
    const i = list.findIndex((x) => x.sender === e.sender);
    if (i < 0) list.push(e);
    else if (list[i].at <= e.at) list[i] = e;
  }
}
