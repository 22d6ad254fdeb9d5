/**
 * An SMPP session kept alive: one transceiver link, or a transmitter and a
 * receiver link, each reconnected with backoff when it drops or cannot
 * bind; and the window that bounds unanswered submit_sm across reconnects.
 *
 * A submit_sm gets one of three answers, and the difference matters for
 * duplicates: `answered` (the SMSC's command_status), `not-sent` (nothing
 * was written: safe to try again), `lost` (written, but the response timed
 * out or the connection went: the SMSC may have taken it; never resent here).
 */
import type { LogFn } from '../../log.js';
import { SmppLink, RequestError, type BindMode, type Response } from './link.js';
import { encodeSubmitSm, type SubmitSm } from './submit-encode.js';
import type { RawSubmit } from './submit-pdu.js';
import { realTimers, type Endpoint, type Timers, type TlsSettings } from './socket.js';
import { Window } from './window.js';

export type SessionBindMode = 'transceiver' | 'transmitter+receiver';
export type SessionState = 'connecting' | 'bound' | 'down';

export interface SessionOptions extends Endpoint {
  name: string;
  systemId: string;
  password: string;
  systemType: string;
  bindMode: SessionBindMode;
  windowSize: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  /** Waits before reconnect attempts 1, 2, …; the last repeats. Reset by a successful bind. */
  reconnectDelaysMs: readonly number[];
  onDeliver: (sm: RawSubmit) => number | Promise<number>;
  log: LogFn;
  timers?: Timers;
}

export type SubmitAnswer =
  | { kind: 'answered'; status: number; messageId: string }
  | { kind: 'not-sent'; reason: string }
  /** `forgotten` resolves once no answer can come any more: it came late (after onLate), or the link closed. */
  | { kind: 'lost'; reason: string; forgotten: Promise<void> };

/** The answer to a submit_sm that came after its timeout (the submit was reported `lost`). */
export interface LateAnswer {
  status: number;
  messageId: string;
}

interface Role {
  mode: BindMode;
  link?: SmppLink;
  opening?: Promise<void>;
  attempts: number;
  timer?: unknown;
  lastError?: string;
}

const ESME_RINVBNDSTS = 0x04;

const messageIdOf = (r: Response): string => String(r.pdu?.['message_id'] ?? '');

export class SmppSession {
  readonly window: Window;
  private readonly roles: Role[];
  private readonly timers: Timers;
  private stopped = false;
  private tls: TlsSettings | undefined;

  constructor(private readonly o: SessionOptions) {
    this.tls = o.tls;
    this.window = new Window(o.windowSize);
    this.timers = o.timers ?? realTimers;
    const modes: BindMode[] = o.bindMode === 'transceiver' ? ['transceiver'] : ['transmitter', 'receiver'];
    this.roles = modes.map((mode) => ({ mode, attempts: 0 }));
  }

  /** TLS settings read at start (a CA file); used from the next connection on. */
  setTls(tls: TlsSettings): void {
    this.tls = tls;
  }

