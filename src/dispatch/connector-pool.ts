/**
 * The configured connectors with their circuit breakers: whether each can
 * take an SMS now (for the router), the right to submit (one probe at a
 * time when half-open), the outcome of each submit, and a status view for
 * logs and, later, the portal. Breaker changes are logged as they happen.
 */
import type { Connector, ConnectorHealth } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import { acquire, breakerAllows, breakerPhase, CLOSED, failed, presumedDown, released, succeeded, type BreakerOptions, type BreakerPhase, type BreakerState } from './breaker.js';

export interface PoolMember {
  connector: Connector;
  type: string;
  onUncertain: 'fail' | 'resend';
  breaker: BreakerOptions;
}

export interface ConnectorStatus {
  name: string;
  type: string;
  health: ConnectorHealth;
  /** failures: consecutive ones so far (closed); reason: the failure that opened it. */
  breaker: { phase: BreakerPhase; failures?: number; openUntil?: string; reason?: string };
  /** SMS the connector accepted: in the last 60 seconds (its throughput now) and since the start. */
  taken: { lastMinute: number; total: number };
}

interface Slot extends PoolMember {
  state: BreakerState;
  taken: Taken;
}

/** Accepted SMS counted per second over the last minute, plus a total. */
class Taken {
  private readonly perSecond = new Array<number>(60).fill(0);
  private second = 0;
  total = 0;

  add(now: number): void {
    this.advance(now);
    this.perSecond[this.second % 60]!++;
    this.total++;
  }

  lastMinute(now: number): number {
    this.advance(now);
    return this.perSecond.reduce((a, b) => a + b, 0);
  }

  /** Clears the buckets of the seconds that passed since the last call. */
  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    for (let s = Math.max(this.second + 1, second - 59); s <= second; s++) this.perSecond[s % 60] = 0;
    this.second = Math.max(this.second, second);
  }
}

/**
 * Whether a connector takes SMS as things stand: its breaker closed and its link up (or, with no link to watch,
 * left to the breaker). An open breaker whose cool-down is over does not count: only its probe shows it works.
 */
export function takesSms(state: BreakerState, h: ConnectorHealth): boolean {
  return state.kind === 'closed' && linkUp(h);
}

/** Its link is up, or it has none to watch and only its submits tell (the breaker's to judge). */
const linkUp = (h: ConnectorHealth): boolean => h.up || h.bySubmits === true;

export class ConnectorPool {
  private readonly slots = new Map<string, Slot>();
  /** Whether each connector took SMS at the last cameBack(); absent: yes (nothing can wait for it before the first look). */
  private readonly tookBefore = new Map<string, boolean>();
  /** The breaker state (each change is a new object) for which probesWanted() last named the connector, and when. */
  private readonly probeOffered = new Map<string, { state: BreakerState; at: number }>();

  constructor(members: PoolMember[], private readonly now: () => Date, private readonly log: LogFn) {
    for (const m of members) this.slots.set(m.connector.name, { ...m, state: CLOSED, taken: new Taken() });
  }

  /** In config order. */
  get names(): string[] {
    return [...this.slots.keys()];
  }

  get connectors(): Connector[] {
    return [...this.slots.values()].map((s) => s.connector);
  }

  get(name: string): Connector | undefined {
    return this.slots.get(name)?.connector;
  }

  onUncertain(name: string): 'fail' | 'resend' {
    return this.slots.get(name)?.onUncertain ?? 'fail';
  }

  /** For the router: why `name` cannot take an SMS now, or undefined. */
  readonly unavailable = (name: string): string | undefined => {
    const s = this.slots.get(name);
    if (!s) return 'not configured';
    const h = s.connector.health();
    // A connector only a submit can show to be back (HTTP) is left to its breaker.
    // A link whose state is already "down" is not said to be "down (down: …)": the SMS's history and its mails quote this.
    if (!linkUp(h)) return h.state === 'down' ? `down${h.detail ? `: ${h.detail}` : ''}` : `down (${h.state}${h.detail ? `: ${h.detail}` : ''})`;
    if (breakerAllows(s.state, this.t())) return undefined;
    return s.state.kind === 'open'
      ? `breaker open until ${new Date(s.state.until).toISOString()} after: ${s.state.reason}`
      : 'breaker half-open, its probe is under way';
  };

  /**
   * Connectors that could not take SMS at the last call and can now (takesSms): a probe closed the breaker, the
   * link is back up. Polled (a link's state is only read), by the dispatcher, whose SMS waiting for one of them go then.
   */
  cameBack(): string[] {
    const back: string[] = [];
    for (const [name, s] of this.slots) {
      const takes = takesSms(s.state, s.connector.health());
      if (takes && this.tookBefore.get(name) === false) back.push(name);
      this.tookBefore.set(name, takes);
    }
    return back;
  }

