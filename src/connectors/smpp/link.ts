/**
 * One SMPP connection, from connect and bind to close: the typed session
 * the smpp package lacks. It owns the socket and the sequence numbers, so
 * that every request has a response timeout and every pending request is
 * failed when the connection goes (the package's callbacks never fire
 * then); it frames the stream itself (framing.ts) and uses the package only
 * to encode and decode the simple PDUs (bind, enquire_link, unbind, resp).
 * A link is used once: after it closes, the session opens a new one.
 */
import smpp from 'smpp';
import { describeStatus } from './errors.js';
import { PduFramer, SmppProtocolError } from './framing.js';
import { readDeliverSm, type RawSubmit } from './submit-pdu.js';
import { openSocket, type Endpoint, type Timers } from './socket.js';
import { TurnCork } from './turn-cork.js';

export type BindMode = 'transceiver' | 'transmitter' | 'receiver';

export interface LinkOptions extends Endpoint {
  systemId: string;
  password: string;
  systemType: string;
  bindMode: BindMode;
  responseTimeoutMs: number;
  /** enquire_link every this many ms; no answer within responseTimeoutMs closes the link. */
  enquireLinkMs: number;
  timers: Timers;
  /**
   * A deliver_sm arrived; returns the command_status for its deliver_sm_resp.
   * A promise delays the answer until it settles (e.g. until a receipt is on
   * disk): an unanswered deliver_sm is sent again by the SMSC after a reconnect.
   */
  onDeliver: (sm: RawSubmit) => number | Promise<number>;
  onClose: (reason: string) => void;
  log: (evt: string, data: Record<string, unknown>) => void;
}

export interface Response {
  status: number;
  /** The parsed response (package PDU), undefined for generic_nack. */
  pdu?: smpp.PDU;
}

/** Why a request got no answer. `written`: the request reached the socket, so the peer may have acted on it. */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(message: string, readonly written: boolean, readonly timedOut = false) {
    super(message);
  }
}

interface Pending {
  command: string;
  resolve: (r: Response) => void;
  reject: (e: RequestError) => void;
  timer: unknown;
  timedOut: boolean;
  onSettled?: () => void;
  /** Called with the response when it comes after the request timed out (see request()). */
  onLate?: (r: Response) => void;
}

const GENERIC_NACK = 0x80000000;
const DELIVER_SM = 0x00000005;
const ESME_RINVCMDID = 0x03;
const ESME_RINVMSGLEN = 0x01;
const ESME_RSYSERR = 0x08;

export class SmppLink {
  private readonly pending = new Map<number, Pending>();
  private readonly framer = new PduFramer();
  private sequence = 0;
  private closeReason?: string;
  private closed = false;
  private enquireTimer: unknown;
  private readonly cork: TurnCork;
  bound = false;

  private constructor(private readonly socket: import('node:net').Socket, private readonly o: LinkOptions) {
    this.cork = new TurnCork(socket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => (this.closeReason ??= `connection error: ${err.message}`));
    socket.on('close', () => this.onClosed());
  }

  /** Connects and binds. Rejects with a sentence for operators (connect failed, bind refused or unanswered). */
  static async open(o: LinkOptions): Promise<SmppLink> {
    const socket = await openSocket(o, o.responseTimeoutMs, o.timers);
    const link = new SmppLink(socket, o);
    const command = `bind_${o.bindMode}`;
    let resp: Response;
    try {
      resp = await link.request(command, (seq) => new smpp.PDU(command, {
        sequence_number: seq, system_id: o.systemId, password: o.password, system_type: o.systemType,
        // The package defaults to 0x50 (SMPP 5.0); we speak 3.4.
        interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '',
      }).toBuffer());
    } catch (e) {
      link.destroy((e as Error).message);
      throw new Error(`${command}: ${(e as Error).message}`);
    }
    if (resp.status !== 0) {
      link.destroy('bind refused');
      throw new Error(`${command} refused by the SMSC: ${describeStatus(resp.status)}`);
    }
    link.bound = true;
    link.scheduleEnquireLink();
    return link;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Requests whose response timed out and never came: they still hold their place in the SMSC's window. */
  get timedOut(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.timedOut) n++;
    return n;
  }

  /**
   * Sends a request and resolves with its response. `onSettled` runs exactly
   * once, when the request no longer occupies the SMSC: answered (even after
   * its timeout), never sent, or the connection gone. `onLate` gets a
   * response that comes after the timeout rejected the promise: the request
   * stays in `pending` (and in the SMSC's window) until then or until the
   * link closes, so what a late answer is about is known for exactly as long
   * as one can come (a new bind never carries answers to an old one).
   */
  request(command: string, encode: (seq: number) => Buffer, onSettled?: () => void, onLate?: (r: Response) => void): Promise<Response> {
    if (this.closed || !this.socket.writable) {
      onSettled?.();
      return Promise.reject(new RequestError(`not sent: ${this.closeReason ?? 'connection closed'}`, false));
    }
    const seq = this.nextSequence();
    let octets: Buffer;
    try {
      octets = encode(seq);
    } catch (e) {
      onSettled?.();
      return Promise.reject(e);
    }
    return new Promise<Response>((resolve, reject) => {
      const p: Pending = { command, resolve, reject, timedOut: false, timer: undefined };
      if (onSettled) p.onSettled = onSettled;
      if (onLate) p.onLate = onLate;
      p.timer = this.o.timers.set(() => {
        p.timedOut = true;
        reject(new RequestError(`no ${command}_resp within ${this.o.responseTimeoutMs} ms`, true, true));
      }, this.o.responseTimeoutMs);
      this.pending.set(seq, p);
      this.write(octets);
    });
  }

