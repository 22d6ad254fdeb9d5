/**
 * A request to POST /api/v1/messages (and its preview) read as a mail is:
 * the body's option fields are the X-SMS-* headers, parsed by the mail's
 * own parser; the numbers are RCPT TO's. What a submit (submit.ts) and a
 * preview (preview.ts) share, up to the SMS itself.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { addressBelongs, isPlainAddress } from '../accounts/addresses.js';
import type { Accounts } from '../accounts/registry.js';
import type { Account } from '../accounts/types.js';
import type { Config } from '../config/types.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import type { LogFn } from '../log.js';
import { badOptions, draftOf, withAccountDefaults, type Draft } from '../mail/draft.js';
import { givenText } from '../mail/extract.js';
import { localMinute } from '../mail/dates.js';
import { PAST_GRACE_MS, parseSmsOptions } from '../mail/options.js';
import { formatTime } from '../notify/times.js';
import { sendingPolicy, type SendingPolicy } from '../mail/recipient-plan.js';
import type { EnvelopeRecipient, ToSmsInput } from '../mail/to-sms.js';
import type { OptOutCheck } from '../policy/optout-scope.js';
import type { Policy } from '../policy/policy.js';
import { parseWrittenNumber } from '../sms/number.js';
import type { NumberType } from '../sms/types.js';
import { errors, SmtpError } from '../smtp/errors.js';
import type { MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import type { Principal } from './auth.js';
import type { IdempotencyKeys } from './idempotency.js';
import { fromSmtpError, Problem, recipientsProblem } from './problems.js';
import { requestCallback } from './status-callback.js';

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

/** What a submit and a preview share: the caller's account, the numbers and options checked, the text analysed. */
export interface Prepared {
  account: Account;
  recipients: Array<EnvelopeRecipient & { type?: NumberType }>;
  now: Date;
  draft: Draft;
  text: ToSmsInput['text'];
  policy: SendingPolicy;
  /** What the client might not expect of how its SMS go: a send time that had just passed (sent at once). */
  notes: string[];
  /**
   * A send time long past (passedSendAt): the refusal of a new request, but not of a replay (the same
   * Idempotency-Key and body, answered as the first was, however late the retry comes).
   */
  late?: Problem;
}

/**
 * Checks a request as a mail is checked, up to the SMS itself: refusals of
 * the request (another account, a bad number or option) are Problems
 * carrying the sentence a mail would get.
 */
export function prepare(deps: SubmitDeps, who: Principal, body: SubmitBody): Prepared {
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
  // Checked as MAIL FROM checks a sender: a quoted or listed address would pass the domain test here and then be dropped
  // silently when the confirmation is mailed (recipient-guard.ts), after a 201 that promised one.
  if (body.confirmTo && !isPlainAddress(body.confirmTo)) {
    throw fromSmtpError(errors.BadSenderAddress(body.confirmTo), {}, `confirmTo <${body.confirmTo}> is not a plain mail address (no quotes, commas or spaces) that confirmations could be sent to`);
  }
  if (body.confirmTo && !addressBelongs(account.addresses, body.confirmTo)) {
    throw fromSmtpError(errors.SenderNotAllowed(body.confirmTo, account.name), {}, confirmToRefused(body.confirmTo, account));
  }
  const now = deps.now();
  const parsed = parseSmsOptions({ headers: optionHeaders(body), subject: '', now, timeZone: account.timeZone, maxAheadDays: deps.config.options.maxAheadDays });
  const policy = sendingPolicy(account, deps.config.options, deps.config.notify.timeZone);
  if ('errors' in parsed) throw new Problem(422, 'BadOption', badOptions(parsed, policy, (option) => FIELD_OF.get(option) ?? option));
  const text = { ...deps.config.text, maxSegments: account.maxSegments };
  // Asked of a preview too: it is refused what a submit would be.
  const callback = requestCallback(account, parsed.options);
  const draft = draftOf(withAccountDefaults(parsed.options, policy), '', givenText(body.text), text, callback);
  const notes = parsed.passed ? [`the send time asked for, ${formatTime(parsed.passed.toISOString(), account.timeZone)}, had passed when the request came: sent at once`] : [];
  const late = parsed.passed && passedSendAt(body.sendAt, parsed.passed, now, account.timeZone);
  return { account, recipients: recipients as Prepared['recipients'], now, draft, text, policy, notes, ...(late ? { late } : {}) };
}

/**
 * A send time that had passed when the request came, measured as a mail's is against its Date (options.ts): a few
 * minutes are "now" (the answer's notes say so), more is a mistake (another day, another year) that sending at once
 * would carry to the customer at a time nobody chose.
 */
function passedSendAt(written: unknown, at: Date, now: Date, timeZone: string): Problem | undefined {
  if (now.getTime() - at.getTime() <= PAST_GRACE_MS) return undefined;
  return new Problem(422, 'BadOption', `option sendAt has the value "${String(written)}", ${localMinute(at, timeZone)} ${timeZone}, which had passed when the request came `
    + `(${localMinute(now, timeZone)} ${timeZone}): use a time ahead; to send at once, leave sendAt out`);
}

/** The mail's sentence asks to send from another address; a request names where its confirmations may go. */
function confirmToRefused(address: string, account: Account): string {
  const allowed = account.addresses.map((a) => (a.startsWith('@') ? `any address ${a}` : a)).join(', ');
  return `confirmTo "${address}" is not an address of the SMS account "${account.name}": confirmations go only to its addresses (${allowed}); leave confirmTo out for none`;
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
