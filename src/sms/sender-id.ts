/**
 * Sender IDs: what the recipient's phone shows as the sender. Three forms,
 * told apart by their look alone, as SMSCs do (SMPP TON 5, 1 and 3):
 *
 * - alphanumeric: 1–11 of A–Z a–z 0–9 and space, at least one letter
 *   ("ACME", "Praxis Dr M"). The recipient cannot reply to it.
 * - international number: `+` and 7–15 digits, not starting with 0
 *   (E.164). Also accepted as `00…` or as 9–15 bare digits (the aggregators'
 *   convention, as for recipients); kept as `+<digits>`.
 * - short code: 3–8 bare digits ("12345"). Short codes are national: they
 *   only work in the country whose operators assigned them; 8 is the
 *   longest in use (and what SMPP gateways treat as a short code), 3 the
 *   shortest. A digit string of 9–15 digits is a phone number instead.
 *
 * A national number with a trunk 0 (`030123456`) is refused: without a
 * country it cannot be turned into the international form a carrier needs.
 */

export type SenderIdKind = 'alphanumeric' | 'international' | 'shortcode';

export interface SenderId {
  /** Canonical form: alphanumeric as written, international as `+<digits>`, short code as digits. */
  id: string;
  kind: SenderIdKind;
}

// The numbers' limits are parseSenderId's (E.164: at most 15 digits); names are at most 11 characters (SMPP, GSM 03.40).
export const NUMERIC_SENDER_FORMS = 'an international number of 7 to 15 digits like +4930123456 or a short code of 3 to 8 digits';
export const SENDER_ID_FORMS = 'up to 11 letters, digits and spaces with at least one letter, an international number of 7 to 15 digits like +4930123456, or a short code of 3 to 8 digits';

const ALPHANUMERIC = /^[A-Za-z0-9 ]{1,11}$/;

export function parseSenderId(raw: string): SenderId | undefined {
  if (/^[0-9]{3,8}$/.test(raw)) return { id: raw, kind: 'shortcode' };
  const intl = /^(?:\+|00)?([1-9][0-9]{6,14})$/.exec(raw);
  // Bare digits count as international only from 9 on; 3–8 are short codes above.
  if (intl && (raw.startsWith('+') || raw.startsWith('00') || raw.length >= 9)) return { id: `+${intl[1]}`, kind: 'international' };
  if (ALPHANUMERIC.test(raw) && /[A-Za-z]/.test(raw) && raw.trim() === raw) return { id: raw, kind: 'alphanumeric' };
  return undefined;
}

/**
 * Whether two sender IDs are the same: numbers by their canonical form,
 * names regardless of case ("acme" asks for the registered "ACME").
 */
export function sameSenderId(a: SenderId, b: SenderId): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'alphanumeric' ? a.id.toLowerCase() === b.id.toLowerCase() : a.id === b.id;
}

/** Two canonical senders are the same one: numbers by their digits, names regardless of case. */
export function sameSender(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}