  /** Starts binding; resolves once the first attempt of every link has succeeded or failed (it never rejects). */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.roles.map((r) => this.connect(r)));
  }

  /** Waits (up to the response timeout) for submits in flight, then unbinds every link. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.roles) this.timers.clear(r.timer);
    let timer: unknown;
    await Promise.race([this.window.idle(), new Promise<void>((resolve) => (timer = this.timers.set(resolve, this.o.responseTimeoutMs)))]);
    this.timers.clear(timer);
    await Promise.all(this.roles.map(async (r) => {
      await r.opening;
      await r.link?.unbind();
    }));
  }

  get state(): SessionState {
    const sender = this.roles[0]!;
    if (sender.link?.bound) return 'bound';
    return sender.opening ? 'connecting' : 'down';
  }

  /** The last problem of each link that is not bound, for health(). */
  get detail(): string | undefined {
    const problems = this.roles
      .filter((r) => !r.link?.bound && r.lastError)
      .map((r) => (this.roles.length > 1 ? `${r.mode}: ${r.lastError}` : r.lastError!));
    return problems.length ? problems.join('; ') : undefined;
  }

  /** `onLate`: the answer, should it come after the submit was reported `lost` for want of it (on the same link only). */
  async submit(sm: SubmitSm, onLate?: (a: LateAnswer) => void): Promise<SubmitAnswer> {
    const notBound = (): SubmitAnswer => ({ kind: 'not-sent', reason: `not bound to the SMSC (${this.state}${this.detail ? `: ${this.detail}` : ''})` });
    const sender = this.roles[0]!;
    if (!sender.link?.bound) return notBound();
    await this.window.acquire();
    const link = sender.link;
    if (!link?.bound) {
      this.window.release();
      return notBound();
    }
    let settled = false;
    let forget: (() => void) | undefined;
    const onSettled = (): void => {
      this.window.release();
      settled = true;
      forget?.();
    };
    try {
      const late = onLate && ((r: Response): void => onLate({ status: r.status, messageId: messageIdOf(r) }));
      const resp = await link.request('submit_sm', (seq) => encodeSubmitSm(sm, seq), onSettled, late);
      // The SMSC does not consider us bound: this link is useless, a new bind fixes it.
      if (resp.status === ESME_RINVBNDSTS) link.destroy('the SMSC answered ESME_RINVBNDSTS (not bound)');
      return { kind: 'answered', status: resp.status, messageId: messageIdOf(resp) };
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      if (!e.written) return { kind: 'not-sent', reason: e.message };
      if (e.timedOut && link.timedOut >= this.window.size) {
        this.o.log('smpp-stuck', { connector: this.o.name, timedOut: link.timedOut });
        link.destroy(`every window slot held by an unanswered submit_sm (${link.timedOut})`);
      }
      return { kind: 'lost', reason: e.message, forgotten: settled ? Promise.resolve() : new Promise<void>((resolve) => (forget = resolve)) };
    }
  }

  private connect(role: Role): Promise<void> {
    role.opening = this.open(role).finally(() => (role.opening = undefined));
    return role.opening;
  }

  private async open(role: Role): Promise<void> {
    let opened: SmppLink | undefined;
    try {
      opened = await SmppLink.open({
        host: this.o.host, port: this.o.port, ...(this.tls ? { tls: this.tls } : {}),
        systemId: this.o.systemId, password: this.o.password, systemType: this.o.systemType, bindMode: role.mode,
        responseTimeoutMs: this.o.responseTimeoutMs, enquireLinkMs: this.o.enquireLinkMs, timers: this.timers,
        onDeliver: this.o.onDeliver,
        onClose: (reason) => {
          if (opened) this.lost(role, opened, reason);
        },
        log: (evt, data) => this.o.log(evt, { connector: this.o.name, ...data }),
      });
    } catch (e) {
      role.lastError = (e as Error).message;
      this.o.log('smpp-bind-failed', { connector: this.o.name, bind: role.mode, reason: role.lastError, attempt: role.attempts + 1 });
      this.retry(role);
      return;
    }
    if (this.stopped) return void (await opened.unbind());
    role.link = opened;
    role.attempts = 0;
    role.lastError = undefined;
    this.o.log('smpp-bound', { connector: this.o.name, bind: role.mode, host: this.o.host, port: this.o.port });
  }

  private lost(role: Role, link: SmppLink, reason: string): void {
    if (role.link !== link) return;
    role.link = undefined;
    role.lastError = reason;
    // Our own unbind at shutdown is the plan, not a problem (info); any other end of a link is (warn).
    this.o.log(this.stopped ? 'smpp-closed' : 'smpp-unbound', { connector: this.o.name, bind: role.mode, reason });
    this.retry(role);
  }

  private retry(role: Role): void {
    if (this.stopped) return;
    const delays = this.o.reconnectDelaysMs;
    const delay = delays[Math.min(role.attempts, delays.length - 1)] ?? 1000;
    role.attempts++;
    this.o.log('smpp-reconnect', { connector: this.o.name, bind: role.mode, attempt: role.attempts, delayMs: delay });
    role.timer = this.timers.set(() => void this.connect(role), delay);
  }
}
