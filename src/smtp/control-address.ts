/**
 * Addresses at an SMS domain that are not phone numbers but ask the bridge
 * for something: `preview@<sms domain>` (show what would be sent, send
 * nothing) and `cancel+<sms id>.<mac>@<sms domain>` (the Reply-To of an
 * acceptance confirmation: cancel that SMS). Pure.
 */
import type { ReplyAddresses } from '../notify/reply-address.js';

export type ControlAddress = { kind: 'cancel'; smsId: string } | { kind: 'preview' };

export const PREVIEW_LOCAL_PART = 'preview';

/** What `address` asks for; 'forged' for a cancel address we never gave out; undefined for anything else (a number, another domain). */
export function controlAddress(address: string, domains: readonly string[], replies?: ReplyAddresses): ControlAddress | 'forged' | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const domain = address.slice(at + 1).toLowerCase();
  if (!domains.some((d) => d.toLowerCase() === domain)) return undefined;
  const local = address.slice(0, at);
  if (local.toLowerCase() === PREVIEW_LOCAL_PART) return { kind: 'preview' };
  const cancel = replies?.parseCancel(local);
  if (cancel === undefined) return /^cancel\+/i.test(local) ? 'forged' : undefined;
  return cancel === 'forged' ? 'forged' : { kind: 'cancel', smsId: cancel.smsId };
}
