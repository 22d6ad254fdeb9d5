/**
 * The SMPP connector: an SMS becomes one or more submit_sm (plan.ts), sent
 * through a kept-alive session (session.ts) at the configured pace
 * (rate-limit.ts) with throttling absorbed (part-sender.ts); receipts come
 * back as deliver_sm and are turned into one report per SMS (deliveries.ts).
 *
 * The id we hand back is the SMSC's ids of all parts, joined by spaces (a
 * receipt's text cannot contain an id with a space, so the join is
 * reversible): after a restart resume() follows the parts from it, and
 * from the parts the dispatcher recorded as delivered (part reports).
 */
import { readFile } from 'node:fs/promises';
import type { LogFn } from '../../log.js';
import { TokenBucket, realClock, type RateLimitClock } from '../rate-limit.js';
import type { Connector, ConnectorHealth, DeliveryReport, InboundSms, LateAnswer, LookupResult, OutboundSms, ResumeItem, StrayReceipt, SubmitResult } from '../types.js';
import type { SmppConnectorOptions } from './config.js';
import { Deliveries } from './deliveries.js';
import { parseOverrides, type StatusOverrides } from './errors.js';
import { readLateAnswer, type LostPart } from './late-answer.js';
import { PartSender, type PartOutcome } from './part-sender.js';
import type { Plan } from './plan.js';
import { RefsExhausted, SubmitPlanner } from './planner.js';
import { receiptOf } from './receipt-in.js';
import { SmppSession, type LateAnswer as LateResponse } from './session.js';
import { realTimers, type Timers } from './socket.js';

export type { SmppConnectorOptions } from './config.js';

export interface SmppConnectorDeps {
  log?: LogFn;
  /** Wall clock for report times and receipt bookkeeping. */
  now?: () => Date;
  /** Monotonic clock and sleep for pacing and throttling pauses. */
  clock?: RateLimitClock;
  /** Timers for response timeouts, enquire_link and reconnects. */
  timers?: Timers;
  /** Seeds the concatenation reference counter, so a restart does not reuse recent references. */
  random?: () => number;
  /** How long a long SMS waits for a concatenation reference of its number (default REF_WAIT_MS; tests shorten it). */
  refWaitMs?: number;
  /** Longest a deliver_sm_resp waits (default in deliveries.ts; tests shorten it). */
  ackWaitMs?: number;
}

/** How long a long SMS waits for a concatenation reference of its number (freed by receipts, which usually come within seconds). */
const REF_WAIT_MS = 10_000;

export class SmppConnector implements Connector {
  readonly name: string;
  private readonly session: SmppSession;
  private readonly sender: PartSender;
  private readonly deliveries: Deliveries;
  private readonly planner: SubmitPlanner;
  private readonly late: Array<(a: LateAnswer) => Promise<boolean>> = [];
  private readonly overrides: StatusOverrides | undefined;
  private readonly log: LogFn;
  private readonly now: () => Date;
  private lastError?: string;
  private stopping = false;

  constructor(private readonly o: SmppConnectorOptions, deps: SmppConnectorDeps = {}) {
    const { overrides, problems } = parseOverrides(o.statusOverrides);
    if (problems.length) throw new Error(`smpp connector ${o.name}: statusOverrides: ${problems.join('; ')}`);
    this.name = o.name;
    this.overrides = overrides;
    this.log = deps.log ?? (() => {});
    this.now = deps.now ?? (() => new Date());
    const clock = deps.clock ?? realClock;
    const timers = deps.timers ?? realTimers;
    this.planner = new SubmitPlanner(o, deps.refWaitMs ?? REF_WAIT_MS, { timers, random: deps.random ?? Math.random, now: this.now });
    this.deliveries = new Deliveries({
      name: o.name, idBase: o.idBase, receiptWaitHours: o.receiptWaitHours, log: this.log, now: this.now, stopping: () => this.stopping, ackWaitMs: deps.ackWaitMs,
    });
    this.session = new SmppSession({
      name: o.name, host: o.host, port: o.port, systemId: o.systemId, password: o.password, systemType: o.systemType,
      bindMode: o.bindMode, windowSize: o.windowSize, responseTimeoutMs: o.responseTimeoutMs,
      enquireLinkMs: o.enquireLinkSeconds * 1000, reconnectDelaysMs: o.reconnectSeconds.map((s) => s * 1000),
      onDeliver: (sm) => this.deliveries.deliver(receiptOf(sm, { timeZone: o.receiptTimeZone })), log: this.log, timers,
    });
    this.sender = new PartSender({
      name: o.name, session: this.session, clock, overrides, log: this.log,
      bucket: new TokenBucket({ ratePerSecond: o.throughputPerSecond, clock }),
      throttlePauseMs: o.throttlePauseMs, retryInPlaceMs: o.retryInPlaceSeconds * 1000, stopping: () => this.stopping,
    });
  }

