import { addressBelongs, isPlainAddress } from '../accounts/addresses.js';
import type { Account } from '../accounts/types.js';
import type { SmsMessage } from '../store/types.js';

/**
 * Why a confirmation must not go out, or undefined. MAIL FROM already
 * refused senders outside the account; this is checked again when sending,
 * against the account as it is now, so that a confirmation can never become
 * backscatter to a stranger: not after the account's addresses changed, not
 * for a message stored before these checks existed, and not through an
 * address a mail library could read as a list. The same rules hold for the
 * mails forwarding handsets' replies (worker.ts). Pure.
 */
export function confirmationRefusal(sms: { account: string; mail: Pick<SmsMessage['mail'], 'envelopeFrom'> }, account: Account | undefined): string | undefined {
  const to = sms.mail.envelopeFrom;
  // The null sender marks automatic mail and leaves nobody to write to (a reply to an SMS of such a mail, say).
  if (to === '') return 'the mail came from the null sender <>';
  if (!isPlainAddress(to)) return `<${to}> is not a plain mail address`;
  if (!account) return `the account "${sms.account}" no longer exists`;
  if (!addressBelongs(account.addresses, to)) return `<${to}> is not an address of the SMS account "${account.name}"`;
  return undefined;
}

/**
 * Why the mail forwarding a handset's reply must not go out, or undefined:
 * the rules of confirmations, and one more. An account without addresses
 * takes any sender address its network gives, unchecked; a confirmation
 * sent there only repeats our own words, but a reply is a third party's
 * (the customer's), which goes only to an address the account vouches for. Pure.
 */
export function replyRefusal(owner: { account: string; mail: Pick<SmsMessage['mail'], 'envelopeFrom'> }, account: Account | undefined): string | undefined {
  const refused = confirmationRefusal(owner, account);
  if (refused || !account || account.addresses.length) return refused;
  return `the account "${account.name}" lists no sender addresses, so <${owner.mail.envelopeFrom}> is nobody it vouches for`;
}
