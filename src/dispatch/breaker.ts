/**
 * A circuit breaker per connector, as a pure state machine: the caller
 * passes the time in and keeps the state. Closed counts consecutive
 * failures (temporary or uncertain); at the threshold it opens for the
 * cool-down; after it one SMS may probe (half-open); the probe's success
 * closes it, its failure opens it again. Results of submits that started
 * before the breaker opened do not count once it is open: only the probe
 * speaks for a connector that was given up on.
 */

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failures: number;
  coolDownMs: number;
}

export type BreakerState =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; until: number; reason: string }
  | { kind: 'half-open'; probing: boolean; reason: string };

export const CLOSED: BreakerState = { kind: 'closed', failures: 0 };

/**
 * What an operator sees. An open breaker whose cool-down is over keeps nothing away any more: the next
 * SMS for the connector is its probe (`probe-due`), and in a quiet period it stays so until one comes.
 * `half-open` is a probe under way. A bind or an enquire_link does not close it: the failures that open a
 * breaker (ESME_RSYSERR, ESME_RMSGQFUL, timeouts) come on bound links too, only a submit shows they ended.
 */
export type BreakerPhase = 'closed' | 'open' | 'probe-due' | 'half-open';

export function breakerPhase(s: BreakerState, now: number): BreakerPhase {
  if (s.kind === 'open') return now >= s.until ? 'probe-due' : 'open';
  if (s.kind === 'half-open') return s.probing ? 'half-open' : 'probe-due';
  return s.kind;
}

/** Whether the breaker keeps SMS away from its connector now (mail2sms_connector_breaker_open). */
export function keepsAway(phase: BreakerPhase): boolean {
  return phase === 'open' || phase === 'half-open';
}

/** Whether a submit may go to the connector now (no state change; see acquire). */
export function breakerAllows(s: BreakerState, now: number): boolean {
  if (s.kind === 'closed') return true;
  if (s.kind === 'open') return now >= s.until;
  return !s.probing;
}

/** Takes the right to submit: in half-open only one submit (the probe) at a time. */
export function acquire(s: BreakerState, now: number): { state: BreakerState; allowed: boolean; probe: boolean } {
  if (s.kind === 'closed') return { state: s, allowed: true, probe: false };
  if (!breakerAllows(s, now)) return { state: s, allowed: false, probe: false };
  return { state: { kind: 'half-open', probing: true, reason: s.reason }, allowed: true, probe: true };
}

export function succeeded(s: BreakerState, probe: boolean): BreakerState {
  if (s.kind === 'closed') return s.failures ? CLOSED : s;
  return probe && s.kind === 'half-open' ? CLOSED : s;
}

/** `atOnce`: a failure that every SMS would meet (credentials refused) opens a closed breaker without waiting for more. */
export function failed(s: BreakerState, o: BreakerOptions, now: number, reason: string, probe: boolean, atOnce = false): BreakerState {
  if (s.kind === 'closed') {
    const failures = atOnce ? Math.max(s.failures + 1, o.failures) : s.failures + 1;
    return failures >= o.failures ? { kind: 'open', until: now + o.coolDownMs, reason } : { kind: 'closed', failures };
  }
  return probe && s.kind === 'half-open' ? { kind: 'open', until: now + o.coolDownMs, reason } : s;
}

/**
 * At start, for a connector SMS were waiting for when the bridge stopped (it could not take them then): open with
 * its cool-down over, so one SMS probes it before the others go, as after any outage. Closed, up to `failures` of
 * them would be tried against a connector still down (a timeout each, an HTTP one fails them as not confirmed).
 */
export function presumedDown(now: number, reason: string): BreakerState {
  return { kind: 'open', until: now, reason };
}

/** A probe taken but never submitted (the store failed first) gives its place back rather than blocking the connector. */
export function released(s: BreakerState, probe: boolean): BreakerState {
  return probe && s.kind === 'half-open' && s.probing ? { ...s, probing: false } : s;
}
