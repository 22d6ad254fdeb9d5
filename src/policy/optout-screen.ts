/**
 * A mail's SMS against the opt-out list once their senders are known (DATA):
 * entries for one sender cannot be decided at RCPT. SMTP has one reply for
 * all of a mail's recipients after DATA, so a mail is refused (550 5.7.1)
 * only when none of its SMS may go. When some may, the others are not
 * dropped in silence: each is stored as cancelled, with the opt-out as its
 * reason, and its sender hears of it like of any SMS that did not go (the
 * confirmation its notify level asks for, the 250 text, the history) — the
 * way a mail server accepts a mail and bounces the recipients it cannot
 * reach, and the way duplicates by content are stored. Pure.
 */
import { cancelledAtOnce, type SmsBatch, type ToSmsInput } from '../mail/to-sms.js';
import type { SmtpError } from '../smtp/errors.js';
import { optOutError, optOutRefusal, type OptOutCheck, type OptOutHit } from './optout-scope.js';

export interface Screened {
  /** The batch to store: SMS to opted-out numbers in it as cancelled, without content keys (they went nowhere to repeat). */
  batch: SmsBatch;
  /** The SMS held back, by id. */
  refused: Array<{ id: string; to: string; hit: OptOutHit }>;
}

/** Who cancelled such an SMS, in its history (as the dispatcher names it when an SMS falls due after a STOP). */
export const OPTED_OUT_BY = 'its recipient, who opted out';

export function screenOptOuts(batch: SmsBatch, check: OptOutCheck, input: Pick<ToSmsInput, 'now' | 'wantsConfirmation'>): Screened | SmtpError {
  const refused: Screened['refused'] = [];
  const out: SmsBatch = { ...batch, messages: [...batch.messages], contentKeys: [...batch.contentKeys] };
  batch.messages.forEach((m, i) => {
    const hit = check(m);
    if (!hit) return;
    refused.push({ id: m.id, to: m.to, hit });
    out.messages[i] = cancelledAtOnce(m, { reason: optOutError(m.to, hit).text, by: OPTED_OUT_BY }, input);
    out.contentKeys[i] = undefined;
  });
  if (refused.length && refused.length === batch.messages.length) return optOutRefusal(refused);
  return { batch: out, refused };
}
