/**
 * Sends one submit_sm and deals with the answers that mean "not now":
 * - ESME_RTHROTTLED pauses the whole connector (every sender waits at the
 *   same gate), then the same PDU is sent again: it was refused, not taken,
 *   so this cannot duplicate it. The pause doubles while throttling goes on
 *   and resets on the first acceptance.
 * - With `inPlace` (a later part of a long SMS, whose earlier parts the SMSC
 *   already has), temporary refusals and a link that is down are also
 *   waited out, so the message can still be completed with its reference.
 * Both give up after `retryInPlaceMs` on one PDU. A response that never came
 * ends the attempt at once as `lost`: that PDU may have been taken.
 */
import type { LogFn } from '../../log.js';
import type { RateLimitClock, TokenBucket } from '../rate-limit.js';
import { ThrottleEpisodes } from '../throttling.js';
import { describeStatus, ruleFor, type StatusOverrides, type StatusRule } from './errors.js';
import type { LateAnswer, SmppSession } from './session.js';
import type { SubmitSm } from './submit-encode.js';

export type PartOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'refused'; status: number; rule: StatusRule; reason: string }
  | { kind: 'not-sent'; reason: string }
  /** `forgotten`: see SubmitAnswer. */
  | { kind: 'lost'; reason: string; forgotten: Promise<void> };

export interface PartSenderOptions {
  name: string;
  session: SmppSession;
  bucket: TokenBucket;
  clock: RateLimitClock;
  overrides?: StatusOverrides;
  throttlePauseMs: number;
  retryInPlaceMs: number;
  /** True once the connector stops: no more waiting in place, the outcome so far stands. */
  stopping: () => boolean;
  log: LogFn;
}

const MAX_PAUSE_MS = 30_000;

export class PartSender {
  private pausedUntil = 0;
  private pause: number;
  /** PDUs refused with ESME_RTHROTTLED so far (for health and tests). */
  throttled = 0;

  private readonly episodes: ThrottleEpisodes;

  constructor(private readonly o: PartSenderOptions) {
    this.pause = o.throttlePauseMs;
    // Ten base pauses without ESME_RTHROTTLED (10 s by default): the pause doubles while it goes on, so nearer is the same overload.
    this.episodes = new ThrottleEpisodes(o.name, 'smpp-throttled', o.log, () => o.clock.now(), 10 * o.throttlePauseMs);
  }

  /** Whether the connector is in a throttling pause now. */
  get paused(): boolean {
    return this.o.clock.now() < this.pausedUntil;
  }

  /** `onLate`: the answer to a PDU reported `lost`, should it still come (session.ts). */
  async send(pdu: SubmitSm, inPlace: boolean, onLate?: (a: LateAnswer) => void): Promise<PartOutcome> {
    const started = this.o.clock.now();
    let waits = 0;
    for (;;) {
      await this.gate();
      await this.o.bucket.take();
      const outcome = await this.attempt(pdu, onLate);
      const timeLeft = started + this.o.retryInPlaceMs - this.o.clock.now();
      if (outcome.kind === 'refused' && outcome.rule.kind === 'throttled') {
        if (timeLeft <= 0) return { ...outcome, reason: `the SMSC kept throttling for ${Math.round(this.o.retryInPlaceMs / 1000)} s: ${outcome.reason}` };
        if (this.o.stopping()) return outcome;
        this.onThrottled();
        continue;
      }
      const temporary = outcome.kind === 'not-sent' || (outcome.kind === 'refused' && outcome.rule.kind === 'temporary');
      if (!inPlace || !temporary || timeLeft <= 0 || this.o.stopping()) return outcome;
      // A later part: wait and try the same PDU again rather than leave the message half-sent.
      await this.o.clock.sleep(Math.min(timeLeft, this.o.throttlePauseMs * 2 ** Math.min(waits++, 5)));
    }
  }

  private async attempt(pdu: SubmitSm, onLate?: (a: LateAnswer) => void): Promise<PartOutcome> {
    const answer = await this.o.session.submit(pdu, onLate);
    if (answer.kind !== 'answered') return answer;
    const rule = ruleFor(answer.status, this.o.overrides);
    if (rule.kind !== 'ok') return { kind: 'refused', status: answer.status, rule, reason: `SMSC refused: ${describeStatus(answer.status)}` };
    this.pause = this.o.throttlePauseMs;
    this.episodes.taken();
    return { kind: 'accepted', messageId: answer.messageId };
  }

  private onThrottled(): void {
    this.throttled++;
    const now = this.o.clock.now();
    // Several PDUs in flight are refused together: one pause for all of them.
    const pausing = now >= this.pausedUntil;
    this.episodes.refused({ pauseMs: pausing ? this.pause : Math.round(this.pausedUntil - now) });
    if (!pausing) return;
    this.pausedUntil = now + this.pause;
    this.pause = Math.min(this.pause * 2, MAX_PAUSE_MS);
  }

  private async gate(): Promise<void> {
    for (let now = this.o.clock.now(); now < this.pausedUntil; now = this.o.clock.now()) {
      await this.o.clock.sleep(this.pausedUntil - now);
    }
  }
}