  /** Binds; resolves after the first attempt even if it failed (the session keeps trying; health() tells). */
  async start(): Promise<void> {
    this.stopping = false;
    if (this.o.tls) {
      const ca = this.o.tlsCaFile ? await readFile(this.o.tlsCaFile, 'utf8') : undefined;
      this.session.setTls({ rejectUnauthorized: this.o.tlsRejectUnauthorized, ...(ca ? { ca } : {}) });
    }
    await this.session.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.planner.cancelWaits();
    this.deliveries.stop();
    await this.session.stop();
  }

  onInbound(listener: (m: InboundSms) => Promise<void>): void {
    this.deliveries.onInbound(listener);
  }

  onReport(listener: (r: DeliveryReport) => void): void {
    this.deliveries.onReport(listener);
  }

  onStrayReceipt(listener: (r: StrayReceipt) => Promise<void>): void {
    this.deliveries.onStrayReceipt(listener);
  }

  onLateAnswer(listener: (a: LateAnswer) => Promise<boolean>): void {
    this.late.push(listener);
  }

  health(): ConnectorHealth {
    const state = this.session.state;
    const detail = this.session.detail ?? (this.sender.paused ? 'throttled by the SMSC (ESME_RTHROTTLED): pausing' : this.lastError);
    return { up: state === 'bound', state, inFlight: this.session.window.inFlight, window: this.session.window.size, ...(detail ? { detail } : {}) };
  }

  /** SMPP cannot be asked about a message by our id (query_sm needs the SMSC's id, which we never got). */
  async lookup(_id: string): Promise<LookupResult> {
    return { found: 'unknown' };
  }

  resume(items: ResumeItem[]): void {
    for (const item of items) {
      const parts = item.connectorMessageId.split(' ').filter((p) => p !== '');
      if (parts.length > 0) this.deliveries.track(item.connectorMessageId, parts, { delivered: item.deliveredParts ?? [] });
    }
    this.deliveries.resumedAll();
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (this.stopping) return { ok: false, temporary: true, reason: `connector ${this.name} is stopping` };
    const ended = this.deliveries.submitting(); // its answer may come after its receipts
    try {
      return await this.submitParts(sms);
    } finally {
      ended();
    }
  }

  private async submitParts(sms: OutboundSms): Promise<SubmitResult> {
    let plan: Plan;
    try {
      plan = await this.planner.plan(sms);
    } catch (e) {
      // Its number's references, not the SMSC: the SMS waits, and the connector's breaker must not count it.
      if (e instanceof RefsExhausted) return { ok: false, temporary: true, scope: 'sms', reason: this.stopping ? `connector ${this.name} is stopping` : e.message };
      return { ok: false, temporary: false, final: 'failed', reason: `cannot be sent over SMPP: ${(e as Error).message}` };
    }
    let released = false;
    // Once only: a second release could free the reference another SMS to the number has taken since.
    const release = (): void => {
      if (released) return;
      released = true;
      this.planner.release(sms, plan);
    };
    // What source_addr carries when the SMS names none (planSubmit); the store keeps it so that a reply finds the SMS.
    const defaulted = sms.sender ? {} : this.o.defaultSender ? { sender: this.o.defaultSender } : {};
    const ids: string[] = [];
    let answeredLate = false;
    let lateSettled: Promise<unknown> = Promise.resolve();
    for (const [i, pdu] of plan.pdus.entries()) {
      let outcome: PartOutcome;
      const lost: LostPart = { connector: this.name, msgId: sms.id, index: i, total: plan.pdus.length, taken: [...ids], ...defaulted };
      // Called before `forgotten` resolves (link.ts onResponse), so `answerable` below waits for what it settles.
      const onLate = (r: LateResponse): void => {
        answeredLate = true;
        lateSettled = this.onLate(lost, r, release);
      };
      try {
        outcome = await this.sender.send(pdu, i > 0, onLate);
      } catch (e) {
        release();
        if (!(e instanceof RangeError)) throw e;
        // A field the encoder refuses fails the same way every time; nothing of this part was written.
        const reason = `cannot be sent over SMPP: ${e.message}`;
        return i === 0 ? { ok: false, temporary: false, final: 'failed', reason } : failure({ kind: 'not-sent', reason }, i, plan.pdus.length, ids);
      }
      if (outcome.kind === 'accepted') {
        ids.push(outcome.messageId || this.placeholderId(sms, i));
        continue;
      }
      if (outcome.kind !== 'lost') release();
      // The SMSC may still take the part, and the handset then assembles it with the parts before it: the
      // reference stays reserved while an answer can come; a late answer passes it on (onLate).
      else void outcome.forgotten.then(() => answeredLate || release());
      const result = failure(outcome, i, plan.pdus.length, ids);
      if (outcome.kind === 'lost') result.answerable = outcome.forgotten.then(() => lateSettled).then(() => undefined, () => undefined);
      this.lastError = result.reason;
      this.log('smpp-submit-failed', { connector: this.name, msgId: sms.id, part: i + 1, parts: plan.pdus.length, reason: result.reason, uncertain: result.uncertain === true });
      return result;
    }
    const connectorMessageId = ids.join(' ');
    this.lastError = undefined;
    if (this.o.registeredDelivery & 0x03) this.deliveries.track(connectorMessageId, ids, { onDone: release });
    else release();
    return { ok: true, connectorMessageId, parts: ids.length, ...defaulted };
  }

