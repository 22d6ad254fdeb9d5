/**
 * Concatenated SMS over SMPP: split the text, prefix each part with a UDH
 * (3GPP TS 23.040 §9.2.3.24.1 / .8) and check each part fits one SMS.
 *
 * Size rule: the air interface carries 140 octets of user data. With
 * data_coding 0 we send unpacked septets (one per octet) and the SMSC packs
 * them, so a 153-septet part travels as 6 UDH octets + 159 octets over SMPP
 * but as 140 octets on air: the UDH is followed by fill bits up to a septet
 * boundary (6 octets = 48 bits → 7 septets), and 7 + 153 = 160 septets =
 * 140 octets. The check therefore uses the packed length for GSM-7.
 *
 * 16-bit references make the UDH 7 octets: 56 bits = 8 septets, leaving 152
 * septets (8 + 153 = 161 septets = 141 octets would not fit), and for UCS-2
 * 140 − 7 = 133 → 66 units: splitSegments() is told the UDH size.
 */
import type { SmsEncoding } from '../../store/types.js';
import { splitSegments } from '../../sms/segments.js';
import { encodeGsm7Unpacked, encodeUcs2 } from './encode.js';
import { realTimers, type Timers } from './socket.js';

export const MAX_USER_DATA_OCTETS = 140;

export interface ConcatPart {
  /** Empty for a single-part message. */
  udh: Buffer;
  payload: Buffer;
  /** udh + payload: what goes into `short_message` (with esm_class 0x40 when udh is not empty). */
  shortMessage: Buffer;
}

export interface ConcatOptions {
  ref: number;
  refBits: 8 | 16;
}

/**
 * The parts of `text`, in order. An empty text gives no parts, like
 * splitSegments(). Throws RangeError for a bad reference, more than 255
 * parts, or a part that would not fit 140 octets (which would be a bug in
 * the split, not bad input).
 */
export function buildParts(text: string, encoding: SmsEncoding, opts: ConcatOptions): ConcatPart[] {
  const max = opts.refBits === 8 ? 0xff : 0xffff;
  if (!Number.isInteger(opts.ref) || opts.ref < 0 || opts.ref > max) {
    throw new RangeError(`concatenation reference ${opts.ref} out of range for ${opts.refBits} bits`);
  }
  const split = splitSegments(text, encoding, opts.refBits === 8 ? 6 : 7);
  if (split.length <= 1) return split.map((t) => part(Buffer.alloc(0), encode(t, encoding), encoding));
  if (split.length > 255) throw new RangeError(`text needs ${split.length} parts; a UDH allows 255`);
  return split.map((t, i) => part(udhFor(opts, split.length, i + 1), encode(t, encoding), encoding));
}

/** Concatenation information element: IEI 00 (8-bit ref) or 08 (16-bit ref). */
export function udhFor(opts: ConcatOptions, total: number, seq: number): Buffer {
  if (opts.refBits === 8) return Buffer.from([0x05, 0x00, 0x03, opts.ref, total, seq]);
  return Buffer.from([0x06, 0x08, 0x04, opts.ref >> 8, opts.ref & 0xff, total, seq]);
}

/** Octets on air for `septets` GSM-7 septets after a UDH of `udhOctets` (with fill bits). */
export function packedLength(septets: number, udhOctets: number): number {
  // The UDH plus its fill bits occupies whole septets; the text follows.
  const udhSeptets = Math.ceil((udhOctets * 8) / 7);
  return Math.ceil(((udhSeptets + septets) * 7) / 8);
}

/** Octets the part takes on air: what the 140-octet limit applies to. */
export function airLength(p: ConcatPart, encoding: SmsEncoding): number {
  if (encoding === 'UCS2') return p.shortMessage.length;
  return packedLength(p.payload.length, p.udh.length);
}

function part(udh: Buffer, payload: Buffer, encoding: SmsEncoding): ConcatPart {
  const p = { udh, payload, shortMessage: Buffer.concat([udh, payload]) };
  const octets = airLength(p, encoding);
  if (octets > MAX_USER_DATA_OCTETS) throw new RangeError(`part is ${octets} octets on air; the limit is 140`);
  return p;
}

