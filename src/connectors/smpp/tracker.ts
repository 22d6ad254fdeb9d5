/**
 * Delivery receipts per part, turned into one report per message.
 *
 * An SMS sent in N parts gets N receipts. It is delivered only when every
 * part is; the first part that fails (or expires, or is rejected) decides
 * the message's status at once, and the reason says which part. A part
 * delivered while others are outstanding is reported on its own (a report
 * with `part`), so that the dispatcher can record it: after a restart the
 * SMSC does not send an answered receipt again, and track() is told which
 * parts were delivered before. A receipt
 * whose part is not known yet (it overtook its submit_sm_resp) is kept for
 * a while and applied when the part is tracked. Both maps are bounded by
 * time; the early one also by count, because an SMSC can send receipts for
 * messages we never tracked (sent before a restart by another instance).
 */
import type { DeliveryReport } from '../types.js';
import { IdIndex, type IdBase } from './id-index.js';
import type { ParsedReceipt, ReceiptStatus } from './receipt.js';

export interface TrackerOptions {
  idBase: IdBase;
  now: () => number;
  /** How long a receipt for an unknown id is kept (it may precede its submit_sm_resp). */
  earlyTtlMs: number;
  earlyMax: number;
  /** How long a message waits here for its receipts; after that the dispatcher's own receipt timeout takes over. */
  trackTtlMs: number;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/** What track() decided: reports to emit, and the early receipts it applied (their answer may wait for those reports). */
export interface Tracked {
  reports: DeliveryReport[];
  applied: ParsedReceipt[];
}

interface Message {
  connectorMessageId: string;
  parts: Part[];
  until: number;
  /** A final report went out; later part receipts are absorbed silently. */
  reported: boolean;
  /** Reports out whose storing is not settled yet (see settled()); the message is kept until then. */
  pending: number;
  onDone?: () => void;
}

interface Part {
  message: Message;
  index: number;
  id: string;
  status?: ReceiptStatus;
}

interface Early {
  receipt: ParsedReceipt;
  until: number;
}

const SWEEP_EVERY_MS = 10_000;

export class ReceiptTracker {
  private readonly parts: IdIndex<Part>;
  private readonly early: IdIndex<Early>;
  private readonly messages = new Set<Message>();
  /** Each report out, with the part whose receipt decided it. */
  private readonly out = new Map<DeliveryReport, Part>();
  private lastSweep = 0;

  constructor(private readonly o: TrackerOptions) {
    this.parts = new IdIndex(o.idBase, 'response');
    this.early = new IdIndex(o.idBase, 'receipt');
  }

  /** Messages waiting for receipts, and receipts waiting for their message (for health and tests). */
  get counts(): { messages: number; early: number } {
    return { messages: this.messages.size, early: this.early.size };
  }

  /**
   * Follows a message by the ids of its parts; `onDone` runs once when its
   * outcome is known or it times out. `delivered` (1-based) are parts known
   * delivered already (recorded before a restart: their receipts were
   * answered and will not come again). Returns the reports that this and
   * receipts which arrived early already decide, and those early receipts.
   */
  track(connectorMessageId: string, partIds: string[], o: { onDone?: () => void; delivered?: number[] } = {}): Tracked {
    this.sweep();
    const message: Message = { connectorMessageId, parts: [], until: this.o.now() + this.o.trackTtlMs, reported: false, pending: 0 };
    if (o.onDone) message.onDone = o.onDone;
    message.parts = partIds.map((id, index) => ({ message, index, id }));
    for (const n of o.delivered ?? []) {
      const part = message.parts[n - 1];
      if (part) part.status = 'delivered';
    }
    const result: Tracked = { reports: [], applied: [] };
    if (message.parts.length > 0 && message.parts.every((p) => p.status === 'delivered')) {
      // Every part's receipt was recorded, only the message's own outcome was not: decide it now.
      o.onDone?.();
      result.reports.push(this.report(message, 'delivered'));
      return result;
    }
    this.messages.add(message);
    for (const part of message.parts) this.parts.add(part.id, part);
    for (const part of message.parts) {
      const hit = this.early.find(part.id, 'response');
      if (!hit.found) continue;
      this.early.delete(hit.found);
      result.applied.push(hit.found.receipt);
      result.reports.push(...this.apply(part, hit.found.receipt));
    }
    return result;
  }

