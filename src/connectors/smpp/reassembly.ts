/**
 * Reassembly of concatenated SMS parts, as a handset does it: parts belong
 * together when sender, recipient, reference, reference size and part count
 * match. The octets are joined before decoding, because a GSM escape or a
 * UTF-16 surrogate pair may straddle two parts.
 */
import { decodeText, type ConcatInfo } from './submit-pdu.js';

export interface PartIn {
  source: string;
  destination: string;
  dataCoding: number;
  concat?: ConcatInfo;
  /** Text octets after the UDH. */
  payload: Buffer;
  messageId: string;
}

export interface ReassembledMessage {
  source: string;
  destination: string;
  dataCoding: number;
  /** undefined for a data coding the simulator does not read (e.g. binary). */
  text: string | undefined;
  parts: number;
  /** The submit_sm_resp id of each part, in part order. */
  messageIds: string[];
}

export class Reassembler {
  private readonly pending = new Map<string, Array<PartIn | undefined>>();

  /** The whole message once `part` completes it (a single-part message at once), else undefined. */
  add(part: PartIn): ReassembledMessage | undefined {
    const c = part.concat;
    if (!c || c.total <= 1) return whole([part]);
    // A part number outside 1..total cannot be placed: handsets drop it, so do we.
    if (c.seq < 1 || c.seq > c.total) return undefined;
    const key = [part.source, part.destination, c.refBits, c.ref, c.total].join('|');
    const slots = this.pending.get(key) ?? new Array<PartIn | undefined>(c.total).fill(undefined);
    slots[c.seq - 1] = part;
    if (slots.some((s) => s === undefined)) {
      this.pending.set(key, slots);
      return undefined;
    }
    this.pending.delete(key);
    return whole(slots as PartIn[]);
  }

  /** Messages still waiting for parts (for tests and logs). */
  get incomplete(): number {
    return this.pending.size;
  }
}

function whole(parts: PartIn[]): ReassembledMessage {
  const first = parts[0]!;
  return {
    source: first.source,
    destination: first.destination,
    dataCoding: first.dataCoding,
    text: decodeText(first.dataCoding, Buffer.concat(parts.map((p) => p.payload))),
    parts: parts.length,
    messageIds: parts.map((p) => p.messageId),
  };
}
