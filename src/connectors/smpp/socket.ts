/**
 * The TCP or TLS connection under an SMPP link, with a connect timeout and
 * errors phrased for operators. Timers are injected (tests record them).
 */
import net from 'node:net';
import tls from 'node:tls';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TlsSettings {
  /** Refuse an SMSC whose certificate does not verify (default true; false only for test SMSCs). */
  rejectUnauthorized: boolean;
  /** PEM certificates to trust besides the system's (a private CA or a self-signed SMSC). */
  ca?: string;
}

export interface Endpoint {
  host: string;
  port: number;
  tls?: TlsSettings;
}

/** Resolves with a connected (and for TLS, handshaken) socket. */
export function openSocket(e: Endpoint, timeoutMs: number, timers: Timers): Promise<net.Socket> {
  const where = `${e.host}:${e.port}`;
  return new Promise((resolve, reject) => {
    const socket = e.tls
      ? tls.connect({ host: e.host, port: e.port, servername: net.isIP(e.host) ? undefined : e.host, rejectUnauthorized: e.tls.rejectUnauthorized, ...(e.tls.ca ? { ca: e.tls.ca } : {}) })
      : net.connect({ host: e.host, port: e.port });
    const timer = timers.set(() => {
      socket.destroy();
      reject(new Error(`no connection to ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (err: Error & { code?: string }): void => {
      timers.clear(timer);
      socket.destroy();
      reject(new Error(`connect to ${where}${e.tls ? ' (TLS)' : ''} failed: ${err.code ?? err.message}${err.code && e.tls ? ` ${err.message}` : ''}`));
    };
    socket.once('error', fail);
    socket.once(e.tls ? 'secureConnect' : 'connect', () => {
      timers.clear(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
