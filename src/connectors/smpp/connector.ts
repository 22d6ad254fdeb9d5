/**
 * The SMPP connector: an SMS becomes one or more submit_sm (plan.ts), sent
 * through a kept-alive session (session.ts) at the configured pace
 * (rate-limit.ts) with throttling absorbed (part-sender.ts); receipts come
 * back as deliver_sm and are turned into one report per SMS (tracker.ts).
 *
 * The id we hand back is the SMSC's ids of all parts, joined by spaces (a
 * receipt's text cannot contain an id with a space, so the join is
 * reversible): after a restart resume() follows the parts from it, and
 * from the parts the dispatcher recorded as delivered (part reports).
 *
 * A deliver_sm is answered once what it decided is stored (see onDeliver),
 * so a crash never swallows a receipt: the SMSC sends unanswered ones again.
 */
import { readFile } from 'node:fs/promises';
import type { LogFn } from '../../log.js';
import { TokenBucket, realClock, type RateLimitClock } from '../rate-limit.js';
import { handOver } from '../listeners.js';
import type { Connector, ConnectorHealth, DeliveryReport, InboundSms, LateAnswer, LookupResult, OutboundSms, ResumeItem, SubmitResult } from '../types.js';
import type { SmppConnectorOptions } from './config.js';
import { parseOverrides, type StatusOverrides } from './errors.js';
import { readLateAnswer, type LostPart } from './late-answer.js';
import { PartSender, type PartOutcome } from './part-sender.js';
import type { Plan } from './plan.js';
import { RefsExhausted, SubmitPlanner } from './planner.js';
import { ESME_RSYSERR, ReceiptAnswers } from './receipt-answers.js';
import { receiptOf } from './receipt-in.js';
import { SmppSession, type LateAnswer as LateResponse } from './session.js';
import { realTimers, type Timers } from './socket.js';
import { ReceiptTracker, type Tracked } from './tracker.js';

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
  /** Longest a deliver_sm_resp waits (default ACK_WAIT_MS; tests shorten it). */
  ackWaitMs?: number;
}

const EARLY_RECEIPT_TTL_MS = 10 * 60_000;
const EARLY_RECEIPT_MAX = 10_000;
/** Longest a deliver_sm_resp waits for report listeners (SMSCs commonly time out their deliver_sm after 30–60 s). */
const ACK_WAIT_MS = 10_000;
/** How long a long SMS waits for a concatenation reference of its number (freed by receipts, which usually come within seconds). */
const REF_WAIT_MS = 10_000;

export class SmppConnector implements Connector {
  readonly name: string;
  private readonly session: SmppSession;
  private readonly sender: PartSender;
  private readonly tracker: ReceiptTracker;
  private readonly planner: SubmitPlanner;
  private readonly listeners: Array<(r: DeliveryReport) => void> = [];
  private readonly inbound: Array<(m: InboundSms) => Promise<void>> = [];
  private readonly late: Array<(a: LateAnswer) => Promise<boolean>> = [];
  private readonly overrides: StatusOverrides | undefined;
  private readonly log: LogFn;
  private readonly now: () => Date;
  private lastError?: string;
  private stopping = false;
  /** submit() calls under way: an unknown receipt may be for one of them. */
  private submitting = 0;
  /** Late acceptances whose correction is being stored: an unknown receipt may be for one of them (see onLate). */
  private settlingLate = 0;
  /** resume() was called: every SMS submitted before a restart is known. */
  private resumed = false;
  private readonly answers: ReceiptAnswers;

