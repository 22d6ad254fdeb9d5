import type { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/**
 * smtp-server waits a fixed 100 ms before its greeting on every connection
 * (`init()` → `setTimeout(() => this.connectionReady(), 100)`, no option) so
 * that clients talking before the greeting can be refused as spammers. That
 * caps a client that opens one connection per mail at sessions ÷ 0.1 s (20
 * parallel desktop clients: ~195 mails/s whatever else the server does).
 *
 * Only the client's IP is known before the greeting, so this adapter lets a
 * per-server predicate on the IP skip the pause: for trusted networks (an
 * account's networks: loopback by default, see server.ts) the greeting is sent
 * as soon as smtp-server's own connection set-up is done; everyone else keeps
 * the early-talker check. Postfix does the same: its pre-greeting test lives in
 * postscreen, which skips clients in mynetworks. smtp-server's connection
 * limit, reverse lookup, onConnect and TLS handling all still run unchanged;
 * the pause timer still fires, and is then ignored.
 *
 * test/smtp/greeting.test.ts fails if a new smtp-server changes the pause.
 */
const TRUSTED = Symbol.for('mail2sms.greeting.trusted');
const PATCHED = Symbol.for('mail2sms.greeting');

type Conn = {
  remoteAddress: string;
  _closing: boolean;
  _closed: boolean;
  _server: { [TRUSTED]?: (ip: string) => boolean };
  connectionReady(next?: () => void): void;
};
type Proto = Conn & { _setListeners(callback: () => void): void; [PATCHED]?: boolean };

/** Greets clients for which `trusted(ip)` holds without smtp-server's 100 ms pause. */
export function greetTrustedAtOnce(server: SMTPServer, trusted: (ip: string) => boolean): void {
  installGreetingAdapter();
  (server as unknown as Conn['_server'])[TRUSTED] = trusted;
}

function installGreetingAdapter(): void {
  const proto = SMTPConnection.prototype as unknown as Proto;
  if (proto[PATCHED]) return;
  const setListeners = proto._setListeners;
  const connectionReady = proto.connectionReady;
  // _setListeners' callback is where init() checks the connection limit and
  // starts the pause timer (after a TLS handshake, for implicit TLS).
  proto._setListeners = function (this: Conn, callback: () => void) {
    const trusted = this._server[TRUSTED];
    if (!trusted?.(this.remoteAddress)) return setListeners.call(this, callback);
    let ready = false;
    this.connectionReady = (next) => {
      if (ready) return; // the pause timer's late call
      ready = true;
      connectionReady.call(this, next);
    };
    return setListeners.call(this, () => {
      callback();
      if (!this._closing && !this._closed) this.connectionReady();
    });
  };
  proto[PATCHED] = true;
}