  /**
   * Connectors whose breaker's cool-down is over (probe-due) with the link up, each once per cool-down: one SMS
   * waiting for it may be its probe now, rather than whichever retry comes due first (up to dispatch.retry.maxSeconds
   * later, when no new SMS comes). One per cool-down, so an outage costs one retry written per cool-down, not one per SMS;
   * again after another cool-down when still probe-due (the SMS offered did not probe: held for quiet hours, cancelled).
   */
  probesWanted(): string[] {
    const now = this.t();
    const want: string[] = [];
    for (const [name, s] of this.slots) {
      const h = s.connector.health();
      const offered = this.probeOffered.get(name);
      if (breakerPhase(s.state, now) !== 'probe-due' || !linkUp(h)) continue;
      if (offered?.state === s.state && now - offered.at < s.breaker.coolDownMs) continue;
      this.probeOffered.set(name, { state: s.state, at: now });
      want.push(name);
    }
    return want;
  }

  /**
   * At start: `name` could not take SMS when the bridge stopped (`waiting` SMS waited for it), so its breaker starts
   * probe-due (breaker.ts presumedDown): one of them probes it, and its success lets the others go (cameBack).
   * Logged as its own event at info, not as breaker-open (warn): operators alert on that, and nothing failed here;
   * the outage was logged before the stop, and a probe that fails now opens the breaker with breaker-open.
   */
  presumeDown(name: string, waiting: number): void {
    const s = this.slots.get(name);
    if (!s || s.state.kind !== 'closed') return;
    const reason = `${waiting} SMS waited for it when the bridge stopped`;
    s.state = presumedDown(this.t(), reason);
    this.log('breaker-presumed-down', { connector: name, reason, phase: 'probe-due' });
  }

  /** The right to submit one SMS; `probe` must be passed back with its outcome. */
  acquire(name: string): { allowed: boolean; probe: boolean } {
    const s = this.slot(name);
    const r = acquire(s.state, this.t());
    if (r.probe) this.log('breaker-probe', { connector: name });
    s.state = r.state;
    return { allowed: r.allowed, probe: r.probe };
  }

  /** The connector answered (accepted, or refused the SMS itself): it works. */
  answered(name: string, probe: boolean, accepted = true): void {
    const s = this.slot(name);
    if (accepted) s.taken.add(this.t());
    const before = s.state;
    s.state = succeeded(before, probe);
    if (before.kind !== 'closed' && s.state.kind === 'closed') this.log('breaker-closed', { connector: name });
  }

  /** A temporary or uncertain failure; `atOnce` for one every SMS would meet (the connector's own fault: credentials refused). */
  failed(name: string, probe: boolean, reason: string, atOnce = false): void {
    const s = this.slot(name);
    const before = s.state;
    s.state = failed(before, s.breaker, this.t(), reason, probe, atOnce);
    if (s.state.kind === 'open' && before.kind !== 'open') {
      const failures = before.kind === 'closed' ? before.failures + 1 : undefined;
      this.log('breaker-open', { connector: name, reason, coolDownSeconds: s.breaker.coolDownMs / 1000, probe, ...(failures ? { failures } : {}), ...(atOnce ? { atOnce } : {}) });
    }
  }

  /** A right to submit that was not used. */
  release(name: string, probe: boolean): void {
    const s = this.slot(name);
    s.state = released(s.state, probe);
  }

  status(): ConnectorStatus[] {
    const now = this.t();
    return [...this.slots.entries()].map(([name, s]) => ({
      name,
      type: s.type,
      health: s.connector.health(),
      breaker: {
        phase: breakerPhase(s.state, now),
        ...(s.state.kind === 'closed' ? { failures: s.state.failures } : { reason: s.state.reason }),
        ...(s.state.kind === 'open' ? { openUntil: new Date(s.state.until).toISOString() } : {}),
      },
      taken: { lastMinute: s.taken.lastMinute(now), total: s.taken.total },
    }));
  }

  /** Starts every connector in order; if one cannot start, the ones started are stopped again and the error names it. */
  async start(): Promise<void> {
    const started: Connector[] = [];
    for (const s of this.slots.values()) {
      try {
        await s.connector.start();
      } catch (e) {
        await Promise.allSettled(started.map((c) => c.stop()));
        throw new Error(`connector "${s.connector.name}" (${s.type}) cannot start: ${(e as Error).message}`);
      }
      started.push(s.connector);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.connectors.map((c) => c.stop()));
  }

  private slot(name: string): Slot {
    const s = this.slots.get(name);
    if (!s) throw new Error(`no connector ${name}`);
    return s;
  }

  private t(): number {
    return this.now().getTime();
  }
}
