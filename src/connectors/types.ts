import type { SmsEncoding } from '../store/types.js';

/** One SMS as a connector sends it. */
export interface OutboundSms {
  /** Our id; connectors that can carry a client reference should send it. */
  id: string;
  /** E.164 with '+'. */
  to: string;
  text: string;
  encoding: SmsEncoding;
  segments: number;
  sender?: string;
}

export type SubmitResult =
  | { ok: true; connectorMessageId: string }
  /** temporary: try again later (throttled, link down, timeout); otherwise the SMS fails with `reason`. */
  | { ok: false; temporary: boolean; reason: string; final?: 'failed' | 'rejected' };

/** A delivery report from the aggregator, in our terms. */
export interface DeliveryReport {
  connectorMessageId: string;
  status: 'delivered' | 'failed' | 'expired' | 'rejected' | 'enroute';
  at: Date;
  reason?: string;
}

export type LookupResult = { found: true; connectorMessageId: string } | { found: false } | { found: 'unknown' };

/** What the dispatcher needs from any way of sending SMS (simulator, SMPP, HTTP). */
export interface Connector {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  submit(sms: OutboundSms): Promise<SubmitResult>;
  /**
   * After a crash between persisting `submitting` and recording the answer:
   * did the connector take this SMS? 'unknown' when the protocol cannot tell.
   */
  lookup(id: string): Promise<LookupResult>;
  /** Follow up SMS submitted before a restart (e.g. re-arm receipt timers). */
  resume(items: Array<{ id: string; to: string; connectorMessageId: string }>): void;
  onReport(listener: (r: DeliveryReport) => void): void;
}
