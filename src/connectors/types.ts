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
  /** Flash SMS: SMPP maps it to data_coding message class 0, Kannel to mclass=0; a connector that cannot send it says so in its docs. */
  flash?: boolean;
  /** express: the sender asked for it to go first; SMPP sends it with priority_flag (expressPriorityFlag), Kannel with priority. */
  priority?: 'express';
  /**
   * ISO 8601: the SMS must not be delivered after this moment (its validity: X-SMS-Validity,
   * [VALIDITY:…] or the account's validityHours). Connectors pass it on (SMPP validity_period,
   * Kannel validity) so the carrier stops trying then too.
   */
  expiresAt?: string;
}

export type SubmitResult =
  /**
   * `parts`: how many PDUs/requests the SMS took on this connector, when the connector knows (billing, metrics).
   * `sender`: the SMS named no sender and went with the connector's own default sender, as the connector put it in
   * (SMPP source_addr, an http template's {{from}}); absent when the SMS had its own or the aggregator chose. The
   * store keeps it: a handset's reply to such an SMS finds it by that number (src/store/reply-index.ts).
   * `note`: something about the acceptance worth its place in the SMS's history (HTTP: the answer carried no
   * message id, so our own id stands in for it).
   */
  | { ok: true; connectorMessageId: string; parts?: number; sender?: string; note?: string }
  /**
   * temporary: try again later (throttled, link down, timeout); otherwise the SMS fails with `reason`.
   * uncertain: the SMS (or a part of it) was already written to the aggregator when the answer was lost
   * (connection dropped or response timed out), so the aggregator may have taken it; sending it again
   * may duplicate it. The dispatcher decides by policy; a connector never resends such an SMS by itself.
   * scope 'sms': the failure is about this SMS, not the connector (SMPP: every concatenation reference
   * for its number in use), so the connector's circuit breaker does not count it. scope 'connector': the
   * connector cannot send any SMS as it is (HTTP 401/403: the aggregator refuses our credentials), so the
   * SMS was not taken (temporary) and the breaker opens at once.
   * answerable (with uncertain): settles once no late answer (onLateAnswer) can come for it any more, and one
   * that came was handed to the listeners and settled (SMPP: the answer came, or the link closed). Until then
   * an SMS failed as not confirmed stays in the live store, where the answer can still correct it.
   * throttled (with temporary): the aggregator asked us to slow down (SMPP ESME_RTHROTTLED, HTTP 429), which the
   * sender's confirmation says as such rather than as a failure.
   */
  | { ok: false; temporary: boolean; reason: string; final?: 'failed' | 'rejected'; uncertain?: boolean; scope?: 'sms' | 'connector'; answerable?: Promise<void>; throttled?: true };

/** A delivery report from the aggregator, in our terms. */
export interface DeliveryReport {
  connectorMessageId: string;
  status: 'delivered' | 'failed' | 'expired' | 'rejected' | 'enroute';
  at: Date;
  reason?: string;
  /**
   * Set when the report is about one part of a multipart SMS whose outcome
   * is still open (SMPP: one receipt per part): that part was delivered.
   * The dispatcher records it, so that after a restart resume() can tell
   * the connector which parts need no receipt any more.
   */
  part?: { index: number; of: number };
  /**
   * Our own SMS id, when the report carries it besides the aggregator's id (Kannel: the id in its dlr-url;
   * an http connector's webhook.ourIdParam). It finds the SMS when the aggregator's id never reached us:
   * the answer to the submit was lost (a timeout), or it had no id in it.
   */
  ourId?: string;
}

/**
 * A final or interim receipt whose id the connector knows no SMS by (SMPP: the SMSC's id went, with its
 * submit_sm_resp, to the bridge a restored backup was taken of), with what else it says of its SMS: a restored
 * bridge may recognise a held SMS by it (src/dispatch/restore-receipts.ts).
 */
export interface StrayReceipt {
  /** As a report: connectorMessageId is the SMSC's id, normalised (smpp/receipt.ts). */
  report: DeliveryReport;
  /** The handset's number (the SMS's destination), E.164, when the receipt gives it. */
  handset?: string;
  /** When the SMSC took the SMS (`submit date:`, to the minute, read in the connector's receiptTimeZone). */
  submittedAt?: Date;
  /** The receipt's `text:` excerpt (the start of the short message), in each reading its coding allows. */
  excerpt?: string[];
}

/** An SMS from a handset (a reply, mobile-originated), as a connector received it. */
export interface InboundSms {
  /** The handset's number, E.164 with '+'. */
  from: string;
  /** The address it was sent to (our sender ID, number or short code), as the aggregator gives it (SMPP: '+' and digits for TON 1). */
  to: string;
  text: string;
  at: Date;
}

/** An SMS submitted before a restart, handed back to its connector to follow up. */
export interface ResumeItem {
  id: string;
  to: string;
  connectorMessageId: string;
  /** Parts (1-based) recorded as delivered before the restart (reports with `part`). */
  deliveredParts?: number[];
}