  /** Unbinds (waiting up to the response timeout for unbind_resp), then closes. */
  async unbind(): Promise<void> {
    if (this.closed) return;
    this.closeReason ??= 'unbound by us';
    this.o.timers.clear(this.enquireTimer);
    if (this.bound) {
      this.bound = false;
      await this.request('unbind', (seq) => new smpp.PDU('unbind', { sequence_number: seq }).toBuffer()).catch(() => undefined);
    }
    if (this.closed) return;
    // A peer that never closes its side must not hold our shutdown.
    const timer = this.o.timers.set(() => this.socket.destroy(), this.o.responseTimeoutMs);
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
    this.o.timers.clear(timer);
  }

  destroy(reason: string): void {
    this.closeReason ??= reason;
    this.bound = false;
    // What was written this turn goes out first, as it would have without the batching in write().
    this.cork.flush();
    this.socket.destroy();
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private scheduleEnquireLink(): void {
    if (this.o.enquireLinkMs <= 0) return;
    this.enquireTimer = this.o.timers.set(() => {
      this.request('enquire_link', (seq) => new smpp.PDU('enquire_link', { sequence_number: seq }).toBuffer()).then(
        () => this.scheduleEnquireLink(),
        (e: RequestError) => {
          if (!e.timedOut) return;
          this.o.log('smpp-link-dead', { bind: this.o.bindMode, reason: e.message });
          this.destroy(`link dead: ${e.message}`);
        },
      );
    }, this.o.enquireLinkMs);
  }

  private onData(chunk: Buffer): void {
    try {
      for (const pdu of this.framer.push(chunk)) this.onPdu(pdu);
    } catch (e) {
      // Once a PDU cannot be read the stream cannot be trusted; a new bind starts clean.
      const reason = e instanceof SmppProtocolError ? e.message : `unreadable PDU: ${(e as Error).message}`;
      this.o.log('smpp-protocol-error', { bind: this.o.bindMode, reason });
      this.destroy(`protocol error: ${reason}`);
    }
  }

  private onPdu(octets: Buffer): void {
    const commandId = octets.readUInt32BE(4);
    const status = octets.readUInt32BE(8);
    const seq = octets.readUInt32BE(12);
    if (commandId === GENERIC_NACK) return this.onResponse(seq, { status });
    if (commandId & 0x80000000) return this.onResponse(seq, { status, pdu: new smpp.PDU(octets) });
    if (commandId === DELIVER_SM) return this.onDeliverSm(octets, seq);
    const pdu = new smpp.PDU(octets);
    if (pdu.command === 'enquire_link') return this.reply(pdu.response());
    if (pdu.command === 'unbind') {
      this.closeReason ??= 'unbound by the SMSC';
      this.bound = false;
      this.reply(pdu.response());
      this.socket.end();
      return;
    }
    if (pdu.command === 'alert_notification' || pdu.command === 'outbind') return; // no response defined
    this.reply(new smpp.PDU('generic_nack', { sequence_number: seq, command_status: ESME_RINVCMDID }));
  }

  private onDeliverSm(octets: Buffer, seq: number): void {
    const answer = (status: number): void =>
      this.reply(new smpp.PDU('deliver_sm_resp', { sequence_number: seq, command_status: status, message_id: '' }));
    const failed = (e: unknown): void => {
      this.o.log('smpp-bad-deliver', { bind: this.o.bindMode, reason: (e as Error).message });
      // A PDU we cannot read is refused for good; a failure of ours is temporary, so the SMSC sends it again.
      answer(e instanceof RangeError ? ESME_RINVMSGLEN : ESME_RSYSERR);
    };
    try {
      const status = this.o.onDeliver(readDeliverSm(octets));
      if (typeof status === 'number') answer(status);
      else status.then(answer, failed);
    } catch (e) {
      failed(e);
    }
  }

  private onResponse(seq: number, resp: Response): void {
    const p = this.pending.get(seq);
    if (!p) return this.o.log('smpp-unexpected-response', { bind: this.o.bindMode, seq, status: resp.status });
    this.pending.delete(seq);
    this.o.timers.clear(p.timer);
    if (!p.timedOut) p.resolve(resp);
    else if (p.onLate) p.onLate(resp);
    else this.o.log('smpp-late-response', { bind: this.o.bindMode, command: p.command, seq, status: resp.status });
    p.onSettled?.();
  }

  private reply(pdu: smpp.PDU): void {
    if (this.socket.writable) this.write(pdu.toBuffer());
  }

  /**
   * Batched per turn (turn-cork.ts). In the SMPP benchmark's profile the
   * socket writes took 0.14 ms of CPU per SMS with one write per PDU (4 per
   * two-part SMS), 0.075 ms batched.
   */
  private write(octets: Buffer): void {
    this.cork.hold();
    this.socket.write(octets);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.bound = false;
    this.o.timers.clear(this.enquireTimer);
    const reason = this.closeReason ?? 'connection closed by the SMSC';
    for (const p of this.pending.values()) {
      this.o.timers.clear(p.timer);
      if (!p.timedOut) p.reject(new RequestError(`connection lost before the ${p.command}_resp (${reason})`, true));
      p.onSettled?.();
    }
    this.pending.clear();
    this.o.onClose(reason);
  }
}