  /**
   * A part reported lost was answered after all (late-answer.ts). The
   * dispatcher hears it; when it records the SMS as submitted here, its
   * receipts are followed like those of any submit, and its concatenation
   * reference (kept since the submit failed) is released once they are in;
   * otherwise at once.
   *
   * SMSCs send the receipt right after the answer, before the correction
   * is stored: until it is, an unknown receipt is held like one that
   * overtook its submit_sm_resp, so that it is answered only once the
   * correction and what the receipt decides are durable (a crash before
   * loses nothing: the SMSC sends it again). A receipt nobody claims then
   * is answered as any unknown one. One still held when the answer's
   * wait ends while the correction is not stored yet (behind a resend that
   * can take minutes) is refused, so that the SMSC sends it again.
   */
  private onLate(lost: LostPart, r: LateResponse, release: () => void): Promise<unknown> {
    const { answer, partIds } = readLateAnswer(lost, r, {
      at: this.now(), overrides: this.overrides, log: this.log, placeholder: () => this.placeholderId({ id: lost.msgId }, lost.index),
    });
    const follows = partIds !== undefined && (this.o.registeredDelivery & 0x03) !== 0;
    if (!follows) release();
    // Its receipts may come before the correction is stored.
    const ended = follows ? this.deliveries.settlingLate() : undefined;
    const told = Promise.all(this.late.map((l) => l(answer)));
    return told.then((wanted) => {
      if (!follows) return;
      if (wanted.some(Boolean)) this.deliveries.track(answer.connectorMessageId!, partIds, { onDone: release });
      else release();
    }, (e: Error) => {
      release();
      this.log('smpp-late-unrecorded', { connector: this.name, msgId: lost.msgId, error: e.message });
    }).finally(() => ended?.());
  }

  /** An SMSC that answers ESME_ROK without a message_id: the SMS went out, but no receipt can ever match it. */
  private placeholderId(sms: Pick<OutboundSms, 'id'>, part: number): string {
    this.log('smpp-no-message-id', { connector: this.name, msgId: sms.id, part: part + 1 });
    return `no-id:${sms.id}:${part + 1}`;
  }
}

/** The result for an SMS whose part `index` (0-based) did not get through; `taken` are the ids of earlier parts. */
export function failure(outcome: Exclude<PartOutcome, { kind: 'accepted' }>, index: number, total: number, taken: string[]): SubmitResult & { ok: false } {
  const part = total > 1 ? `part ${index + 1} of ${total}: ` : '';
  const earlier = taken.length === 0 ? '' : taken.length === 1 ? ` (part 1 was taken, id ${taken[0]})` : ` (parts 1–${taken.length} were taken, ids ${taken.join(' ')})`;
  if (outcome.kind === 'lost') {
    return { ok: false, temporary: true, uncertain: true, reason: `${part}${outcome.reason}; the SMSC may have taken it${earlier}` };
  }
  if (taken.length > 0) {
    // Sending the whole SMS again would duplicate the parts the SMSC has; failing it says plainly what happened.
    return {
      ok: false, temporary: false, final: 'failed',
      reason: `only ${taken.length} of ${total} parts were taken by the SMSC (ids ${taken.join(' ')}); part ${index + 1} failed: ${outcome.reason}. The recipient may see an incomplete message; not sent again to avoid duplicate parts`,
    };
  }
  if (outcome.kind === 'not-sent') return { ok: false, temporary: true, reason: outcome.reason };
  if (outcome.rule.kind === 'permanent') return { ok: false, temporary: false, final: outcome.rule.final ?? 'failed', reason: `${part}${outcome.reason}` };
  return { ok: false, temporary: true, reason: `${part}${outcome.reason}`, ...(outcome.rule.kind === 'throttled' ? { throttled: true as const } : {}) };
}
