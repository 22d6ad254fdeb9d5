import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { ReplyAddresses } from '../notify/reply-address.js';
import type { Policy } from '../policy/policy.js';
import { controlAddress } from './control-address.js';
import { errors, SmtpError } from './errors.js';
import { parameterRefusal } from './parameters.js';
import { writtenRecipient } from './quoted-number.js';
import { resolveRecipient } from './recipient.js';
import { sessionAccount, sessionAccountName, sessionUser } from './session-account.js';

/** Each accepted RCPT's number as resolved at RCPT time, so DATA need not parse it again (smtp-server hands DATA the same address objects). */
export type ResolvedRecipients = WeakMap<SMTPServerAddress, { e164: string; country?: string }>;

export interface RcptDeps {
  domains: readonly string[];
  maxRecipients: number;
  /** Cancel addresses (Reply-To of confirmations); without it they are unknown. */
  replies?: ReplyAddresses;
  /** The confirmations' From address, which takes no mail. */
  noReply?: string;
  policy: Pick<Policy, 'recipient'>;
  log: (evt: string, data: Record<string, unknown>) => void;
  resolved?: ResolvedRecipients;
}

/**
 * Decides each recipient at RCPT time, so a bad number is refused while the
 * client can still tell the clerk: first whether it is a number at all, then
 * whether this account may send to it now (opt-out, country, number type,
 * brake, per-number cap, rate, quota: src/policy/).
 */
export function onRcptTo(deps: RcptDeps) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    const badParameter = parameterRefusal('RCPT', address.args);
    if (badParameter) return callback(refuse(badParameter, address, session, deps));
    if (session.envelope.rcptTo.length >= deps.maxRecipients) {
      return callback(refuse(errors.TooManyRecipients(String(deps.maxRecipients)), address, session, deps));
    }
    // preview@ and cancel+…@ ask for something instead of an SMS; a made-up cancel address is refused here, revealing nothing.
    const control = controlAddress(address.address, deps.domains, deps.replies, deps.noReply);
    if (control === 'forged') return callback(refuse(errors.CancelAddressUnknown(address.address), address, session, deps));
    if (control?.kind === 'no-reply') return callback(refuse(errors.NoReplyAddress(address.address), address, session, deps));
    if (control) return callback();
    const account = sessionAccount(session);
    const r = resolveRecipient(address.address, { domains: deps.domains, defaultCountry: account.defaultCountry });
    if (r instanceof SmtpError) return callback(refuse(r, address, session, deps));
    const refused = deps.policy.recipient(account, r, session.envelope.rcptTo.length);
    if (refused) return callback(refuse(refused, address, session, deps, r.e164));
    deps.resolved?.set(address, r);
    callback();
  };
}

/**
 * `to` is the recipient as the client wrote it, so an operator finds what the
 * ERP sent; `number` is it as we read it (E.164), when we could read one.
 */
function refuse(err: SmtpError, address: SMTPServerAddress, session: SMTPServerSession, deps: RcptDeps, number?: string): SmtpError {
  deps.log('rcpt-refused', {
    cid: session.id, to: writtenRecipient(session) ?? address.address, number, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, reason: err.text,
    ip: session.remoteAddress, account: sessionAccountName(session), user: sessionUser(session)?.name,
  });
  return err;
}