  constructor(private readonly o: SmppConnectorOptions, deps: SmppConnectorDeps = {}) {
    const { overrides, problems } = parseOverrides(o.statusOverrides);
    if (problems.length) throw new Error(`smpp connector ${o.name}: statusOverrides: ${problems.join('; ')}`);
    this.name = o.name;
    this.overrides = overrides;
    this.log = deps.log ?? (() => {});
    this.now = deps.now ?? (() => new Date());
    const clock = deps.clock ?? realClock;
    const timers = deps.timers ?? realTimers;
    this.answers = new ReceiptAnswers(deps.ackWaitMs ?? ACK_WAIT_MS);
    this.planner = new SubmitPlanner(o, deps.refWaitMs ?? REF_WAIT_MS, { timers, random: deps.random ?? Math.random, now: this.now });
    this.tracker = new ReceiptTracker({
      idBase: o.idBase, now: () => this.now().getTime(), earlyTtlMs: EARLY_RECEIPT_TTL_MS, earlyMax: EARLY_RECEIPT_MAX,
      trackTtlMs: o.receiptWaitHours * 3600_000, log: (evt, data) => this.log(evt, { connector: o.name, ...data }),
    });
    this.session = new SmppSession({
      name: o.name, host: o.host, port: o.port, systemId: o.systemId, password: o.password, systemType: o.systemType,
      bindMode: o.bindMode, windowSize: o.windowSize, responseTimeoutMs: o.responseTimeoutMs,
      enquireLinkMs: o.enquireLinkSeconds * 1000, reconnectDelaysMs: o.reconnectSeconds.map((s) => s * 1000),
      onDeliver: (sm) => this.onDeliver(receiptOf(sm)), log: this.log, timers,
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
    const refused = this.answers.refuse();
    if (refused) this.log('smpp-receipts-refused', { connector: this.name, count: refused, reason: 'stopping before their SMS was known; the SMSC sends them again' });
    await this.session.stop();
  }

  onInbound(listener: (m: InboundSms) => Promise<void>): void {
    this.inbound.push(listener);
  }

  onReport(listener: (r: DeliveryReport) => void): void {
    this.listeners.push(listener);
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
      if (parts.length > 0) this.follow(this.tracker.track(item.connectorMessageId, parts, { delivered: item.deliveredParts ?? [] }));
    }
    this.resumed = true;
    this.releaseUnclaimed();
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (this.stopping) return { ok: false, temporary: true, reason: `connector ${this.name} is stopping` };
    this.submitting++;
    try {
      return await this.submitParts(sms);
    } finally {
      this.submitting--;
      this.releaseUnclaimed();
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
    if (this.o.registeredDelivery & 0x03) this.follow(this.tracker.track(connectorMessageId, ids, { onDone: release }));
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
    else this.settlingLate++;
    const told = Promise.all(this.late.map((l) => l(answer)));
    return told.then((wanted) => {
      if (!follows) return;
      if (wanted.some(Boolean)) this.follow(this.tracker.track(answer.connectorMessageId!, partIds, { onDone: release }));
      else release();
    }, (e: Error) => {
      release();
      this.log('smpp-late-unrecorded', { connector: this.name, msgId: lost.msgId, error: e.message });
    }).finally(() => {
      if (!follows) return;
      this.settlingLate--;
      this.releaseUnclaimed();
    });
  }

  /** An SMSC that answers ESME_ROK without a message_id: the SMS went out, but no receipt can ever match it. */
  private placeholderId(sms: Pick<OutboundSms, 'id'>, part: number): string {
    this.log('smpp-no-message-id', { connector: this.name, msgId: sms.id, part: part + 1 });
    return `no-id:${sms.id}:${part + 1}`;
  }

  /**
   * The answer waits for listeners that return a promise (see
   * receipt-answers.ts). A receipt for a part not known yet waits the same
   * way while a submit (or the resume after a restart) may still claim it;
   * then the reports it helped decide are what it waits for.
   */
  private onDeliver(receipt: ReturnType<typeof receiptOf>): number | Promise<number> {
    if (receipt.kind === 'mo') {
      const { kind: _, ...m } = receipt;
      if (!this.inbound.length) {
        this.log('smpp-deliver-ignored', { connector: this.name, reason: `an SMS from ${m.from}, and nobody takes replies` });
        return 0;
      }
      // Answered once every listener stored what it decided (a STOP on the opt-out list); refused, to come again, if one could not.
      return this.answers.after(Promise.all(this.inbound.map((l) => l({ ...m, at: this.now() }))));
    }
    if (receipt.kind === 'other') {
      this.log('smpp-deliver-ignored', { connector: this.name, reason: receipt.reason });
      return 0;
    }
    const { reports, kept } = this.tracker.onReceipt(receipt.receipt);
    if (kept) {
      // Stopping: nothing will claim it in this run, but the next one may (after its resume()).
      if (this.stopping) return ESME_RSYSERR;
      return this.mayClaim() ? this.answers.hold(receipt.receipt, () => this.settlingLate > 0) : 0;
    }
    return reports.length === 0 ? 0 : this.answers.after(this.emit(reports));
  }

  /** An unknown receipt may still find its SMS: a submit or a late acceptance is under way, or the restart's resume() has not come yet. */
  private mayClaim(): boolean {
    return this.submitting > 0 || this.settlingLate > 0 || !this.resumed;
  }

  /** Early receipts nobody can claim any more are answered now (the tracker keeps them a while, in case). */
  private releaseUnclaimed(): void {
    if (!this.mayClaim()) this.answers.release();
  }

  /**
   * Emits what track() decided after the caller returned (submit's result
   * first, in protocol order); the early receipts it applied are answered
   * once those reports' listeners settled.
   */
  private follow(t: Tracked): void {
    const emitted = t.reports.length === 0
      ? Promise.resolve()
      : new Promise<unknown>((resolve) => setImmediate(() => resolve(this.emit(t.reports))));
    emitted.catch(() => {}); // refused through the claimed receipts' answers, if any; the dispatcher logged it
    this.answers.claim(t.applied, emitted);
  }

  /** Hands the reports to the listeners, in order; resolves once they are stored, rejects when one could not be. */
  private emit(reports: DeliveryReport[]): Promise<unknown> {
    return Promise.all(reports.map((r) => {
      this.log('smpp-report', { connector: this.name, connectorMessageId: r.connectorMessageId, status: r.status, reason: r.reason, ...(r.part ? { part: r.part.index, of: r.part.of } : {}) });
      return handOver(this.listeners, r).then(
        () => this.tracker.settled(r, true),
        (e: unknown) => {
          this.tracker.settled(r, false);
          throw e;
        },
      );
    }));
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
  return { ok: false, temporary: true, reason: `${part}${outcome.reason}` };
}
