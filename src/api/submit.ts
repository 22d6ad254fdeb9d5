import type { CountryCode } from 'libphonenumber-js/max';
import { addressBelongs } from '../accounts/addresses.js';
import type { Accounts } from '../accounts/registry.js';
import type { Account } from '../accounts/types.js';
import type { Config } from '../config/types.js';
import type { LogFn } from '../log.js';
import { parseSmsOptions } from '../mail/options.js';
import { badOptions, draftOf, type Draft } from '../mail/draft.js';
import { givenText } from '../mail/extract.js';
import { previewReport, type PreviewRecipient, type PreviewReport } from '../mail/preview.js';
import { sendingPolicy, type SendingPolicy } from '../mail/recipient-plan.js';
import { dedupKey, planEach, textProblem, toSms, type EnvelopeRecipient, type SmsBatch, type ToSmsInput } from '../mail/to-sms.js';
import { admit } from '../policy/admit.js';
import { optOutError, type OptOutCheck } from '../policy/optout-scope.js';
import type { Policy } from '../policy/policy.js';
import { parseWrittenNumber } from '../sms/number.js';
import type { NumberType } from '../sms/types.js';
import { errors, SmtpError } from '../smtp/errors.js';
import type { AcceptOutcome, MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import type { Principal } from './auth.js';
import { requestFingerprint, type IdempotencyKeys } from './idempotency.js';
import { requestCallback } from './status-callback.js';
import { attachCallback } from '../notify/callbacks/account.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import { fromSmtpError, Problem, recipientsProblem, refusalOf, requestReply, type Refusal } from './problems.js';

/** The body of POST /api/v1/messages: the text, the numbers, and the sending options of the X-SMS-* headers. */
export interface SubmitBody {
  to: string | string[];
  text: string;
  sendAt?: string;
  senderId?: string;
  notify?: string;
  validity?: string;
  reference?: string;
  billingCode?: string;
  /** As JSON or as the header's words; read by the options parser, like notify and the rest. */
  flash?: boolean | string;
  maxSegments?: number | string;
  blackout?: string;
  duplicateDetection?: boolean | string;
  priority?: string;
  /** Where confirmations go (an address of the account); without it none are mailed. */
  confirmTo?: string;
  /** Admins only: submit for another account. */
  account?: string;
  /** Where each status is pushed (src/notify/callbacks/); the account's default when absent. Read by the options parser, like the rest. */
  statusCallback?: string;
  statusCallbackLevel?: string;
}

/** Each option field is read exactly as its mail header is: one parser, one set of rules and messages. */
const HEADER_OF: Record<string, string> = {
  sendAt: 'X-SMS-Send-At',
  senderId: 'X-SMS-Sender-ID',
  notify: 'X-SMS-Notify',
  validity: 'X-SMS-Validity',
  reference: 'X-SMS-Reference',
  billingCode: 'X-SMS-Billing-Code',
  flash: 'X-SMS-Flash',
  maxSegments: 'X-SMS-Max-Segments',
  blackout: 'X-SMS-Blackout',
  duplicateDetection: 'X-SMS-Duplicate-Detection',
  priority: 'X-SMS-Priority',
  statusCallback: 'X-SMS-Status-Callback',
  statusCallbackLevel: 'X-SMS-Status-Callback-Level',
};
export const OPTION_FIELDS = Object.keys(HEADER_OF);
const FIELD_OF = new Map(Object.entries(HEADER_OF).map(([f, h]) => [h, f]));

export interface SubmitDeps {
  config: Config;
  store: Pick<MessageStore, 'accept' | 'get'>;
  /** The same limits as mail (src/policy/): brake, opt-out, destinations, per-number cap, rate and quota. */
  policy: Pick<Policy, 'mailFrom' | 'recipient' | 'reserve'>;
  /** The opt-out list for an SMS whose sender is known (entries for one sender; src/policy/optout-scope.ts). */
  optedOut: OptOutCheck;
  accounts: Pick<Accounts, 'get'>;
  newMailId: () => string;
  now: () => Date;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  log: LogFn;
  /** Idempotency-Keys in memory (a key reused with another body, a request still being handled); without it only the store's keys count. */
  idempotency?: IdempotencyKeys;
  /** The UDH each SMS is counted with, by its route (src/dispatch/udh-size.ts). */
  udhOf: UdhOf;
}

export interface SubmitOutcome {
  mailId: string;
  stored: SmsMessage[];
  duplicates: Array<{ to: string; of: string }>;
  /** A replay (the same Idempotency-Key and body again): the ids of the first request's SMS, and nothing stored now. */
  replayOf?: string[];
  /** What the client might not expect of how its SMS go (express asked for and not the account's). */
  notes?: string[];
}

/** What a submit and a preview share: the caller's account, the numbers and options checked, the text analysed. */
interface Prepared {
  account: Account;
  recipients: Array<EnvelopeRecipient & { type?: NumberType }>;
  now: Date;
  draft: Draft;
  text: ToSmsInput['text'];
  policy: SendingPolicy;
}

/**
 * Checks a request as a mail is checked, up to the SMS itself: refusals of
 * the request (another account, a bad number or option) are Problems
 * carrying the sentence a mail would get.
 */
function prepare(deps: SubmitDeps, who: Principal, body: SubmitBody): Prepared {
  const accountName = body.account ?? who.account;
  if (accountName !== who.account && who.role !== 'admin') throw new Problem(403, 'Forbidden', `you may only send for your account "${who.account}"`);
  const account = deps.accounts.get(accountName);
  if (!account) throw new Problem(422, 'UnknownAccount', `there is no account "${accountName}"`);
  const numbers = Array.isArray(body.to) ? body.to : [body.to];
  const max = deps.config.smtp.maxRecipients;
  if (numbers.length > max) throw fromSmtpError(errors.TooManyRecipients(String(max)), {}, `too many numbers: at most ${max} per request; send the rest in another request`);
  const recipients = numbers.map((n) => recipient(n, account.defaultCountry));
  const bad = recipients.flatMap((r, i) => (r instanceof SmtpError ? [{ to: numbers[i]!, error: r }] : []));
  if (bad.length) throw recipientsProblem(bad);
  if (body.confirmTo && !addressBelongs(account.addresses, body.confirmTo)) {
    throw fromSmtpError(errors.SenderNotAllowed(body.confirmTo, account.name));
  }
  const now = deps.now();
  const parsed = parseSmsOptions({ headers: optionHeaders(body), subject: '', now, timeZone: account.timeZone, maxAheadDays: deps.config.options.maxAheadDays });
  const policy = sendingPolicy(account, deps.config.options);
  if ('errors' in parsed) throw new Problem(422, 'BadOption', badOptions(parsed, policy, (option) => FIELD_OF.get(option) ?? option));
  const text = { ...deps.config.text, maxSegments: account.maxSegments };
  // Asked of a preview too: it is refused what a submit would be.
  const callback = requestCallback(account, parsed.options);
  const draft = draftOf(parsed.options, '', givenText(body.text), text, callback);
  return { account, recipients: recipients as Prepared['recipients'], now, draft, text, policy };
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
  return batch.expressRefused ? { ...out, notes: [batch.expressRefused] } : out;
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

/**
 * What POST /api/v1/messages/preview answers: the mail preview's facts, less
 * what only a mail has (what was cut from it). A refusal is there twice:
 * `refusal`/`problem` as the reply line a mail would get (as before, in a
 * request's words where a mail's speak of a mail: problems.ts requestText), and
 * `error`/`problemError` as its Refusal, the shape a submit's problem lists.
 */
export type ApiPreview = Omit<PreviewReport, 'cuts' | 'source' | 'recipients' | 'problem' | 'expressRefused'> & {
  recipients: Array<Omit<PreviewRecipient, 'refusal'> & { refusal?: string; error?: Refusal }>;
  problem?: string;
  problemError?: Refusal;
  /** As a submit's answer: express asked for and not the account's (its SMS would go as normal ones). */
  notes?: string[];
};

/**
 * How a submit of `body` would be sent — text as it goes out, encoding,
 * segments and their parts, characters that forced Unicode or were
 * replaced, per number the sender ID and time, and what a send would be
 * refused for — storing and sending nothing (preview@ and X-SMS-Preview by
 * mail). A request a submit would refuse as a whole (another account, a bad
 * number or option, a status callback URL outside the account's allow
 * list) is refused alike; a text a submit would refuse (empty, too many
 * segments) is the answer's `problem`, a number's refusal its recipient's
 * `refusal`; `callback` is where the statuses would be pushed, and which.
 */
export function previewSms(deps: SubmitDeps, who: Principal, body: SubmitBody): ApiPreview {
  const { account, recipients, now, draft, policy } = prepare(deps, who, body);
  const { cuts: _cuts, source: _source, recipients: rows, problem, expressRefused, ...report } = previewReport(draft, recipients, policy, { now, timeZone: account.timeZone, udhOf: deps.udhOf }, deps.optedOut);
  // What RCPT TO would refuse (opt-out, destination, limits), as the mail preview's RCPT would.
  recipients.forEach((r, i) => {
    const e = deps.policy.recipient(account, r, i);
    const row = rows.find((x) => x.to === r.e164);
    if (e && row && !row.refusal) row.refusal = e;
  });
  return {
    ...report,
    recipients: rows.map(({ refusal, ...row }) => (refusal ? { ...row, refusal: requestReply(refusal), error: refusalOf(refusal, row.to) } : row)),
    ...(problem ? { problem: requestReply(problem), problemError: refusalOf(problem) } : {}),
    ...(expressRefused ? { notes: [expressRefused] } : {}),
  };
}

function recipient(n: string, defaultCountry: string): (EnvelopeRecipient & { type?: NumberType }) | SmtpError {
  const r = parseWrittenNumber(n, defaultCountry as CountryCode);
  return r.ok ? { address: n, e164: r.e164, ...(r.country ? { country: r.country } : {}), ...(r.type ? { type: r.type } : {}) } : errors.InvalidNumber(n, r.reason);
}

function optionHeaders(body: SubmitBody): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [field, header] of Object.entries(HEADER_OF)) {
    const v = body[field as keyof SubmitBody];
    if (v === undefined || v === null) continue;
    headers.set(header.toLowerCase(), typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  }
  return headers;
}
