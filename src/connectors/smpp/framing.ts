/**
 * Cuts a TCP byte stream into whole SMPP PDUs (each starts with its 4-octet
 * command_length). Done here instead of by the smpp package's Session,
 * whose reader stays stuck after a parse error and keeps no raw octets.
 */

/** A peer that breaks the framing cannot be resynchronised: the caller drops the connection. */
export class SmppProtocolError extends Error {
  override name = 'SmppProtocolError';
}

const HEADER = 16;

export class PduFramer {
  private buffered: Buffer = Buffer.alloc(0);

  /** `maxLength`: the largest PDU accepted; anything larger is a broken or hostile peer. */
  constructor(private readonly maxLength = 65536) {}

  /** The whole PDUs completed by `chunk`, in order. Throws SmppProtocolError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const pdus: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length < HEADER || length > this.maxLength) {
        throw new SmppProtocolError(`command_length ${length} outside ${HEADER}..${this.maxLength}`);
      }
      if (this.buffered.length < length) break;
      pdus.push(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
    }
    return pdus;
  }
}
