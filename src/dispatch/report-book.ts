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

/** The connector and its id from the `submitted` event (the latest event carrying an id). */
export function submittedVia(m: Pick<SmsMessage, 'history'>): { connector: string; connectorMessageId: string } | undefined {
  for (let i = m.history.length - 1; i >= 0; i--) {
    const e = m.history[i];
    if (e.connectorMessageId) return { connector: e.connector ?? '', connectorMessageId: e.connectorMessageId };
  }
  return undefined;
}

export class ReportBook {
  private readonly ours = new Map<string, string>();
  private readonly early = new Map<string, { r: DeliveryReport; until: number }>();

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

  keepEarly(connector: string, r: DeliveryReport, now: number): void {
    this.early.set(keyOf(connector, r.connectorMessageId), { r, until: now + EARLY_REPORT_TTL_MS });
  }

  /** A report that came before its submit answer, now that the answer is recorded (taken out of the buffer). */
  takeEarly(connector: string, connectorMessageId: string): DeliveryReport | undefined {
    const k = keyOf(connector, connectorMessageId);
    const e = this.early.get(k);
    this.early.delete(k);
    return e?.r;
  }

  dropExpiredEarly(now: number): void {
    for (const [k, v] of this.early) if (v.until < now) this.early.delete(k);
  }
}
