/**
 * A copy of the octets of each PDU a smpp-package session reads, because the
 * package parses and decodes them in one step and keeps nothing raw (see
 * submit-pdu.ts for why the simulator needs the octets).
 *
 * This leans on how Session reads (smpp 0.5.x, lib/smpp.js): on 'readable'
 * it calls socket.read(4) for command_length, then socket.read(length - 4)
 * for the rest, and emits 'pdu' synchronously after parsing. Only this one
 * socket's read is wrapped. Callers check that the copy's sequence number
 * matches the parsed PDU, so a package change shows up as an error rather
 * than as wrong data.
 */
import type { Socket } from 'node:net';

export function tapRawPdus(socket: Socket): () => Buffer | undefined {
  const read = socket.read.bind(socket);
  let head: Buffer | undefined;
  let last: Buffer | undefined;
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return chunk;
    if (head === undefined) {
      head = chunk;
    } else {
      last = Buffer.concat([head, chunk]);
      head = undefined;
    }
    return chunk;
  }) as Socket['read'];
  return () => last;
}
