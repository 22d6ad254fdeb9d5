/**
 * Cancelling a mail by its id: each of its SMS (a mail to several numbers
 * became `<mailId>.1`, `<mailId>.2`, …) that can still be cancelled is, the
 * others are named with why not. The REST cancel route and so `mail2sms
 * cancel <mail id>` answer with it; which SMS may be cancelled is decided
 * per SMS by Bridge.cancel (src/dispatch/cancel.ts), as for one SMS.
 */
import type { SmsMessage } from '../store/types.js';
import type { Principal } from './auth.js';
import { tryCancel, type CancelAttempt } from './cancel-as.js';
import { maySee, type ApiContext } from './context.js';
import { exportMessages } from './history/search.js';
import type { CancelBy } from '../dispatch/cancel.js';

/** What became of one SMS: cancelled now, cancelled before (a repeat), handed to the carrier, or ended otherwise (delivered, failed …). */
export type CancelOutcome = 'cancelled' | 'already-cancelled' | 'too-late' | 'already-final';

export interface SmsCancelResult {
  id: string;
  outcome: CancelOutcome;
  /** Why it could not be cancelled, in a sentence; undefined when it is cancelled. */
  detail?: string;
  sms: SmsMessage;
}

/**
 * The SMS of mail `mailId` that `p` may see, live or archived, in their order (.1, .2, … .10).
 * Matched by their mail id only: a reference or another field equal to it must not cancel anything.
 */
export async function smsOfMail(ctx: ApiContext, p: Principal, mailId: string): Promise<SmsMessage[]> {
  const found: SmsMessage[] = [];
  for await (const m of exportMessages(ctx.history, { id: mailId }, ctx.lagDays)) if (m.mailId === mailId && maySee(p, m)) found.push(m);
  const n = (m: SmsMessage) => Number(m.id.slice(m.id.lastIndexOf('.') + 1));
  return found.sort((a, b) => n(a) - n(b));
}

/** What an SMS's page offers: cancel every SMS of its mail (`count` of them). */
export interface MailCancelOffer {
  mailId: string;
  count: number;
}

/**
 * Whether an SMS's page offers to cancel every SMS of its mail: when the mail made more than one and one of them still
 * waits. The SMS says how many its mail made (ofMail) and their ids follow (`<mailId>.1` … `.<ofMail>`), so they are
 * looked up in the store, first waiting one first; a waiting SMS is never archived. A search by mail id read every
 * live SMS and the archive's days of the mail on every view of an SMS's page. Only an SMS stored before ofMail existed
 * is searched for as before, unless it is `.1` without a `.2` in the store (a mail to one number, or its others ended).
 */
export async function mailCancelOffer(ctx: ApiContext, p: Principal, m: SmsMessage): Promise<MailCancelOffer | undefined> {
  const waits = (x: SmsMessage | undefined) => x?.status === 'accepted' && maySee(p, x);
  if (m.ofMail) {
    for (let n = 1; n <= m.ofMail; n++) {
      const id = `${m.mailId}.${n}`;
      if (waits(id === m.id ? m : ctx.history.get(id))) return { mailId: m.mailId, count: m.ofMail };
    }
    return undefined;
  }
  if (m.id === `${m.mailId}.1` && !ctx.history.get(`${m.mailId}.2`)) return undefined;
  const siblings = await smsOfMail(ctx, p, m.mailId);
  return siblings.length > 1 && siblings.some(waits) ? { mailId: m.mailId, count: siblings.length } : undefined;
}

/** Each SMS of the mail cancelled where it still can be, one after the other; empty when `p` may see none (unknown, or another account's). */
export async function cancelMail(ctx: ApiContext, p: Principal, mailId: string, by: CancelBy): Promise<SmsCancelResult[]> {
  const results: SmsCancelResult[] = [];
  for (const m of await smsOfMail(ctx, p, mailId)) {
    const r = await tryCancel(ctx, p, m.id, by);
    results.push(resultOf(ctx.deps.store.get(m.id) ?? m, r));
  }
  return results;
}

function resultOf(m: SmsMessage, r: CancelAttempt): SmsCancelResult {
  if (r.ok) return { id: m.id, outcome: r.already ? 'already-cancelled' : 'cancelled', sms: r.sms };
  const outcome = r.reason === 'too-late' ? 'too-late' : 'already-final';
  // Not found now: archived (so ended) between the search and its cancel.
  return { id: m.id, outcome, detail: r.message, sms: r.sms ?? m };
}

export const isCancelled = (r: SmsCancelResult) => r.outcome === 'cancelled' || r.outcome === 'already-cancelled';

/** The sentence of a mail's cancel that did not cancel every SMS. */
export function notAllCancelled(mailId: string, results: readonly SmsCancelResult[]): string {
  const done = results.filter(isCancelled);
  const refused = results.filter((r) => !isCancelled(r));
  const head = done.length
    ? `of the ${results.length} SMS of mail ${mailId}, ${done.length} ${done.length === 1 ? 'is' : 'are'} cancelled (${done.map((r) => r.id).join(', ')}) and ${refused.length} could not be`
    : `none of the ${results.length} SMS of mail ${mailId} could be cancelled`;
  return `${head}: ${refused.map((r) => r.detail).join('; ')}`;
}