function encode(text: string, encoding: SmsEncoding): Buffer {
  return encoding === 'GSM7' ? encodeGsm7Unpacked(text) : encodeUcs2(text);
}

/**
 * Concatenation references for one connector. A handset reassembles parts
 * by (sender, reference, total), so two long messages to the same number
 * with the same reference in flight get mixed up: under load an 8-bit
 * counter wraps within seconds. `next` therefore skips references still in
 * use for the destination; the caller releases one when the message's parts
 * are all finally reported (or after a timeout of its choosing).
 *
 * When every reference is in use for a destination (256 long SMS to one
 * number awaiting receipts), `wait` queues for the next one released for
 * it: a burst to one number is paced by its receipts instead of failing.
 * `oldestAge` tells whether that is worth it: receipts that have not come
 * for a long while (a handset that is off) will not free one soon.
 */
export class ConcatRefs {
  private counter: number;
  private readonly size: number;
  /** Per destination: each reference in use and when it was taken, oldest first. */
  private readonly inUse = new Map<string, Map<number, number>>();
  private readonly waiters = new Map<string, Array<(ref: number | undefined) => void>>();
  private readonly timers: Timers;
  private readonly now: () => number;

  /** `start` lets the caller seed the counter (e.g. randomly) so restarts do not reuse recent references. */
  constructor(bits: 8 | 16, start = 0, deps: { timers?: Timers; now?: () => number } = {}) {
    this.size = bits === 8 ? 0x100 : 0x10000;
    this.counter = ((start % this.size) + this.size) % this.size;
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? Date.now;
  }

  /** Throws RangeError when every reference is in use for this destination. */
  next(destination: string): number {
    const used = this.inUse.get(destination) ?? new Map<number, number>();
    for (let tried = 0; tried < this.size; tried++) {
      const ref = this.counter;
      this.counter = (this.counter + 1) % this.size;
      if (used.has(ref)) continue;
      used.set(ref, this.now());
      this.inUse.set(destination, used);
      return ref;
    }
    throw new RangeError(`all ${this.size} concatenation references in use for ${destination}`);
  }

  /**
   * The next reference released for `destination`, already taken for the
   * caller; waiters are served in arrival order. Undefined when none was
   * released within `ms`, or cancelWaits() ran.
   */
  wait(destination: string, ms: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const queue = this.waiters.get(destination) ?? [];
      const timer = this.timers.set(() => {
        const at = queue.indexOf(serve);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.waiters.get(destination) === queue) this.waiters.delete(destination);
        resolve(undefined);
      }, ms);
      const serve = (ref: number | undefined): void => {
        this.timers.clear(timer);
        resolve(ref);
      };
      queue.push(serve);
      this.waiters.set(destination, queue);
    });
  }

  /** Frees a reference, or hands it straight to the first waiter for the destination (it stays in use, taken now). */
  release(destination: string, ref: number): void {
    const used = this.inUse.get(destination);
    if (!used?.has(ref)) return;
    used.delete(ref);
    const queue = this.waiters.get(destination);
    const serve = queue?.shift();
    if (queue?.length === 0) this.waiters.delete(destination);
    if (serve) {
      used.set(ref, this.now());
      return serve(ref);
    }
    if (used.size === 0) this.inUse.delete(destination);
  }

  /** Ends every wait at once (undefined): the connector stops. */
  cancelWaits(): void {
    const all = [...this.waiters.values()].flat();
    this.waiters.clear();
    for (const serve of all) serve(undefined);
  }

  /** References in use for a destination (for logs and tests). */
  inUseFor(destination: string): number {
    return this.inUse.get(destination)?.size ?? 0;
  }

  /** How long ago the destination's longest-held reference was taken (ms); undefined when none is in use. */
  oldestAge(destination: string): number | undefined {
    const first = this.inUse.get(destination)?.values().next();
    return first && !first.done ? this.now() - first.value : undefined;
  }

  /** Submits waiting for a reference, over all destinations (for health and tests). */
  get waiting(): number {
    let n = 0;
    for (const queue of this.waiters.values()) n += queue.length;
    return n;
  }
}
