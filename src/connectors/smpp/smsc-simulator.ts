/**
 * An SMSC over real SMPP on loopback, built on the smpp package's server:
 * the test peer for the SMPP connector, and runnable alone (smsc-sim-cli.ts).
 * It records every submit_sm as it arrived, reassembles concatenated parts,
 * sends receipts per part, and misbehaves on request through `behaviour`,
 * which tests may change at any time. Like a real SMSC it sends a receipt
 * again when it got no answer (the connection closed first: after the next
 * bind of that system_id) or an error answer (a second later).
 */
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import { tapRawPdus } from './raw-tap.js';
import { TurnCork } from './turn-cork.js';
import { readSubmitSm, splitUdh, type RawSubmit } from './submit-pdu.js';
import { Reassembler, type ReassembledMessage } from './reassembly.js';
import { receiptText, wantsReceipt, type ReceiptStat } from './receipt-build.js';
import { DEFAULT_BEHAVIOUR, SMPP_STATUS, type ReceivedSubmit, type SentReceipt, type SimBehaviour, type SimOptions } from './smsc-sim-types.js';
import { foreignReceiptPdu, formatId, matches, moPdu, receiptPdu, submitRecord } from './smsc-sim-pdus.js';
import { SimReceipts, type BindMode, type Peer } from './smsc-sim-receipts.js';

export * from './smsc-sim-types.js';
export type { ReassembledMessage } from './reassembly.js';

const BINDS: Array<[string, BindMode]> = [['bind_transceiver', 'trx'], ['bind_transmitter', 'tx'], ['bind_receiver', 'rx']];
export class SmscSimulator {
  readonly behaviour: SimBehaviour;
  readonly received: ReceivedSubmit[] = [];
  readonly messages: ReassembledMessage[] = [];
  readonly receipts: SentReceipt[] = [];
  private readonly server: smpp.Server;
  private readonly peers = new Set<Peer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly reassembler = new Reassembler();
  private readonly delivery = new SimReceipts({ peers: this.peers, later: (fn, ms) => this.later(fn, ms), log: (evt, fields) => this.log(evt, fields) });
  private readonly held: Array<() => void> = [];
  private readonly heldResponses: Array<() => void> = [];
  private recentAccepts: number[] = [];
  private nextPeer = 1;
  private nextId: number;
  private readonly keep: boolean;

  constructor(private readonly opts: SimOptions) {
    // A fresh array: the default's must never be shared between simulators.
    this.behaviour = { ...DEFAULT_BEHAVIOUR, undelivNumbers: [], ...opts.behaviour };
    this.nextId = opts.firstId ?? 0xa0000;
    this.keep = opts.keepRecords ?? true;
    this.server = smpp.createServer((session) => this.accept(session));
  }

  /** Listens on 127.0.0.1 only; port 0 picks a free port. */
  async start(): Promise<{ port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.log('listening', { port });
    return { port };
  }

  /** Drops every connection, cancels pending receipts and closes the listener. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.dropNow();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Merge `patch` into the behaviour (same as assigning to `behaviour`'s fields). */
  set(patch: Partial<SimBehaviour>): void {
    Object.assign(this.behaviour, patch);
  }

  /** Destroys every connection at once, without unbind: a crashed or unplugged SMSC. */
  dropNow(): void {
    for (const peer of this.peers) this.destroy(peer);
  }

  /** Closes a connection at once; what this turn wrote goes out first, as it would have unbatched. */
  private destroy(peer: Peer): void {
    peer.cork.flush();
    peer.session.destroy();
  }

  /** Sends up to `count` receipts kept back by behaviour.holdReceipts, oldest first; returns how many. */
  releaseReceipts(count = Infinity): number {
    const due = this.held.splice(0, count);
    for (const send of due) send();
    return due.length;
  }

  /** Sends every receipt not answered yet once more, as an SMSC does when its deliver_sm times out; returns how many. */
  resendUnanswered(): number {
    return this.delivery.resendUnanswered();
  }

  /** Receipts kept back by behaviour.holdReceipts. */
  get heldReceipts(): number {
    return this.held.length;
  }

  /** Sends the submit_sm_resp kept back by behaviour.holdResponses, oldest first; returns how many. */
  releaseResponses(): number {
    const due = this.heldResponses.splice(0);
    for (const respond of due) respond();
    return due.length;
  }

  /**
   * A handset's reply (mobile-originated SMS) to a receiver bound with
   * `systemId`: deliver_sm with esm_class 0, from the handset's international
   * number (TON 1) to `to`, text in GSM 03.38 unpacked. Resolves with the
   * deliver_sm_resp's command_status; rejects when no such receiver is bound.
   */
  sendMo(m: { systemId: string; from: string; to: string; text: string }): Promise<number> {
    const peer = this.delivery.receiverFor(m.systemId);
    if (!peer) return Promise.reject(new Error(`no receiver bound as ${m.systemId}`));
    return new Promise((resolve) => {
      peer.session.deliver_sm(moPdu(m), (resp) => {
        this.log('mo-answered', { peer: peer.id, from: m.from, status: resp.command_status });
        resolve(resp.command_status);
      });
    });
  }

