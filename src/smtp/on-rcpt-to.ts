import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { errors, SmtpError } from './errors.js';
import { resolveRecipient } from './recipient.js';
import { sessionAccount } from './session-account.js';

export interface RcptDeps {
  domains: readonly string[];
  maxRecipients: number;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/** Decides each recipient at RCPT time, so a bad number is refused while the client can still tell the clerk. */
export function onRcptTo(deps: RcptDeps) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    if (session.envelope.rcptTo.length >= deps.maxRecipients) {
      return callback(refuse(errors.TooManyRecipients(String(deps.maxRecipients)), address, session, deps));
    }
    const r = resolveRecipient(address.address, { domains: deps.domains, defaultCountry: sessionAccount(session).defaultCountry });
    if (r instanceof SmtpError) return callback(refuse(r, address, session, deps));
    callback();
  };
}

function refuse(err: SmtpError, address: SMTPServerAddress, session: SMTPServerSession, deps: RcptDeps): SmtpError {
  deps.log('rcpt-refused', { cid: session.id, to: address.address, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, ip: session.remoteAddress });
  return err;
}
