import type { Connector, DeliveryReport, SubmitResult } from '../connectors/types.js';
import { connectorMessageIdOf, type MessageStore, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';
import { retryDelaySeconds, withinMaxAge } from './retry.js';
import { WorkLoop } from './work-loop.js';

export interface DispatcherOptions {
  store: MessageStore;
  connector: Connector;
  concurrency: number;
  retrySeconds: readonly number[];
  maxAgeHours: number;
  receiptTimeoutHours: number;
  /** Whether the sender gets a confirmation when `sms` reaches `status` (src/notify/policy.ts). */
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  now?: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
  /** How often to look for due retries and overdue receipts. */
  tickMs?: number;
}

/** Reports whose submit answer has not been recorded yet are kept this long (a receipt can overtake its submit_sm_resp). */
const EARLY_REPORT_TTL_MS = 10 * 60_000;

/**
 * Takes due SMS from the store and hands them to the connector; records
 * every step durably before the next one, so that after a crash we know
 * which SMS may have reached the connector (`submitting`) and ask it.
 */
export class Dispatcher {
  private readonly loop: WorkLoop<SmsMessage>;
  private readonly byConnectorId = new Map<string, string>();
  private readonly early = new Map<string, { r: DeliveryReport; until: number }>();
  private readonly now: () => Date;
  private lastReceiptSweep = 0;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? (() => new Date());
    this.loop = new WorkLoop({
      concurrency: o.concurrency,
      tickMs: o.tickMs ?? 250,
      next: (limit) => o.store.due(this.now(), limit + this.loop.inFlight),
      key: (m) => m.id,
      run: (m) => this.send(m),
      onError: (m, e) => o.log('dispatch-error', { msgId: m.id, error: e.message }),
      onTick: () => this.sweepReceipts(),
    });
  }

  async start(): Promise<void> {
    this.o.connector.onReport((r) => void this.onReport(r).catch((e: Error) => this.o.log('report-failed', { error: e.message })));
    await this.reconcile();
    this.o.store.onChange(() => this.loop.wake());
    this.loop.start();
  }

  /** Stops taking new SMS and waits (up to timeoutMs) for those being handed over. */
  stop(timeoutMs = 10_000): Promise<void> {
    return this.loop.stop(timeoutMs);
  }

  /** Settles what a crash left open: `submitting` ones are asked of the connector, `submitted` ones followed up. */
  private async reconcile(): Promise<void> {
    for (const m of this.o.store.inStatus('submitting')) {
      const found = await this.o.connector.lookup(m.id);
      if (found.found === true) {
        await this.recordSubmitted(m, found.connectorMessageId, 'taken by the connector before a restart');
      } else if (found.found === false) {
        await this.o.store.transition(m.id, { event: this.event('accepted', 'not taken by the connector before a restart; sending again') });
      } else {
        // The protocol cannot tell whether it went out; sending again could double it.
        await this.finish(m, 'failed', 'interrupted while being handed to the carrier and the carrier cannot tell whether it arrived; not sent again to avoid a duplicate');
      }
      this.o.log('reconciled', { msgId: m.id, found: found.found });
    }
    const submitted = this.o.store.inStatus('submitted');
    // A submitted message always carries the id its `submitted` event recorded.
    const items = submitted.map((m) => ({ id: m.id, to: m.to, connectorMessageId: connectorMessageIdOf(m) ?? '' }));
    for (const i of items) this.byConnectorId.set(i.connectorMessageId, i.id);
    this.o.connector.resume(items);
  }

  private async send(m: SmsMessage): Promise<void> {
    if (m.expiresAt && m.expiresAt <= this.now().toISOString()) {
      return this.finish(m, 'expired', `not handed to the carrier before its validity ended (${m.expiresAt})`);
    }
    const attempts = m.attempts + 1;
    await this.o.store.transition(m.id, { event: this.event('submitting'), attempts });
    let res: SubmitResult;
    try {
      res = await this.o.connector.submit({ id: m.id, to: m.to, text: m.text, encoding: m.encoding, segments: m.segments, sender: m.sender });
    } catch (e) {
      res = { ok: false, temporary: true, reason: `connector error: ${(e as Error).message}` };
    }
    if (res.ok) return this.recordSubmitted(m, res.connectorMessageId);
    if (!res.temporary) return this.finish(m, res.final ?? 'failed', res.reason);
    if (!withinMaxAge(m.mail.receivedAt, this.now(), this.o.maxAgeHours)) {
      return this.finish(m, 'failed', `gave up after ${attempts} attempts: ${res.reason}`);
    }
    const wait = retryDelaySeconds(attempts, this.o.retrySeconds);
    const notBefore = new Date(this.now().getTime() + wait * 1000).toISOString();
    await this.o.store.transition(m.id, { event: this.event('accepted', `${res.reason}; next attempt in ${wait} s`), notBefore });
    this.o.log('sms-retry', { msgId: m.id, attempts, wait, reason: res.reason });
  }

  private async recordSubmitted(m: SmsMessage, connectorMessageId: string, note?: string): Promise<void> {
    const event = { ...this.event('submitted', note), connector: this.o.connector.name, connectorMessageId };
    await this.o.store.transition(m.id, { event, confirm: this.o.wantsConfirmation(m, 'submitted') });
    this.byConnectorId.set(connectorMessageId, m.id);
    this.o.log('sms-submitted', { msgId: m.id, to: m.to, connector: this.o.connector.name, connectorMessageId, segments: m.segments });
    const early = this.early.get(connectorMessageId);
    if (early) {
      this.early.delete(connectorMessageId);
      await this.onReport(early.r);
    }
  }

  private async onReport(r: DeliveryReport): Promise<void> {
    const id = this.byConnectorId.get(r.connectorMessageId);
    const m = id ? this.o.store.get(id) : undefined;
    if (!m || m.status !== 'submitted') {
      if (!m) this.early.set(r.connectorMessageId, { r, until: this.now().getTime() + EARLY_REPORT_TTL_MS });
      return;
    }
    if (r.status === 'enroute') return;
    this.byConnectorId.delete(r.connectorMessageId);
    await this.finish(m, r.status, r.reason, r.at);
  }

  private async finish(m: SmsMessage, status: SmsStatus, reason?: string, at?: Date): Promise<void> {
    const event = { ...this.event(status, reason, at), connector: this.o.connector.name };
    await this.o.store.transition(m.id, { event, confirm: this.o.wantsConfirmation(m, status) });
    this.o.log('sms-final', { msgId: m.id, to: m.to, status, reason, connector: this.o.connector.name });
  }

  /** Submitted SMS that never got a report expire; early reports nobody claimed are dropped. Once a minute. */
  private sweepReceipts(): void {
    const now = this.now().getTime();
    if (now - this.lastReceiptSweep < 60_000) return;
    this.lastReceiptSweep = now;
    for (const [k, v] of this.early) if (v.until < now) this.early.delete(k);
    const limit = now - this.o.receiptTimeoutHours * 3600_000;
    for (const m of this.o.store.inStatus('submitted')) {
      if (Date.parse(m.history.at(-1)!.at) < limit) {
        this.byConnectorId.delete(connectorMessageIdOf(m) ?? '');
        void this.finish(m, 'expired', `no delivery report within ${this.o.receiptTimeoutHours} h`);
      }
    }
  }

  private event(status: SmsStatus, reason?: string, at?: Date): StatusEvent {
    return { status, at: (at ?? this.now()).toISOString(), ...(reason ? { reason } : {}) };
  }
}
