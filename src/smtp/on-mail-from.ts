import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { addressBelongs, isPlainAddress } from '../accounts/addresses.js';
import type { Accounts } from '../accounts/registry.js';
import type { Account } from '../accounts/types.js';
import type { Users } from '../accounts/users.js';
import type { Policy } from '../policy/policy.js';
import { errors, SmtpError } from './errors.js';
import { failedLogins } from './on-auth.js';
import { parameterRefusal } from './parameters.js';
import { sessionUser, setSessionAccount } from './session-account.js';

export interface MailFromDeps {
  accounts: Accounts;
  users: Pick<Users, 'get'>;
  policy: Pick<Policy, 'mailFrom'>;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/**
 * Decides who is sending before anything else is said: a logged-in user's
 * account, else the account of a trusted network. A user who logs in from a
 * trusted network sends as the user's account: logging in is the more
 * specific statement of who sends, and it is what the audit log should name.
 * A session whose login failed sends as nobody until a login succeeds.
 * The envelope sender must belong to that account. The null sender <> belongs
 * to none: it marks automatic mail (RFC 5321 §4.5.5) and leaves nobody to
 * confirm to. Only an account that takes any sender (no addresses: a closed
 * trusted network) takes it, and its SMS then go out unconfirmed; an account
 * whose users log in always lists addresses, so a logged-in user never can.
 */
export function onMailFrom(deps: MailFromDeps) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    const badParameter = parameterRefusal('MAIL', address.args);
    if (badParameter) return callback(refuse(badParameter, address, session, deps));
    const who = sender(session, deps);
    if (who instanceof SmtpError) return callback(refuse(who, address, session, deps));
    const account = who;
    const from = address.address;
    if (from && !isPlainAddress(from)) return callback(refuse(errors.BadSenderAddress(from), address, session, deps, account));
    if (!addressBelongs(account.addresses, from)) {
      const refusal = from ? errors.SenderNotAllowed(from, account.name) : errors.NullSender(account.name);
      return callback(refuse(refusal, address, session, deps, account));
    }
    const paused = deps.policy.mailFrom(account);
    if (paused) return callback(refuse(paused, address, session, deps, account));
    setSessionAccount(session, account);
    callback();
  };
}

function sender(session: SMTPServerSession, deps: MailFromDeps): Account | SmtpError {
  const user = sessionUser(session);
  if (!user) {
    // A client that tried to log in meant to send as that user: after a wrong password it must not slip through as
    // the network's account (the loopback "default" on the bridge's own machine), under another name and limits.
    if (failedLogins(session) > 0) return errors.LoginFailedInSession();
    return deps.accounts.forNetwork(session.remoteAddress) ?? errors.AuthRequired(session.remoteAddress);
  }
  // Removed or moved to another account since the login: the session's identity no longer holds.
  const account = deps.users.get(user.name)?.account === user.account ? deps.accounts.get(user.account) : undefined;
  if (!account) return errors.LoginNoLongerValid(user.name);
  // An empty list means "any address", which only a trusted network may have: for a user it would let confirmations go anywhere.
  if (!account.addresses.length) return errors.AccountWithoutAddresses(account.name);
  return account;
}

function refuse(err: SmtpError, address: SMTPServerAddress, session: SMTPServerSession, deps: MailFromDeps, account?: Account): SmtpError {
  deps.log('mail-from-refused', {
    cid: session.id, from: address.address, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, reason: err.text,
    ip: session.remoteAddress, account: account?.name, user: sessionUser(session)?.name,
  });
  return err;
}
