import type { DeliveryReport, SubmitResult } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import { countryOf } from '../sms/number.js';
import type { MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import type { ConnectorPool } from './connector-pool.js';
import { reconcile } from './reconcile.js';
import { Recorder } from './record.js';
import { ReportBook, submittedVia } from './report-book.js';
import { backoffSeconds, withinMaxAge, type Backoff } from './retry.js';
import { decideRoute, kindsOf, type MessageFacts, type RoutingTable } from './router.js';
import { WorkLoop } from './work-loop.js';

export interface DispatcherOptions {
  store: MessageStore;
  pool: ConnectorPool;
  routing: Omit<RoutingTable, 'connectors'>;
  concurrency: number;
  retry: Backoff;
  maxAgeHours: number;
  receiptTimeoutHours: number;
  /** Whether the sender gets a confirmation when `sms` reaches `status` (src/notify/policy.ts). */
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  now?: () => Date;
  /** In [0, 1): weighted routes and retry jitter (injected for tests). */
  random?: () => number;
  log: LogFn;
  /** How often to look for due retries and overdue receipts. */
  tickMs?: number;
}

/** How one attempt over a route's candidates ended when no connector settled the SMS. */
type Attempt = { settled: true } | { settled: false; reason: string };

export function factsOf(m: SmsMessage): MessageFacts {
  return { to: m.to, country: countryOf(m.to), account: m.account, sender: m.sender, kinds: kindsOf(m) };
}

/**
 * Takes due SMS from the store, routes each to its candidate connectors
 * and hands it to the first that takes it; records every step durably
 * before the next one, so that after a crash we know which SMS may have
 * reached which connector (`submitting` names it) and ask that one.
 */
export class Dispatcher {
  private readonly loop: WorkLoop<SmsMessage>;
  private readonly book = new ReportBook();
  private readonly record: Recorder;
  private readonly routing: RoutingTable;
  private readonly now: () => Date;
  private readonly random: () => number;
  private lastReceiptSweep = 0;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? (() => new Date());
    this.random = o.random ?? Math.random;
    this.routing = { ...o.routing, connectors: o.pool.names };
    this.record = new Recorder({
      store: o.store, book: this.book, wantsConfirmation: o.wantsConfirmation, now: this.now, log: o.log,
      onEarlyReport: (connector, r) => this.onReport(connector, r),
    });
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
    for (const c of this.o.pool.connectors) {
      c.onReport((r) => void this.onReport(c.name, r).catch((e: Error) => this.o.log('report-failed', { connector: c.name, error: e.message })));
    }
    await reconcile({ store: this.o.store, pool: this.o.pool, book: this.book, record: this.record, log: this.o.log });
    this.o.store.onChange(() => this.loop.wake());
    this.loop.start();
  }

  /** Stops taking new SMS and waits (up to timeoutMs) for those being handed over. */
  stop(timeoutMs = 10_000): Promise<void> {
    return this.loop.stop(timeoutMs);
  }

  private async send(m: SmsMessage): Promise<void> {
    if (m.expiresAt && m.expiresAt <= this.now().toISOString()) {
      return this.record.finish(m, 'expired', `not handed to the carrier before its validity ended (${m.expiresAt})`);
    }
    const attempts = m.attempts + 1;
    const route = decideRoute(factsOf(m), this.routing, this.o.pool.unavailable, this.random);
    if (!route.ok && !route.temporary) return this.record.finish(m, 'failed', route.reason);
    const attempt = route.ok ? await this.tryCandidates(m, attempts, route.candidates) : { settled: false as const, reason: route.reason };
    if (attempt.settled) return;
    if (!withinMaxAge(m.mail.receivedAt, this.now(), this.o.maxAgeHours)) {
      return this.record.finish(m, 'failed', `gave up after ${attempts} attempts in ${this.o.maxAgeHours} h: ${attempt.reason}`);
    }
    await this.record.retryLater(m, attempts, attempt.reason, backoffSeconds(attempts, this.o.retry, this.random));
  }

  /**
   * One attempt: the candidates in order until one settles the SMS. A
   * temporary failure moves on to the next at once; a refusal or an
   * uncertain result under policy `fail` settles it as failed.
   */
  private async tryCandidates(m: SmsMessage, attempts: number, candidates: string[]): Promise<Attempt> {
    let last = '';
    let possibleDuplicate: string | undefined;
    for (const name of candidates) {
      const grant = this.o.pool.acquire(name);
      if (!grant.allowed) {
        last ||= `${name}: breaker half-open, its probe is under way`;
        continue;
      }
      try {
        await this.record.submitting(m, name, attempts, last || undefined);
      } catch (e) {
        this.o.pool.release(name, grant.probe);
        throw e;
      }
      const res = await this.submit(name, m);
      if (res.ok || !res.temporary) this.o.pool.answered(name, grant.probe);
      else this.o.pool.failed(name, grant.probe, res.reason);
      if (res.ok) {
        await this.record.submitted(m, name, res.connectorMessageId, possibleDuplicate && `possibly duplicated: ${possibleDuplicate} may also have taken it`);
        return { settled: true };
      }
      if (!res.temporary) {
        await this.record.finish(m, res.final ?? 'failed', res.reason, name);
        return { settled: true };
      }
      last = `${name}: ${res.reason}`;
      if (!res.uncertain) continue;
      if (this.o.pool.onUncertain(name) === 'fail') {
        await this.record.finish(m, 'failed', uncertainReason(name, res.reason), name);
        return { settled: true };
      }
      possibleDuplicate = name;
      last += `; possibly duplicated: ${name} may have taken it, sending again (onUncertain resend)`;
      this.o.log('sms-possible-duplicate', { msgId: m.id, to: m.to, connector: name, reason: res.reason });
    }
    return { settled: false, reason: last };
  }

  private async submit(name: string, m: SmsMessage): Promise<SubmitResult> {
    try {
      return await this.o.pool.get(name)!.submit({ id: m.id, to: m.to, text: m.text, encoding: m.encoding, segments: m.segments, sender: m.sender });
    } catch (e) {
      return { ok: false, temporary: true, reason: `connector error: ${(e as Error).message}` };
    }
  }

  private async onReport(connector: string, r: DeliveryReport): Promise<void> {
    const id = this.book.find(connector, r.connectorMessageId);
    const m = id ? this.o.store.get(id) : undefined;
    if (!m || m.status !== 'submitted') {
      if (!m) this.book.keepEarly(connector, r, this.now().getTime());
      return;
    }
    if (r.status === 'enroute') return;
    this.book.forget(connector, r.connectorMessageId);
    await this.record.finish(m, r.status, r.reason, connector, r.at);
  }

  /** Submitted SMS that never got a report expire; early reports nobody claimed are dropped. Once a minute. */
  private sweepReceipts(): void {
    const now = this.now().getTime();
    if (now - this.lastReceiptSweep < 60_000) return;
    this.lastReceiptSweep = now;
    this.book.dropExpiredEarly(now);
    const limit = now - this.o.receiptTimeoutHours * 3600_000;
    for (const m of this.o.store.inStatus('submitted')) {
      if (Date.parse(m.history.at(-1)!.at) >= limit) continue;
      const via = submittedVia(m);
      if (via) this.book.forget(via.connector, via.connectorMessageId);
      void this.record.finish(m, 'expired', `no delivery report within ${this.o.receiptTimeoutHours} h`, via?.connector)
        .catch((e: Error) => this.o.log('dispatch-error', { msgId: m.id, error: e.message }));
    }
  }
}

/** For the sender: we cannot know, and we say so rather than guess. */
export function uncertainReason(connector: string, reason: string): string {
  return `the SMS may or may not have reached the carrier (${connector}: ${reason}); not sent again, to avoid sending it twice`;
}
