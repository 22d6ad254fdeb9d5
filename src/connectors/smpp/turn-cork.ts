/**
 * PDUs written in one turn of the event loop go out in one system call: the
 * first write of a turn corks the socket, setImmediate uncorks it. SMPP
 * traffic comes in bursts — one TCP read brings several PDUs, each answered
 * at once; a journal group commit settles many receipts together — and a
 * write to a loopback or LAN socket costs both ends a system call and a
 * wake-up per write. Used by the connector's link and by the SMSC simulator.
 */
import type { Writable } from 'node:stream';

export class TurnCork {
  private corked = false;

  constructor(private readonly socket: Writable) {}

  /** Call before each write: the first call of a turn corks the socket until the turn ends. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    setImmediate(this.flush);
  }

  /** Writes out now what this turn wrote, e.g. before the socket is destroyed (which would drop it). */
  readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };
}
