import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { keepsAway } from '../dispatch/breaker.js';
import type { ConnectorStatus } from '../dispatch/connector-pool.js';
import type { LogFn } from '../log.js';
import { FINAL_STATUSES, type SmsStatus } from '../store/types.js';

export interface MetricsSources {
  /** Live messages by status (the store's counts). */
  counts: () => Record<string, number>;
  connectors: () => ConnectorStatus[];
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : 'unknown');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Prometheus metrics fed by the structured log events, so no handler knows
 * about metrics: the bridge wraps its LogFn with `observe`. Queue depth and
 * connector health are read when scraped. One registry per bridge, no globals.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly on: Record<string, (d: Record<string, unknown>) => void>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const accepted = new Counter({ name: 'mail2sms_sms_accepted_total', help: 'SMS accepted (stored durably), by account and way in', labelNames: ['account', 'via'], registers });
    const refused = new Counter({ name: 'mail2sms_refused_total', help: 'Mails, recipients or API requests refused, by reason (error name) and stage', labelNames: ['reason', 'stage'], registers });
    const submitted = new Counter({ name: 'mail2sms_sms_submitted_total', help: 'SMS handed to a connector', labelNames: ['connector'], registers });
    const final = new Counter({
      name: 'mail2sms_sms_final_total', labelNames: ['connector', 'status'], registers,
      help: 'SMS that reached a final status (delivered, failed, expired, rejected, cancelled; unconfirmed: failed because the carrier\'s answer to the handover was lost; connector-fault: failed after dispatch.maxAgeHours because no connector could take it; unreported: sent by the bridge a restored backup was taken of, its delivery report gone there), by connector',
    });
    const late = new Counter({ name: 'mail2sms_sms_late_answers_total', help: 'Answers of a carrier that came after the SMS was given up as unconfirmed (it is then counted again under its outcome)', labelNames: ['connector', 'outcome'], registers });
    const retries = new Counter({ name: 'mail2sms_sms_retries_total', help: 'Temporary connector failures that were retried later', registers });
    const submitFailures = new Counter({
      name: 'mail2sms_connector_submit_failures_total', labelNames: ['connector', 'kind'], registers,
      help: 'Submits a connector did not take, by kind: temporary (not taken: no connection, 5xx, throttled), connector (refused for a reason of the connector\'s: credentials, URL), uncertain (the answer was lost: a timeout, 504), refused (the SMS itself was refused)',
    });
    const throttled = new Counter({
      name: 'mail2sms_connector_throttled_total', labelNames: ['connector'], registers,
      help: 'Submits a connector\'s aggregator refused as too many (each SMPP PDU answered ESME_RTHROTTLED, each HTTP 429, each temporary refusal with Retry-After); the SMS are sent again, not lost',
    });
    const failovers = new Counter({ name: 'mail2sms_sms_failovers_total', help: 'SMS handed to the next connector of their route at once, after one failed (from) without taking them', labelNames: ['from', 'to'], registers });
    const duplicates = new Counter({ name: 'mail2sms_sms_duplicates_total', help: 'SMS not sent again: the same mail or request came before (Message-ID, idempotency key), or the same text to the same number shortly before (duplicate detection by content)', registers });
    const confirmations = new Counter({ name: 'mail2sms_confirmations_sent_total', help: 'Confirmation mails sent to senders, by stage: one per mail, also for a mail covering several SMS of one mail (its stage final when their outcomes differ)', labelNames: ['stage'], registers });
    const confirmationRetries = new Counter({ name: 'mail2sms_confirmation_retries_total', help: 'Confirmation mails that could not be sent and wait for a retry', registers });
    // By account: accounts are configured, not taken from mail or requests, so the series stay few; one ERP's dead receiver shows as its own.
    const callbacks = new Counter({
      name: 'mail2sms_status_callbacks_total', labelNames: ['account', 'outcome'], registers,
      help: 'Status callbacks pushed, by account and outcome: sent (answered 2xx), failed (given up: refused by the receiver, or attempts used up), retry (to be tried again)',
    });
    const spoolReadFailures = new Counter({
      name: 'mail2sms_store_spool_read_failures_total', help: 'Times a queued SMS could not be read back from the store\'s spool (a scratch file) and the spooled SMS were read back from the journal instead', registers,
    });
    const acceptSeconds = new Histogram({
      name: 'mail2sms_accept_duration_seconds', help: 'From the end of DATA (or an API request) to the SMS being durably stored, per mail',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
    });
    const replies = new Counter({
      name: 'mail2sms_sms_replies_total', help: 'Replies from handsets, by outcome: forwarded (stored for the mail to the sender of the SMS it answers), duplicate (the same one delivered again), unmatched (answers no SMS of ours that can be replied to); a STOP or START counts when it took effect',
      labelNames: ['outcome'], registers,
    });
    const stalls = new Counter({ name: 'mail2sms_event_loop_stalls_total', help: 'Times the event loop ran nothing for log.eventLoopStallMs or longer (log event event-loop-stalled)', registers });
    const stallSeconds = new Histogram({
      name: 'mail2sms_event_loop_stall_seconds', help: 'How long each such stall lasted (at least; at most 0.1 s more)',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
    const deliverySeconds = new Histogram({
      name: 'mail2sms_delivery_latency_seconds', help: 'From when the SMS was due (send time, acceptance, or the end of a quiet-hours or fraud-brake hold) to its delivery report, by connector',
      labelNames: ['connector'], buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600], registers,
    });
    new Gauge({
      name: 'mail2sms_queue_depth', help: 'Messages not final yet, by status (accepted includes scheduled ones)', labelNames: ['status'], registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(sources.counts())) if (!FINAL_STATUSES.has(status as SmsStatus)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'mail2sms_connector_breaker_open', help: '1 while the connector\'s circuit breaker keeps SMS away (open, or its probe under way); 0 once the next SMS may probe it', labelNames: ['connector'], registers,
      collect() {
        this.reset();
        for (const c of sources.connectors()) this.set({ connector: c.name }, keepsAway(c.breaker.phase) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mail2sms_connector_up', help: '1 when the connector can take SMS now (SMPP: bound; HTTP and Kannel: its last request did not fail for a reason of its own, and it is not throttled)', labelNames: ['connector'], registers,
      collect() {
        this.reset();
        for (const c of sources.connectors()) this.set({ connector: c.name }, c.health.up ? 1 : 0);
      },
    });
    const refusal = (stage: string) => (d: Record<string, unknown>) => refused.inc({ reason: str(d.error), stage });
    this.on = {
      'sms-accepted': (d) => {
        accepted.inc({ account: str(d.account), via: str(d.via ?? 'smtp') });
        const ms = num(d.acceptMs);
        if (ms !== undefined) acceptSeconds.observe(ms / 1000);
      },
      'mail-from-refused': refusal('mail-from'),
      'rcpt-refused': refusal('rcpt'),
      'mail-refused': refusal('data'),
      'api-refused': refusal('api'),
      'sms-submitted': (d) => submitted.inc({ connector: str(d.connector) }),
      'sms-final': (d) => {
        // Not a failure of the number or the carrier but of our link to it: an alert on failures must not fire for a slow SMSC.
        // connector-fault: given up after dispatch.maxAgeHours because no connector could be used (credentials refused, down): the gateway's fault, not the number's.
        final.inc({ connector: str(d.connector), status: d.uncertain ? 'unconfirmed' : d.connectorFault === true ? 'connector-fault' : d.unreported === true ? 'unreported' : str(d.status) });
        const ms = num(d.latencyMs);
        if (d.status === 'delivered' && ms !== undefined) deliverySeconds.observe({ connector: str(d.connector) }, ms / 1000);
      },
      // Cancelled before any connector took it (cancel.ts refuses one handed over), so it logs no sms-final.
      'sms-cancelled': () => final.inc({ connector: 'unknown', status: 'cancelled' }),
      'sms-late-answer': (d) => {
        if (d.recorded !== true) return;
        late.inc({ connector: str(d.connector), outcome: str(d.outcome) });
        // Taken after all: handed over, as sms-submitted counts it for SMS answered in time.
        if (d.status === 'submitted' || d.taken === true) submitted.inc({ connector: str(d.connector) });
      },
      'sms-retry': () => retries.inc(),
      'sms-submit-failed': (d) => submitFailures.inc({ connector: str(d.connector), kind: str(d.kind) }),
      'connector-throttled': (d) => throttled.inc({ connector: str(d.connector) }),
      'sms-failover': (d) => failovers.inc({ from: str(d.from), to: str(d.connector) }),
      'sms-duplicate': () => duplicates.inc(),
      'sms-duplicate-content': () => duplicates.inc(),
      'confirmation-sent': (d) => confirmations.inc({ stage: str(d.stage) }),
      'confirmation-retry': () => confirmationRetries.inc(),
      'callback-sent': (d) => callbacks.inc({ account: str(d.account), outcome: 'sent' }),
      'callback-failed': (d) => callbacks.inc({ account: str(d.account), outcome: 'failed' }),
      'callback-retry': (d) => callbacks.inc({ account: str(d.account), outcome: 'retry' }),
      'store-spool-read-failed': () => spoolReadFailures.inc(),
      'sms-reply-received': () => replies.inc({ outcome: 'forwarded' }),
      'sms-reply-duplicate': () => replies.inc({ outcome: 'duplicate' }),
      'sms-reply-unmatched': () => replies.inc({ outcome: 'unmatched' }),
      'event-loop-stalled': (d) => {
        stalls.inc();
        const ms = num(d.ms);
        if (ms !== undefined) stallSeconds.observe(ms / 1000);
      },
    };
  }

  /** The LogFn to hand to every part: logs as before, and counts what it sees. */
  observe(log: LogFn): LogFn {
    return (evt, data) => {
      log(evt, data);
      this.on[evt]?.(data);
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
