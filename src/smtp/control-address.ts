/**
 * Addresses at an SMS domain that are not phone numbers but ask the bridge
 * for something: `preview@<sms domain>` (show what would be sent, send
 * nothing) and `cancel+<sms id>.<mac>@<sms domain>` (the Reply-To of an
 * acceptance confirmation: cancel that SMS); and the confirmations' own
 * From address, which takes no mail. Pure.
 */

/** The address of a From header's value (`mail2sms <noreply@sms.example>` → `noreply@sms.example`). */
export function addressOf(from: string): string {
  return (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
}
import type { ReplyAddresses } from '../notify/reply-address.js';

export type ControlAddress = { kind: 'cancel'; smsId: string } | { kind: 'preview' } | { kind: 'no-reply' };

export const PREVIEW_LOCAL_PART = 'preview';

/**
 * What `address` asks for; 'forged' for a cancel address we never gave out; undefined for anything else (a number,
 * another domain). `noReply` is the confirmations' From address (notify.from), which a clerk's "reply" to a
 * confirmation without a Reply-To reaches: at an SMS domain it is no number, and saying so would baffle.
 */
export function controlAddress(address: string, domains: readonly string[], replies?: ReplyAddresses, noReply?: string): ControlAddress | 'forged' | undefined {
  if (noReply && address.toLowerCase() === noReply.toLowerCase()) return { kind: 'no-reply' };
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
