/**
 * Which of our SMS a delivery report is about. Reports are keyed by
 * (connector, the connector's message id): two aggregators can hand out the
 * same id. A report can overtake the submit answer that carries its id
 * (SMPP receipts before submit_sm_resp), so unknown ones wait a while.
 */
import type { DeliveryReport } from '../connectors/types.js';
import type { SmsMessage } from '../store/types.js';

/** Reports whose submit answer has not been recorded yet are kept this long. */
export const EARLY_REPORT_TTL_MS = 10 * 60_000;

const keyOf = (connector: string, connectorMessageId: string) => `${connector}\u0000${connectorMessageId}`;

/** The connector, its id and the time from the `submitted` event (the latest event carrying an id). */
export function submittedVia(m: Pick<SmsMessage, 'history'>): { connector: string; connectorMessageId: string; at: string } | undefined {
  for (let i = m.history.length - 1; i >= 0; i--) {
    const e = m.history[i];
    if (e.connectorMessageId) return { connector: e.connector ?? '', connectorMessageId: e.connectorMessageId, at: e.at };
  }
  return undefined;
}

/** Parts (1-based) recorded as delivered since the `submitted` event, in order. */
export function deliveredParts(m: Pick<SmsMessage, 'history'>): number[] {
  const parts: number[] = [];
  for (let i = m.history.length - 1; i >= 0 && !m.history[i].connectorMessageId; i--) {
    const part = m.history[i].part;
    if (part?.status === 'delivered') parts.unshift(part.index);
  }
  return parts;
}

/** A report kept until its submit answer is recorded; `settle` ends the wait of whoever handed it in (with the error when it could not be stored). */
export interface EarlyReport {
  connector: string;
  r: DeliveryReport;
  until: number;
  settle: (error?: Error) => void;
}

export class ReportBook {
  private readonly ours = new Map<string, string>();
  /** Several per key: the parts of a multipart SMS report one by one. */
  private readonly early = new Map<string, EarlyReport[]>();

  track(connector: string, connectorMessageId: string, msgId: string): void {
    this.ours.set(keyOf(connector, connectorMessageId), msgId);
  }

  /** Our message id for a report, if we sent it through that connector. */
  find(connector: string, connectorMessageId: string): string | undefined {
    return this.ours.get(keyOf(connector, connectorMessageId));
  }

  forget(connector: string, connectorMessageId: string): void {
    this.ours.delete(keyOf(connector, connectorMessageId));
  }

  /**
   * Keeps a report whose submit answer is not recorded yet. The promise
   * settles once it was handled after that answer (see takeEarly) or
   * dropped, so a connector can hold back its acknowledgement until then.
   */
  keepEarly(connector: string, r: DeliveryReport, now: number): Promise<void> {
    const k = keyOf(connector, r.connectorMessageId);
    return new Promise<void>((resolve, reject) => {
      const list = this.early.get(k) ?? [];
      list.push({ connector, r, until: now + EARLY_REPORT_TTL_MS, settle: (error) => (error ? reject(error) : resolve()) });
      this.early.set(k, list);
    });
  }

  /** The reports that came before their submit answer, in arrival order, now that the answer is recorded (taken out of the buffer). */
  takeEarly(connector: string, connectorMessageId: string): EarlyReport[] {
    const k = keyOf(connector, connectorMessageId);
    const list = this.early.get(k) ?? [];
    this.early.delete(k);
    return list;
  }

  /**
   * The id of `connector` in a report kept early that names our SMS `ourId`
   * (DeliveryReport.ourId): it came while the submit was under way, so it
   * proves the connector took the SMS even when the submit's answer is lost.
   */
  namedEarly(connector: string, ourId: string): string | undefined {
    for (const list of this.early.values()) {
      const e = list.find((x) => x.connector === connector && x.r.ourId === ourId);
      if (e) return e.r.connectorMessageId;
    }
    return undefined;
  }

  /** Every report kept early that names our SMS `ourId`, of any connector (taken out of the buffer). */
  takeNamed(ourId: string): EarlyReport[] {
    const out: EarlyReport[] = [];
    if (this.early.size === 0) return out;
    for (const [k, list] of this.early) {
      // Called after every attempt: nothing is copied unless the SMS is named.
      if (!list.some((e) => e.r.ourId === ourId)) continue;
      const keep = list.filter((e) => e.r.ourId !== ourId);
      out.push(...list.filter((e) => e.r.ourId === ourId));
      if (keep.length) this.early.set(k, keep);
      else this.early.delete(k);
    }
    return out;
  }

  /** Ends the wait of reports nobody claimed in time (their webhook gets its answer) and returns them, for the log. */
  dropExpiredEarly(now: number): EarlyReport[] {
    const dropped: EarlyReport[] = [];
    for (const [k, list] of this.early) {
      const keep = list.filter((e) => e.until >= now);
      for (const e of list) {
        if (e.until >= now) continue;
        e.settle();
        dropped.push(e);
      }
      if (keep.length) this.early.set(k, keep);
      else this.early.delete(k);
    }
    return dropped;
  }
}
