import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { addressBelongs } from '../accounts/addresses.js';
import type { Accounts } from '../accounts/registry.js';
import { errors, SmtpError } from './errors.js';
import { setSessionAccount } from './session-account.js';

export interface MailFromDeps {
  accounts: Accounts;
  stopping: () => boolean;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/**
 * Decides who is sending before anything else is said: the account of a
 * trusted network, and an envelope sender that belongs to it. The null
 * sender <> is let through (it gets no confirmations anyway).
 */
export function onMailFrom(deps: MailFromDeps) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    if (deps.stopping()) return callback(errors.ShuttingDown());
    const account = deps.accounts.forNetwork(session.remoteAddress);
    if (!account) return callback(refuse(errors.AuthRequired(session.remoteAddress), address, session, deps));
    if (address.address && !addressBelongs(account.addresses, address.address)) {
      return callback(refuse(errors.SenderNotAllowed(address.address, account.name), address, session, deps));
    }
    setSessionAccount(session, account);
    callback();
  };
}

function refuse(err: SmtpError, address: SMTPServerAddress, session: SMTPServerSession, deps: MailFromDeps): SmtpError {
  deps.log('mail-from-refused', { cid: session.id, from: address.address, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, ip: session.remoteAddress });
  return err;
}