  /**
   * The reports a receipt decides: none while other parts are outstanding,
   * except a part report for each part delivered meanwhile (so its receipt
   * can be recorded before it is answered). `kept`: the receipt matched no
   * part and waits for one (it may precede its submit_sm_resp).
   */
  onReceipt(receipt: ParsedReceipt): { reports: DeliveryReport[]; kept: boolean; storing?: DeliveryReport[] } {
    this.sweep();
    const hit = this.parts.find(receipt.id, 'receipt');
    if (hit.found) {
      const reports = this.apply(hit.found, receipt);
      return reports.length ? { reports, kept: false } : { reports, kept: false, storing: this.storing(hit.found) };
    }
    if (hit.ambiguous.length > 0) {
      this.o.log('smpp-receipt-ambiguous', { id: receipt.id, matches: hit.ambiguous.map((p) => p.id) });
      return { reports: [], kept: false };
    }
    // The same receipt sent again (its answer was an error, or late): one copy, or track() would find two and take neither.
    const again = this.early.find(receipt.id, 'receipt');
    if (again.found && again.found.receipt.id === receipt.id) this.early.delete(again.found);
    if (this.early.size >= this.o.earlyMax) {
      const oldest = this.early.values().next().value as Early;
      this.early.delete(oldest);
      this.o.log('smpp-receipt-dropped', { id: oldest.receipt.id, stat: oldest.receipt.stat, reason: 'too many receipts for unknown ids' });
    }
    this.early.add(receipt.id, { receipt, until: this.o.now() + this.o.earlyTtlMs });
    return { reports: [], kept: true };
  }

  /**
   * What became of a report this tracker decided: stored, or refused (it
   * could not be stored, and the receipt was answered with an error). A
   * refused report is undone — its part waits for its receipt again, which
   * the SMSC sends again — so no outcome is lost to a failed write.
   */
  settled(report: DeliveryReport, stored: boolean): void {
    const part = this.out.get(report);
    if (!part) return;
    this.out.delete(report);
    const m = part.message;
    m.pending--;
    if (!stored) {
      part.status = undefined;
      if (!report.part) m.reported = false;
    }
    this.forgetIfDone(m);
  }

  /**
   * The reports an earlier copy of a part's receipt decided that are still being stored: a copy the SMSC sends
   * again meanwhile (it timed out its deliver_sm on a slow disk) is answered only once they are.
   */
  private storing(part: Part): DeliveryReport[] | undefined {
    const out = [...this.out].filter(([, p]) => p === part).map(([r]) => r);
    return out.length ? out : undefined;
  }

  private apply(part: Part, r: ParsedReceipt): DeliveryReport[] {
    const m = part.message;
    if (part.status !== undefined && part.status !== 'enroute') return []; // a repeated receipt
    part.status = r.status;
    if (m.reported) {
      this.forgetIfDone(m);
      return [];
    }
    const where = m.parts.length > 1 ? `part ${part.index + 1} of ${m.parts.length}: ` : '';
    if (r.status === 'enroute') return [this.report(m, 'enroute', `${where}${r.stat}`)];
    if (r.status === 'delivered' && !m.parts.every((p) => p.status === 'delivered')) {
      return [this.decided(part, { ...this.report(m, 'delivered'), part: { index: part.index + 1, of: m.parts.length } })];
    }
    m.reported = true;
    const done = m.onDone;
    m.onDone = undefined;
    done?.();
    const report = this.decided(part, this.report(m, r.status, r.status === 'delivered' ? undefined : `${where}${r.reason ?? r.stat}`));
    this.forgetIfDone(m);
    return [report];
  }

  private decided(part: Part, report: DeliveryReport): DeliveryReport {
    this.out.set(report, part);
    part.message.pending++;
    return report;
  }

  /** A message is forgotten once it is reported, every part has answered and nothing about it is still being stored. */
  private forgetIfDone(m: Message): void {
    if (m.reported && m.pending === 0 && m.parts.every((p) => p.status !== undefined && p.status !== 'enroute')) this.forget(m);
  }

  private report(m: Message, status: DeliveryReport['status'], reason?: string): DeliveryReport {
    return { connectorMessageId: m.connectorMessageId, status, at: new Date(this.o.now()), ...(reason ? { reason } : {}) };
  }

  private forget(m: Message): void {
    this.messages.delete(m);
    for (const p of m.parts) this.parts.delete(p);
    for (const [report, part] of this.out) if (part.message === m) this.out.delete(report);
  }

  /** Drops what has waited too long; insertion order is expiry order, so it stops at the first live entry. */
  private sweep(): void {
    const now = this.o.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const e of this.early.values()) {
      if (e.until > now) break;
      this.early.delete(e);
    }
    for (const m of this.messages) {
      if (m.until > now) break;
      m.onDone?.();
      this.forget(m);
    }
  }
}
