/**
 * A reply to an acceptance confirmation, sent to its cancel address: if its
 * text says CANCEL, the SMS is cancelled — for the account the reply comes
 * from only, so a cancel address that reached somebody else does not let
 * them cancel. The answer is the SMTP reply: 250 when cancelled (and the
 * confirmation of the cancel follows by mail) or cancelled before (a mail
 * server's retry after a lost 250, or a second reply: what was asked holds),
 * 5xx otherwise, which the clerk's mail server returns to them as a bounce
 * with our sentence in it.
 */
import type { CancelBy, CancelResult } from '../dispatch/cancel.js';
import { answersMail } from '../mail/draft.js';
import { DEFAULT_EXTRACT_OPTIONS, extractText } from '../mail/extract.js';
import type { ParsedMail } from '../mail/parse.js';
import { formatTime } from '../notify/times.js';
import type { SmsMessage } from '../store/types.js';
import { errors, SmtpError } from './errors.js';

// German clerks write what their Outlook calls it; all mean the same. A "please" before it is how many write it
// ("Bitte stornieren"); anything else before it ("nicht stornieren") is not a cancel.
const CANCEL_WORD = /^\s*(?:(?:bitte|please|pls)[\s,]+)?(cancel|storno|stornieren|abbrechen)\b/i;

export type Cancel = (id: string, by: CancelBy) => Promise<CancelResult>;

/** Whether the text the person wrote (quoted confirmation and signature cut) begins with CANCEL. */
export function saysCancel(parsed: ParsedMail): boolean {
  const { text } = extractText({ text: parsed.text, html: parsed.html, subject: parsed.subject, reply: answersMail(parsed) }, { ...DEFAULT_EXTRACT_OPTIONS, endMarker: '' });
  return CANCEL_WORD.test(text);
}

export async function cancelByReply(
  parsed: ParsedMail,
  smsIds: readonly string[],
  from: { account: string; address: string; timeZone: string },
  cancel: Cancel,
): Promise<string | SmtpError> {
  if (!saysCancel(parsed)) return errors.CancelWordMissing(smsIds.join(', '));
  const who = `reply from ${from.address || 'the null sender'}`;
  const results: CancelResult[] = [];
  for (const id of new Set(smsIds)) results.push(await cancel(id, { who, account: from.account, timeZone: from.timeZone }));
  const done = results.filter((r) => r.ok);
  // Cancelled before (the same reply that a mail server sends again after a lost 250, or a second one): what was asked holds.
  const before = results.flatMap((r) => (!r.ok && r.status === 'cancelled' && r.sms ? [r.sms] : []));
  const refused = results.flatMap((r) => (r.ok || before.some((m) => m.id === r.id) ? [] : [r.message]));
  // Once anything was cancelled the mail was acted on: a bounce would claim otherwise.
  if (!done.length && !before.length) return errors.CancelRefused(refused.join('; '));
  const parts = [
    ...(done.length ? [`${done.map((r) => (r.ok ? `SMS ${r.id} to ${r.sms.to}` : '')).join(', ')} cancelled, it will not be sent`] : []),
    ...before.map((m) => `SMS ${m.id} to ${m.to} was cancelled already${cancelledWhen(m, from.timeZone)}, it will not be sent`),
    ...(refused.length ? [`not cancelled: ${refused.join('; ')}`] : []),
  ];
  return `2.0.0 ${parts.join('; ')}`;
}

/** When, in the clerk's confirmations' zone, as the times of the other replies are written. */
function cancelledWhen(m: SmsMessage, timeZone: string): string {
  const e = [...m.history].reverse().find((h) => h.status === 'cancelled');
  return e ? ` at ${formatTime(e.at, timeZone)}${e.by ? ` (${e.by})` : ''}` : '';
}
