/**
 * Minimal types for the `smpp` npm package (0.5.x), which ships none.
 * Only what mail2sms uses is declared; PDU fields stay `unknown` because the
 * package fills them from the PDU definition at run time.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    type Fields = Record<string, unknown>;
    type ResponseCallback = (pdu: PDU) => void;

    class PDU {
      /** Largest command_length the parser accepts (16384 in 0.5.x). */
      static maxLength: number;
      constructor(command: string, options?: Fields);
      /** Parses a whole PDU (header included); may throw on a malformed one. */
      constructor(octets: Buffer);
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      toBuffer(): Buffer;
      /** With a non-zero command_status the package sends the header only. */
      response(options?: Fields): PDU;
    }

    class Session extends EventEmitter {
      socket: Socket;
      /** False (and nothing sent) when the socket is no longer writable. */
      send(pdu: PDU, onResponse?: ResponseCallback, onSent?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Fields, onResponse?: ResponseCallback): boolean;
      bind_transmitter(options: Fields, onResponse?: ResponseCallback): boolean;
      bind_receiver(options: Fields, onResponse?: ResponseCallback): boolean;
      submit_sm(options: Fields, onResponse?: ResponseCallback): boolean;
      deliver_sm(options: Fields, onResponse?: ResponseCallback): boolean;
      enquire_link(options?: Fields, onResponse?: ResponseCallback): boolean;
      unbind(options?: Fields, onResponse?: ResponseCallback): boolean;
    }

    interface Server extends NetServer {
      sessions: Session[];
    }

    interface ConnectOptions {
      host: string;
      port: number;
      auto_enquire_link_period?: number;
    }

    function createServer(listener?: (session: Session) => void): Server;
    function createServer(options: Fields, listener?: (session: Session) => void): Server;
    function connect(options: ConnectOptions, onConnect?: () => void): Session;
  }

  export = smpp;
}
