import { addressBelongs, isPlainAddress } from '../accounts/addresses.js';
import type { Account } from '../accounts/types.js';
import type { SmsMessage } from '../store/types.js';

/**
 * Why a confirmation must not go out, or undefined. MAIL FROM already
 * refused senders outside the account; this is checked again when sending,
 * against the account as it is now, so that a confirmation can never become
 * backscatter to a stranger: not after the account's addresses changed, not
 * for a message stored before these checks existed, and not through an
 * address a mail library could read as a list. Pure.
 */
export function confirmationRefusal(sms: SmsMessage, account: Account | undefined): string | undefined {
  const to = sms.mail.envelopeFrom;
  if (!isPlainAddress(to)) return `<${to}> is not a plain mail address`;
  if (!account) return `the account "${sms.account}" no longer exists`;
  if (!addressBelongs(account.addresses, to)) return `<${to}> is not an address of the SMS account "${account.name}"`;
  return undefined;
}
