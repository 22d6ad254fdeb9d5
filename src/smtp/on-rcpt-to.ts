import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { ReplyAddresses } from '../notify/reply-address.js';
import { controlAddress } from './control-address.js';
import { errors, SmtpError } from './errors.js';
import { resolveRecipient } from './recipient.js';
import { sessionAccount } from './session-account.js';

export interface RcptDeps {
  domains: readonly string[];
  maxRecipients: number;
  /** Cancel addresses (Reply-To of confirmations); without it they are unknown. */
  replies?: ReplyAddresses;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/** Decides each recipient at RCPT time, so a bad number is refused while the client can still tell the clerk. */
export function onRcptTo(deps: RcptDeps) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    if (session.envelope.rcptTo.length >= deps.maxRecipients) {
      return callback(refuse(errors.TooManyRecipients(String(deps.maxRecipients)), address, session, deps));
    }
    // preview@ and cancel+…@ ask for something instead of an SMS; a made-up cancel address is refused here, revealing nothing.
    const control = controlAddress(address.address, deps.domains, deps.replies);
    if (control === 'forged') return callback(refuse(errors.CancelAddressUnknown(address.address), address, session, deps));
    if (control) return callback();
    const r = resolveRecipient(address.address, { domains: deps.domains, defaultCountry: sessionAccount(session).defaultCountry });
    if (r instanceof SmtpError) return callback(refuse(r, address, session, deps));
    callback();
  };
}

function refuse(err: SmtpError, address: SMTPServerAddress, session: SMTPServerSession, deps: RcptDeps): SmtpError {
  deps.log('rcpt-refused', { cid: session.id, to: address.address, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, ip: session.remoteAddress });
  return err;
}
