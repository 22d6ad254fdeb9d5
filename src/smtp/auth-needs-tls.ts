import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { errors } from './errors.js';

/**
 * Outside smtp.auth.plaintextNetworks AUTH is hidden on plaintext
 * connections (connection-guard.ts puts it in the session's disabled
 * commands), so that no client is invited to send a password in clear.
 * smtp-server answers a disabled command as unknown (500), but RFC 4954
 * §6 has a reply for exactly this case: 538 5.7.11, encryption required.
 * A client that logs in without looking at EHLO (a fixed ERP script) then
 * learns what to change instead of "command not recognized". smtp-server
 * writes that 500 at one place with the command's name as context, so the
 * reply is swapped there. test/smtp/auth.test.ts fails if that changes.
 */
const PATCHED = Symbol.for('mail2sms.auth-needs-tls');

type Send = (code: number, data?: unknown, context?: unknown) => void;
type Conn = { secure?: boolean; session?: { disabledCommands?: string[] } };

export function installAuthNeedsTlsReply(): void {
  const proto = SMTPConnection.prototype as unknown as { send: Send; [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.send;
  proto.send = function send(this: Conn, code: number, data?: unknown, context?: unknown) {
    if (code === 500 && context === 'AUTH' && !this.secure && this.session?.disabledCommands?.includes('AUTH')) {
      return original.call(this, 538, errors.AuthNeedsTls().message, context);
    }
    return original.call(this, code, data, context);
  };
  proto[PATCHED] = true;
}
