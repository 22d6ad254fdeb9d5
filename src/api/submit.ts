import type { Account } from '../accounts/types.js';
import type { Draft } from '../mail/draft.js';
import type { SendingPolicy } from '../mail/recipient-plan.js';
import { dedupKey, planEach, textProblem, toSms, type SmsBatch, type ToSmsInput } from '../mail/to-sms.js';
import { attachCallback } from '../notify/callbacks/account.js';
import { admit } from '../policy/admit.js';
import { optOutError } from '../policy/optout-scope.js';
import { SmtpError } from '../smtp/errors.js';
import type { AcceptOutcome, SmsMessage } from '../store/types.js';
import type { Principal } from './auth.js';
import { requestFingerprint } from './idempotency.js';
import { fromSmtpError, recipientsProblem } from './problems.js';
import { prepare, type Prepared, type SubmitBody, type SubmitDeps } from './submit-request.js';

export interface SubmitOutcome {
  mailId: string;
  stored: SmsMessage[];
  duplicates: Array<{ to: string; of: string }>;
  /** A replay (the same Idempotency-Key and body again): the ids of the first request's SMS, and nothing stored now. */
  replayOf?: string[];
  /** What the client might not expect of how its SMS go (a send time that had just passed, express asked for and not the account's). */
  notes?: string[];
}

/**
 * What RCPT TO asks of a mail, asked of every number of a request: the
 * account stopped by the brake (which refuses the request), an opted-out
 * number, a country or number type the account may not send to, the
 * per-number cap, the rate, the quota. Each number's refusal is handed on
 * to buildBatch, which adds what only the SMS can tell, so that one answer
 * names every number refused (the API takes a request whole or not at all):
 * 429 or 503 when all are temporary (429 for the rate and the cap, with
 * Retry-After; 503 for a paused account), else 422.
 */
function policyRefusals(deps: SubmitDeps, account: Account, recipients: Prepared['recipients']): Refused {
  const paused = deps.policy.mailFrom(account);
  if (paused) throw fromSmtpError(paused);
  const refused: Refused = new Map();
  recipients.forEach((r, i) => {
    const error = refused.has(r.e164) ? undefined : deps.policy.recipient(account, r, i);
    if (error) refused.set(r.e164, error);
  });
  return refused;
}

/** Refused numbers of a request (E.164): the first refusal of each. */
type Refused = Map<string, SmtpError>;

/**
 * An SMS from the REST API: the same options parser, the same SMS rules
 * (buildSms), the same store and confirmations as a mail; only the way in
 * differs. Refusals are Problems carrying the sentence a mail would get. A
 * request under an Idempotency-Key already taken with the same body is a
 * replay (idempotency.ts), answered before the limits are asked: the first
 * request passed them, and its answer is due whatever they say now.
 */
export async function submitSms(deps: SubmitDeps, who: Principal, body: SubmitBody, client: { ip: string; idempotencyKey?: string }): Promise<SubmitOutcome> {
  const started = performance.now();
  const prepared = prepare(deps, who, body);
  const key = client.idempotencyKey;
  const once = key === undefined ? undefined : { key, fingerprint: requestFingerprint(body) };
  const claim = once && deps.idempotency?.claim(prepared.account.name, once.key, once.fingerprint);
  if (claim?.replay) return { mailId: claim.replay.mailId, stored: [], duplicates: [], replayOf: claim.replay.ids };
  try {
    const out = await submitNew(deps, who, prepared, { body, ip: client.ip, once, started });
    claim?.settle({ mailId: out.mailId, ids: out.replayOf ?? out.stored.map((m) => m.id) });
    return out;
  } catch (e) {
    claim?.release();
    throw e;
  }
}

interface SubmitRequest {
  body: SubmitBody;
  ip: string;
  /** The Idempotency-Key and the body's fingerprint, when the request has a key. */
  once?: { key: string; fingerprint: string };
  started: number;
}

