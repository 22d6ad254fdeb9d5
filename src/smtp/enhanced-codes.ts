import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/**
 * smtp-server picks the enhanced status code from the reply number alone
 * (550 → 5.1.1), but one number carries several meanings for us (550 5.7.1
 * no relay, 550 5.6.0 no text). Our SmtpError messages already begin with
 * the right enhanced code, so for those replies we ask smtp-server to add
 * none (its `context === false`). Replies smtp-server writes itself keep its
 * codes. test/smtp/protocol.test.ts fails if a new smtp-server changes this.
 */
const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;
const PATCHED = Symbol.for('mail2sms.enhanced-codes');

type Send = (code: number, data?: unknown, context?: unknown) => void;

export function installEnhancedCodeAdapter(): void {
  const proto = SMTPConnection.prototype as unknown as { send: Send; [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.send;
  proto.send = function send(this: unknown, code: number, data?: unknown, context?: unknown) {
    const own = typeof data === 'string' && ENHANCED_PREFIX.test(data);
    return original.call(this, code, data, own ? false : context);
  };
  proto[PATCHED] = true;
}
