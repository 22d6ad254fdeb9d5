/**
 * Sender and destination addresses with their TON/NPI (SMPP 3.4 §5.2.5–6),
 * chosen the way SMSCs and handsets expect:
 * - alphanumeric sender ("ACME Bank"): TON 5 alphanumeric, NPI 0;
 * - international number ("+4915112345678", "004915…", or 9+ digits): TON 1, NPI 1 (E.164), digits without '+';
 * - national number (9+ digits with one leading 0): TON 2, NPI 1;
 * - short code (up to 8 digits): TON 3 network specific, NPI 0;
 * - no sender: empty address with TON 0/NPI 0, so the SMSC puts in the account's default.
 */
import type { SmppAddress } from './submit-pdu.js';

export type SenderKind = 'alphanumeric' | 'international' | 'national' | 'shortcode' | 'none';

/** Longest short code we treat as one; longer digit strings are phone numbers. */
export const SHORT_CODE_MAX_DIGITS = 8;
const ALPHANUMERIC_MAX = 11;

export function senderKind(sender: string): SenderKind {
  if (sender === '') return 'none';
  if (/^\+[0-9]+$/.test(sender) || /^00[1-9][0-9]+$/.test(sender)) return 'international';
  if (/^[0-9]+$/.test(sender)) {
    if (sender.length <= SHORT_CODE_MAX_DIGITS) return 'shortcode';
    return /^0[1-9]/.test(sender) ? 'national' : 'international';
  }
  return 'alphanumeric';
}

/** Throws RangeError for a sender no SMSC would take (too long, or characters outside printable ASCII). */
export function senderAddress(sender: string): SmppAddress {
  switch (senderKind(sender)) {
    case 'none':
      return { ton: 0, npi: 0, addr: '' };
    case 'international': {
      const digits = sender.replace(/^(\+|00)/, '');
      if (digits.length > 15) throw new RangeError(`sender "${sender}" has more than 15 digits`);
      return { ton: 1, npi: 1, addr: digits };
    }
    case 'national':
      return { ton: 2, npi: 1, addr: sender };
    case 'shortcode':
      return { ton: 3, npi: 0, addr: sender };
    case 'alphanumeric':
      if (sender.length > ALPHANUMERIC_MAX) throw new RangeError(`sender ID "${sender}" is longer than ${ALPHANUMERIC_MAX} characters`);
      if (!/^[\x20-\x7e]+$/.test(sender)) throw new RangeError(`sender ID "${sender}" has characters outside printable ASCII`);
      return { ton: 5, npi: 0, addr: sender };
  }
}

/** `+4915112345678` → TON 1, NPI 1, `4915112345678`. */
export function destinationAddress(to: string): SmppAddress {
  const digits = to.replace(/^\+/, '');
  if (!/^[0-9]{1,20}$/.test(digits)) throw new RangeError(`destination "${to}" is not an international number`);
  return { ton: 1, npi: 1, addr: digits };
}