async function submitNew(deps: SubmitDeps, who: Principal, prepared: Prepared, req: SubmitRequest): Promise<SubmitOutcome> {
  const { account, recipients, now, draft, text, policy } = prepared;
  const { body, once } = req;
  if (prepared.late) throw prepared.late;
  const refused = policyRefusals(deps, account, recipients);
  const mailId = deps.newMailId();
  const input: ToSmsInput = {
    // No mail: only what the SMS and its confirmations need. The options come from the fields, parsed above.
    parsed: { headers: new Map(), references: [], attachments: 0, text: body.text, fromAddresses: [] },
    envelopeFrom: body.confirmTo ?? '', recipients, mailId, account: account.name, now,
    remoteAddress: req.ip,
    options: { ...deps.config.options, timeZone: account.timeZone },
    text, notify: account.notify, policy, wantsConfirmation: deps.wantsConfirmation, udhOf: deps.udhOf,
  };
  const batch = buildBatch(deps, input, draft, policy, refused);
  for (const m of batch.messages) m.mail.apiUser = who.name;
  attachCallback(batch.messages, draft.callback);
  // A retried request (the same Idempotency-Key and body) is what a mail server's retry of the same mail is: the key, the number, what it says.
  batch.dedupKeys = batch.messages.map((m) => (once ? dedupKey(account.name, `api:${once.key}`, m.to, once.fingerprint) : undefined));
  const outcome = await admit(deps, account, batch, { mailId, via: 'api' });
  if (outcome instanceof SmtpError) throw fromSmtpError(outcome);
  for (const d of outcome.duplicates) deps.log('sms-duplicate', { msgId: d.id, of: d.of, via: 'api' });
  // Every SMS stored already under its key: a replay the memory of keys had forgotten (a restart).
  if (once && !outcome.stored.length && outcome.duplicates.length) {
    const ids = outcome.duplicates.map((d) => d.of);
    return { mailId: ids[0]!.replace(/\.\d+$/, ''), stored: [], duplicates: [], replayOf: ids };
  }
  const out = accepted(deps, batch, outcome, { mailId, who, ip: req.ip, acceptMs: Math.round(performance.now() - req.started) });
  const notes = [...prepared.notes, ...(batch.expressRefused ? [batch.expressRefused] : [])];
  return notes.length ? { ...out, notes } : out;
}

/** The outcome of a request that stored SMS, logged as a mail's is. */
function accepted(deps: SubmitDeps, batch: SmsBatch, outcome: AcceptOutcome, o: { mailId: string; who: Principal; ip: string; acceptMs: number }): SubmitOutcome {
  // As stored: a repeat by content (duplicate detection) is stored cancelled, not as built.
  const stored = batch.messages.filter((m) => outcome.stored.includes(m.id)).map((m) => deps.store.get(m.id) ?? m);
  stored.forEach((m, i) => deps.log('sms-accepted', {
    msgId: m.id, via: 'api', user: o.who.name, ip: o.ip, account: m.account, to: m.to, segments: m.segments, encoding: m.encoding,
    sender: m.sender, notBefore: m.notBefore, ...(i === 0 ? { acceptMs: o.acceptMs } : {}),
  }));
  for (const d of outcome.suppressed) deps.log('sms-duplicate-content', { msgId: d.id, of: d.of, via: 'api' });
  const toOf = new Map(batch.messages.map((m) => [m.id, m.to]));
  return { mailId: o.mailId, stored, duplicates: outcome.duplicates.map((d) => ({ to: toOf.get(d.id)!, of: d.of })) };
}

/**
 * The SMS of a request, or a Problem naming every number refused: those the
 * limits refused (`refused`), each other number's plan (sender ID, quiet
 * hours), then the opt-out list's entries for one sender, now that each SMS
 * has its sender, all in one answer, in the request's order. Unlike a mail
 * (optout-screen.ts), a request is taken whole or not at all. A text that
 * cannot be sent at all (empty, too long) refuses the request before that.
 */
function buildBatch(deps: SubmitDeps, input: ToSmsInput, draft: Draft, policy: SendingPolicy, refused: Refused): SmsBatch {
  // Before toSms, which answers a mail with the first refusal: a program is told every number's.
  const each = planEach(input, draft, policy);
  const text = textProblem(input, draft, each);
  if (text) throw fromSmtpError(text);
  for (const [r, plan] of each) {
    if (plan instanceof SmtpError && !refused.has(r.e164)) refused.set(r.e164, plan);
  }
  const rest = input.recipients.filter((r) => !refused.has(r.e164));
  const batch = rest.length ? toSms({ ...input, recipients: rest }, draft) : undefined;
  if (batch instanceof SmtpError) throw fromSmtpError(batch);
  for (const m of batch?.messages ?? []) {
    const hit = deps.optedOut(m);
    if (hit) refused.set(m.to, optOutError(m.to, hit));
  }
  if (!refused.size) return batch!;
  // In the request's order, each number once.
  const order = [...new Set(input.recipients.map((r) => r.e164))].filter((n) => refused.has(n));
  throw recipientsProblem(order.map((to) => ({ to, error: refused.get(to)! })));
}