  /**
   * A receipt for an SMS taken on another bind (the bridge a restored backup was taken of sent it), under `id`,
   * which this side never gave out: from the handset `to` (TON 1), with its submit date and text, to a receiver
   * bound with `systemId` (or at its next bind); sent again until answered ESME_ROK, as any receipt.
   */
  sendReceiptFor(r: { systemId: string; id: string; to: string; text: string; submitted: Date; stat?: ReceiptStat }): SentReceipt {
    const stat = r.stat ?? 'DELIVRD';
    const text = receiptText({ id: r.id, stat, submitted: r.submitted, done: new Date(this.now()), text: r.text, timeZone: this.behaviour.receiptTimeZone });
    const pdu = foreignReceiptPdu(r, text, stat, this.behaviour.receiptTlvs);
    const receipt: SentReceipt = { messageId: r.id, destination: r.to.replace(/^\+/, ''), stat, text, acked: false, deliveries: 0 };
    this.receipts.push(receipt);
    this.delivery.send({ systemId: r.systemId, pdu, receipt });
    return receipt;
  }

  /** submit_sm taken and not answered yet because of behaviour.holdResponses: what sits in the ESME's window. */
  get heldResponseCount(): number {
    return this.heldResponses.length;
  }

  /** Connections currently open (bound or not). */
  get connections(): number {
    return this.peers.size;
  }

