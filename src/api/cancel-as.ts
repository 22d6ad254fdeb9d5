import type { SmsMessage } from '../store/types.js';
import { refusal, type Actor, type CancelBy, type CancelResult } from '../dispatch/cancel.js';
import type { Principal } from './auth.js';
import { maySee, type ApiContext } from './context.js';
import { findMessage } from './history/search.js';
import { Problem } from './problems.js';

/** One SMS's cancel as a principal asked for it: cancelled (`already`: by an earlier cancel), or Bridge.cancel's refusal. */
export type CancelAttempt = { ok: true; sms: SmsMessage; already: boolean } | Extract<CancelResult, { ok: false }>;

/** Who cancels, and the account they may cancel in (an admin: any). */
export function cancelBy(ctx: ApiContext, p: Principal, via: 'api' | 'portal', person?: string | string[]): CancelBy {
  return { ...actorOf(ctx, p, via, person), ...(p.role === 'admin' ? {} : { account: p.account }) };
}

/**
 * Bridge.cancel for a principal (users only their account's SMS). A cancel repeated (a program's retry after a lost
 * answer, a second `mail2sms cancel`) is answered as the first was: what was asked for has happened, as a repeated
 * cancel reply by mail gets its 250; an SMS that ended otherwise stays refused.
 */
export async function tryCancel(ctx: ApiContext, p: Principal, id: string, by: CancelBy): Promise<CancelAttempt> {
  const r = await ctx.deps.cancel(id, by);
  if (r.ok) return { ok: true, sms: ctx.deps.store.get(id) ?? r.sms, already: false };
  if (r.reason !== 'too-late') {
    // Final, or moved to the archive since (not-found): cancelled is the answer the first cancel had.
    const m = r.reason === 'final' ? ctx.deps.store.get(id) ?? r.sms : await findMessage(ctx.history, id, ctx.lagDays);
    if (m?.status === 'cancelled' && maySee(p, m)) return { ok: true, sms: m, already: true };
    // Archived once it ended: say how and when (delivered at …), as for one still in the store, not "unknown".
    const ended = r.reason === 'not-found' && m && maySee(p, m) ? refusal(m) : undefined;
    if (ended && !ended.ok) return ended;
  }
  return r;
}

/**
 * One SMS cancelled for a principal, a refusal as a problem (404 unknown, 409 too late or final; a repeat as the first).
 * The operator's token is the command line's: it names the person who ran it (`person`, OPERATOR_HEADER), as the CLI's own audit lines do.
 */
export async function cancelAs(ctx: ApiContext, p: Principal, id: string, via: 'api' | 'portal', person?: string | string[]): Promise<SmsMessage> {
  const r = await tryCancel(ctx, p, id, cancelBy(ctx, p, via, person));
  if (r.ok) return r.sms;
  throw refusalProblem(r);
}

/** Bridge.cancel's refusal as the API answers it. */
export function refusalProblem(r: Extract<CancelResult, { ok: false }>): Problem {
  const title = r.reason === 'not-found' ? 'NotFound' : r.reason === 'too-late' ? 'TooLate' : 'AlreadyFinal';
  return new Problem(r.reason === 'not-found' ? 404 : 409, title, r.message, r.status ? { smsStatus: r.status } : {});
}

/**
 * Who acts, as the SMS's history records it (clerks read it, worded in their language) and, for the command line,
 * the person the CLI names (printable, at most 100 characters) as the log and audit trail record it:
 * "alice (as mail2sms) on the command line". An operator's login is not for the clerk's mail (review 8, B-M1).
 */
export function actorOf(ctx: ApiContext, p: Principal, via: 'api' | 'portal', person: string | string[] | undefined): Actor {
  if (p !== ctx.operator) return { who: `${via} user ${p.name}` };
  const name = typeof person === 'string' ? person.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 100) : '';
  return { who: 'the operator (command line)', ...(name ? { person: `${name} on the command line` } : {}) };
}

