import type { Socket } from 'node:net';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import { NetworkMap, plainAddress } from '../accounts/networks.js';
import { realTimers, type Timers } from '../connectors/smpp/socket.js';
import { errors } from './errors.js';

export interface GuardOptions {
  maxPerIp: number;
  sessionTimeoutMs: number;
  /** Networks where AUTH is offered before TLS. */
  plaintextAuthNetworks: readonly string[];
  /** The plain listener's own disabled commands (STARTTLS when it is off). */
  disabled: readonly string[];
  log: (evt: string, data: Record<string, unknown>) => void;
  /** The session deadline's timers (tests run it out when they choose, not on a machine's speed); real ones by default. */
  timers?: Timers;
}

/** What of smtp-server's connection object the session deadline needs. */
interface Connection {
  session: SMTPServerSession;
  send(code: number, message: string): void;
  _handlerPending?: boolean;
  _dataStream?: unknown;
  _parser?: { _dataMode?: boolean } | false;
}

type Callback = (err?: Error | null) => void;

/**
 * Per-connection defences that smtp-server leaves to the application:
 * connections per IP, a total session deadline (the idle timeout alone
 * lets a slow-drip client stay for ever by sending a byte now and then),
 * and AUTH hidden on plaintext connections outside the networks allowed to
 * log in without TLS (a client that cannot see it never sends a password in
 * clear). Shared by the STARTTLS and the implicit-TLS listener.
 */
export class ConnectionGuard {
  private readonly perIp = new Map<string, number>();
  private readonly open = new Map<string, { ip: string; timer: unknown }>();
  private readonly timers: Timers;
  private readonly plaintext = new NetworkMap<true>();
  private readonly servers: SMTPServer[] = [];

  constructor(private readonly o: GuardOptions) {
    for (const n of o.plaintextAuthNetworks) this.plaintext.add(n, true);
    this.timers = o.timers ?? realTimers;
  }

  /** A deadline that does not keep the process alive. */
  private later(fn: () => void, ms: number): unknown {
    const handle = this.timers.set(fn, ms);
    (handle as { unref?: () => void } | undefined)?.unref?.();
    return handle;
  }

  watch(server: SMTPServer): void {
    this.servers.push(server);
  }

  readonly onConnect = (session: SMTPServerSession, callback: Callback): void => {
    const ip = plainAddress(session.remoteAddress);
    const n = (this.perIp.get(ip) ?? 0) + 1;
    this.perIp.set(ip, n);
    const timer = this.later(() => this.expire(session), this.o.sessionTimeoutMs);
    this.open.set(session.id, { ip, timer });
    if (n > this.o.maxPerIp) {
      this.o.log('connection-refused', { cid: session.id, ip, connections: n, max: this.o.maxPerIp });
      return callback(errors.TooManyConnections(ip, String(this.o.maxPerIp)));
    }
    if (!session.secure && !this.plaintext.lookup(ip)) session.disabledCommands = [...this.o.disabled, 'AUTH'];
    callback();
  };

  /** After STARTTLS (or the implicit handshake) AUTH is offered again. */
  readonly onSecure = (_socket: Socket, session: SMTPServerSession, callback: Callback): void => {
    session.disabledCommands = undefined;
    callback();
  };

  readonly onClose = (session: SMTPServerSession): void => {
    const c = this.open.get(session.id);
    if (!c) return;
    this.open.delete(session.id);
    this.timers.clear(c.timer);
    const left = (this.perIp.get(c.ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(c.ip, left);
    else this.perIp.delete(c.ip);
  };

  /** Connections open now, per IP (for tests and operators). */
  connectionsFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  private expire(session: SMTPServerSession): void {
    const c = this.find(session);
    if (!c || !this.open.has(session.id)) return;
    // Never cut a mail that is being decided: the client would retry one we may have stored.
    // These are the fields smtp-server's own idle timeout reads (SMTPConnection._onTimeout); if a new version
    // renamed them, the deadline would cut such a mail, and the client would retry one that dedup then catches.
    const deciding = c._handlerPending || (c._dataStream && c._parser && !c._parser._dataMode);
    if (deciding) {
      this.open.get(session.id)!.timer = this.later(() => this.expire(session), 1000);
      return;
    }
    this.o.log('session-timeout', { cid: session.id, ip: this.open.get(session.id)!.ip, seconds: this.o.sessionTimeoutMs / 1000 });
    c.send(421, errors.SessionTooLong(String(Math.round(this.o.sessionTimeoutMs / 1000))).message);
  }

  private find(session: SMTPServerSession): Connection | undefined {
    for (const s of this.servers) {
      for (const c of (s as unknown as { connections: Set<Connection> }).connections) if (c.session === session) return c;
    }
    return undefined;
  }
}
