import type { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { errors } from './errors.js';

/**
 * Closes a session after too many refused commands, like Postfix's
 * smtpd_hard_error_limit: a client that keeps getting 5xx (guessing numbers
 * or addresses, or fuzzing) is cut off instead of being answered forever.
 * smtp-server has this only for unknown commands (ten, fixed), so every 5xx
 * it writes is counted here, at its one write site; an accepted mail
 * (smtp-server's DATA_OK reply) starts the count afresh.
 */
const PATCHED = Symbol.for('mail2sms.bad-commands');
const COUNT = Symbol('mail2sms.bad-command-count');
const limits = new WeakMap<object, number>();

type Send = (code: number, data?: unknown, context?: unknown) => void;
type Conn = { _server: object; [COUNT]?: number };

export function limitBadCommands(server: SMTPServer, max: number): void {
  install();
  limits.set(server, max);
}

function install(): void {
  const proto = SMTPConnection.prototype as unknown as { send: Send; [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.send;
  proto.send = function send(this: Conn, code: number, data?: unknown, context?: unknown) {
    const max = limits.get(this._server);
    if (max && context === 'DATA_OK') this[COUNT] = 0;
    if (!max || code < 500 || code > 599) return original.call(this, code, data, context);
    const n = (this[COUNT] ?? 0) + 1;
    this[COUNT] = n;
    original.call(this, code, data, context);
    if (n >= max) original.call(this, 421, errors.TooManyErrors(String(n)).message);
  };
  proto[PATCHED] = true;
}