/** What an operator (logs, portal) and the router (failover "when down") need to know about a connector now. */
export interface ConnectorHealth {
  /** false when the connector cannot take SMS now (not bound, link down); the router then prefers another. */
  up: boolean;
  /** One word for people: 'bound', 'connecting', 'down', 'ready'… */
  state: string;
  /** SMS or PDUs handed over and not answered yet, and the most allowed at once, when the connector has a window. */
  inFlight?: number;
  window?: number;
  /** A short sentence when something is wrong (last error). */
  detail?: string;
  /**
   * Set by connectors without a link to watch (HTTP): `up` is what their last submits showed, and only
   * another submit can show that they work again, so the router still offers them while they are down
   * (their circuit breaker spaces the tries).
   */
  bySubmits?: boolean;
}

/**
 * The answer to a submit the connector reported uncertain, which came after
 * all (SMPP: a submit_sm_resp after responseTimeoutMs, on the same link).
 * accepted: the aggregator took the whole SMS; `connectorMessageId` is what
 * submit() would have returned. refused: it did not take it (or the part
 * that was in doubt). incomplete: it took the part in doubt, but later parts
 * were never sent. `detail` says what the answer was, for people.
 */
export interface LateAnswer {
  /** Our SMS id. */
  id: string;
  at: Date;
  outcome: 'accepted' | 'refused' | 'incomplete';
  connectorMessageId?: string;
  detail: string;
  /** As SubmitResult's: the connector's default sender the SMS went with, when it named none (on `accepted`). */
  sender?: string;
  /**
   * On `accepted` read from a final delivery report (dispatch/late-report.ts): what became of the SMS once taken.
   * The doubt is settled at once to this status, in one correction, not to `submitted` and then to it.
   */
  final?: { status: 'failed' | 'expired' | 'rejected'; reason?: string; at: Date };
}

export type LookupResult = { found: true; connectorMessageId: string } | { found: false } | { found: 'unknown' };

/** What the dispatcher needs from any way of sending SMS (simulator, SMPP, HTTP). */
export interface Connector {
  readonly name: string;
  /**
   * Its delivery reports name the SMS by our id (HTTP with our id, Kannel): one may settle an SMS failed as
   * not confirmed at any time, after a lost answer or a restart alike, so such an SMS stays in the live store
   * for a bounded time (Recorder.uncertain).
   */
  readonly lateReports?: boolean;
  /**
   * How long its acknowledgement of a report the dispatcher only keeps (its SMS's submit answer not recorded yet:
   * nothing is being written) may wait, for an aggregator that gives up on an unanswered callback after a few
   * seconds; the report stays kept and is recorded once the answer is. Never for a report being written: that is
   * acknowledged once it is stored, however long the disk takes. Unset: until the kept report is handled (SMPP).
   */
  readonly keptReportWaitMs?: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  submit(sms: OutboundSms): Promise<SubmitResult>;
  /**
   * After a crash between persisting `submitting` and recording the answer:
   * did the connector take this SMS? 'unknown' when the protocol cannot tell.
   */
  lookup(id: string): Promise<LookupResult>;
  /**
   * Follow up SMS submitted before a restart (e.g. re-arm receipt timers).
   * The dispatcher calls it once at start, after settling interrupted
   * handovers, with an empty list when there is nothing to follow.
   */
  resume(items: ResumeItem[]): void;
  /**
   * A listener may return a promise that settles once the report is durably
   * stored, resolving to false when it could not be stored; a connector whose
   * aggregator resends unacknowledged reports (SMPP's deliver_sm, HTTP
   * webhooks) acknowledges only after it settled and refuses the report on
   * false, so neither a crash nor a failed write loses it (listeners.ts).
   * Typed as returning void so plain callbacks fit.
   */
  onReport(listener: (r: DeliveryReport) => void): void;
  /**
   * SMS from handsets, for connectors whose aggregator forwards them (SMPP
   * deliver_sm that is not a receipt). Acknowledged to the aggregator only
   * once the listener's promise resolved; refused (to be sent again) when it
   * rejects. Connectors that receive none leave it out.
   */
  onInbound?(listener: (m: InboundSms) => Promise<void>): void;
  /**
   * Late answers to uncertain submits, for connectors that can get them. The
   * listener resolves to true when the SMS's delivery reports are wanted
   * (the accepted SMS is recorded as submitted through this connector); the
   * connector follows its receipts only then.
   */
  onLateAnswer?(listener: (a: LateAnswer) => Promise<boolean>): void;
  /**
   * Receipts for ids the connector knows of no SMS (SMPP), for connectors that get such. Answered to the
   * aggregator once every listener's promise settled (refused, to come again, when one rejects).
   */
  onStrayReceipt?(listener: (r: StrayReceipt) => Promise<void>): void;
  health(): ConnectorHealth;
}
