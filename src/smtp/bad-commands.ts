import type { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { LogFn } from '../log.js';
import { errors } from './errors.js';

/**
 * Closes a session after too many refused commands, like Postfix's
 * smtpd_hard_error_limit: a client that keeps getting 5xx (guessing numbers
 * or addresses, or fuzzing) is cut off instead of being answered forever.
 * smtp-server has this only for unknown commands (ten, fixed), so every 5xx
 * it writes is counted here, at its one write site; an accepted mail
 * (smtp-server's DATA_OK reply) starts the count afresh.
 *
 * Not counted: a 4xx (rate, quota: the client did nothing wrong and retries),
 * and a command refused only because the one before it in the same
 * transaction was: a pipelining client (RFC 2920) sends MAIL, RCPT and DATA
 * in one write, so a DATA whose every RCPT was refused gets "503 need RCPT"
 * (and a RCPT after a refused MAIL "503 need MAIL") through no fault of its
 * own. Counting those cut off an ERP that was only being rate-limited.
 */
const PATCHED = Symbol.for('mail2sms.bad-commands');
const COUNT = Symbol('mail2sms.bad-command-count');
/** What the client tried since the transaction began (RSET, EHLO, an accepted mail). */
const TRIED = Symbol('mail2sms.bad-command-tried');
const limits = new WeakMap<object, { max: number; log: LogFn }>();

type Send = (code: number, data?: unknown, context?: unknown) => void;
type Handler = (command: Buffer, callback: () => void) => void;
type Conn = { _server: object; id: string; remoteAddress: string; [COUNT]?: number; [TRIED]?: Set<string> };
type Proto = { send: Send; handler_MAIL: Handler; handler_RCPT: Handler; _resetSession: () => void; [PATCHED]?: boolean };

export function limitBadCommands(server: SMTPServer, max: number, log: LogFn): void {
  install();
  limits.set(server, { max, log });
}

/** Whether a 5xx reply only follows from an earlier refusal in a pipelined transaction (see above). */
export function followsEarlierRefusal(data: unknown, tried: ReadonlySet<string>): boolean {
  return (data === 'Error: need RCPT command' && tried.has('RCPT')) || (data === 'Error: need MAIL command' && tried.has('MAIL'));
}

function install(): void {
  const proto = SMTPConnection.prototype as unknown as Proto;
  if (proto[PATCHED]) return;
  const { send, handler_MAIL: mail, handler_RCPT: rcpt, _resetSession: reset } = proto;
  const noting = (name: string, handler: Handler): Handler =>
    function (this: Conn, command, callback) {
      (this[TRIED] ??= new Set()).add(name);
      return handler.call(this, command, callback);
    };
  proto.handler_MAIL = noting('MAIL', mail);
  proto.handler_RCPT = noting('RCPT', rcpt);
  proto._resetSession = function (this: Conn) {
    this[TRIED]?.clear();
    return reset.call(this);
  };
  proto.send = function (this: Conn, code: number, data?: unknown, context?: unknown) {
    const limit = limits.get(this._server);
    if (limit && context === 'DATA_OK') this[COUNT] = 0;
    if (!limit?.max || code < 500 || code > 599 || followsEarlierRefusal(data, this[TRIED] ?? new Set())) return send.call(this, code, data, context);
    const n = (this[COUNT] ?? 0) + 1;
    this[COUNT] = n;
    send.call(this, code, data, context);
    if (n < limit.max) return;
    limit.log('smtp-too-many-errors', { cid: this.id, ip: this.remoteAddress, count: n, max: limit.max });
    send.call(this, 421, errors.TooManyErrors(String(n)).message);
  };
  proto[PATCHED] = true;
}