  private accept(session: smpp.Session): void {
    const peer: Peer = { id: this.nextPeer++, session, rawPdu: tapRawPdus(session.socket), cork: new TurnCork(session.socket), unanswered: new Set() };
    this.peers.add(peer);
    // Without an 'error' listener a reset by the peer would crash the process.
    session.on('error', (err: Error) => this.log('peer-error', { peer: peer.id, err: err.message }));
    session.on('close', () => {
      this.peers.delete(peer);
      this.delivery.closed(peer);
    });
    for (const [command, mode] of BINDS) session.on(command, (pdu: smpp.PDU) => this.onBind(peer, pdu, mode));
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response(), () => session.close());
      this.log('unbind', { peer: peer.id });
    });
    session.on('submit_sm', (pdu: smpp.PDU) => this.onSubmit(peer, pdu));
    session.on('unknown', (pdu: smpp.PDU) => session.send(pdu.response()));
  }

  private onBind(peer: Peer, pdu: smpp.PDU, mode: BindMode): void {
    if (peer.mode) return void peer.session.send(pdu.response({ command_status: SMPP_STATUS.RALYBND }));
    if (pdu['system_id'] !== this.opts.systemId || pdu['password'] !== this.opts.password) {
      this.log('bind-refused', { peer: peer.id, systemId: pdu['system_id'] });
      return void peer.session.send(pdu.response({ command_status: SMPP_STATUS.RBINDFAIL }));
    }
    peer.mode = mode;
    peer.systemId = this.opts.systemId;
    peer.session.send(pdu.response({ system_id: 'smsc-sim' }));
    this.log('bound', { peer: peer.id, mode });
    if (mode !== 'tx') this.delivery.bound(peer);
  }

  private onSubmit(peer: Peer, pdu: smpp.PDU): void {
    const reply = (status: number, fields: smpp.Fields = {}): void => {
      peer.cork.hold();
      peer.session.send(pdu.response(status === 0 ? fields : { command_status: status }));
    };
    if (peer.mode !== 'trx' && peer.mode !== 'tx') return reply(SMPP_STATUS.RINVBNDSTS);
    const raw = peer.rawPdu();
    if (!raw || raw.readUInt32BE(12) !== pdu.sequence_number) {
      this.log('raw-pdu-mismatch', { peer: peer.id, seq: pdu.sequence_number });
      return reply(SMPP_STATUS.RSYSERR);
    }
    let submit: RawSubmit;
    try {
      submit = readSubmitSm(raw);
    } catch (err) {
      this.log('bad-submit', { peer: peer.id, err: (err as Error).message });
      return reply(SMPP_STATUS.RSYSERR);
    }
    const record = this.record(peer, submit);
    this.opts.beforeAnswer?.(record);
    const status = this.decide(peer, record.destination.addr);
    record.status = status;
    const b = this.behaviour;
    const hold = b.holdResponses && (b.holdPart === undefined || record.concat?.seq === b.holdPart);
    if (status !== SMPP_STATUS.ROK) {
      this.logSubmit(peer, record, hold);
      if (status === undefined) return;
      return hold ? void this.heldResponses.push(() => peer.session.socket.writable && reply(status)) : reply(status);
    }
    const id = this.nextId++;
    record.messageId = formatId(id, this.behaviour.idFormat);
    this.logSubmit(peer, record, hold);
    this.recentAccepts.push(this.now());
    const stat: ReceiptStat = matches(this.behaviour.undelivNumbers, record.destination.addr) ? 'UNDELIV' : 'DELIVRD';
    const send = () => this.sendReceipt(peer, record, id, stat);
    const receipt = !wantsReceipt(record.registeredDelivery, stat) ? undefined : b.holdReceipts ? () => void this.held.push(send) : send;
    if (receipt && b.receiptBeforeResponse) receipt();
    const respond = (): void => {
      if (!peer.session.socket.writable) return;
      reply(SMPP_STATUS.ROK, { message_id: record.messageId });
      if (receipt && !b.receiptBeforeResponse) this.later(receipt, b.receiptDelayMs);
    };
    if (hold) this.heldResponses.push(respond);
    else if (b.responseDelayMs > 0) this.later(respond, b.responseDelayMs);
    else respond();
    if (this.keep) this.reassemble(record, submit);
  }

  /** The command_status for this submit, or undefined to leave it unanswered. */
  private decide(peer: Peer, destination: string): number | undefined {
    const b = this.behaviour;
    if (b.dropAfterSubmits !== undefined && b.dropAfterSubmits-- <= 0) {
      b.dropAfterSubmits = undefined;
      this.log('drop', { peer: peer.id });
      this.destroy(peer);
      return undefined;
    }
    if (b.stall) return undefined;
    if (b.throttleNext > 0) {
      b.throttleNext--;
      return SMPP_STATUS.RTHROTTLED;
    }
    if (b.maxPerSecond !== undefined && this.acceptsInLastSecond() >= b.maxPerSecond) return SMPP_STATUS.RTHROTTLED;
    if (b.fail && (!b.fail.numbers || matches(b.fail.numbers, destination))) return b.fail.status;
    return SMPP_STATUS.ROK;
  }

  private record(peer: Peer, s: RawSubmit): ReceivedSubmit {
    const record = submitRecord(peer.id, s);
    if (this.keep) this.received.push(record);
    return record;
  }

  /**
   * One line per submit_sm, once its answer is decided: a PDU answered ESME_RTHROTTLED (and sent again
   * by the ESME) must not look like a second SMS when the log is counted. With the sender and the text,
   * so the log answers "what did the SMSC get"; `status` is absent when it got no answer (stall, drop).
   */
  private logSubmit(peer: Peer, r: ReceivedSubmit, held: boolean): void {
    this.log('submit', {
      peer: peer.id, seq: r.sequence, from: r.source.addr, to: r.destination.addr, dataCoding: r.dataCoding, ...(r.concat ? { concat: r.concat } : {}),
      text: r.text, ...(r.status === undefined ? {} : { status: r.status }), ...(r.messageId ? { messageId: r.messageId } : {}), ...(held ? { held: true } : {}),
    });
  }

  private reassemble(record: ReceivedSubmit, s: RawSubmit): void {
    const { payload, concat } = splitUdh(s.octets, s.esmClass);
    const part = { source: s.source.addr, destination: s.destination.addr, dataCoding: s.dataCoding, payload, messageId: record.messageId! };
    const whole = this.reassembler.add(concat ? { ...part, concat } : part);
    if (whole) this.messages.push(whole);
  }

  private sendReceipt(origin: Peer, record: ReceivedSubmit, id: number, stat: ReceiptStat): void {
    const now = new Date(this.now());
    const text = receiptText({
      id: formatId(id, this.behaviour.receiptIdFormat ?? this.behaviour.idFormat),
      stat, submitted: now, done: now, text: record.text ?? '', timeZone: this.behaviour.receiptTimeZone,
    });
    const pdu = receiptPdu(record, text, stat, this.behaviour.receiptTlvs);
    const receipt: SentReceipt = { messageId: record.messageId!, destination: record.destination.addr, stat, text, acked: false, deliveries: 0 };
    if (this.keep) this.receipts.push(receipt);
    this.delivery.send({ systemId: origin.systemId!, pdu, receipt }, origin);
  }

  private acceptsInLastSecond(): number {
    const cutoff = this.now() - 1000;
    this.recentAccepts = this.recentAccepts.filter((t) => t > cutoff);
    return this.recentAccepts.length;
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private now(): number {
    return (this.opts.now?.() ?? new Date()).getTime();
  }

  private log(evt: string, fields: Record<string, unknown>): void {
    this.opts.log?.({ evt, ...fields });
  }
}
