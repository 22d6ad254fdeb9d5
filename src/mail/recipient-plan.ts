/**
 * What the account's rules make of one recipient's SMS: the sender ID it
 * goes out with, the quiet hours that apply, when it may go and until when.
 * Pure: the clock and the account's rules come in. Headers and subject tags
 * were merged before (headers win); here they meet the account's defaults,
 * which they override only within what the account allows.
 */
import { chooseSender, permittedSender, type SenderPolicy } from '../accounts/sender-ids.js';
import type { Account } from '../accounts/types.js';
import type { CallbackRules } from '../notify/callbacks/account.js';
import { holdRecord, quietRulesFor, quietUntil, type Hold, type QuietHours, type QuietRule } from '../dispatch/quiet-hours.js';
import { noTimeReason } from '../notify/hold-words.js';
import { wordingFor, type Language } from '../notify/wording/index.js';
import { parseSenderId } from '../sms/sender-id.js';
import { errors, SmtpError } from '../smtp/errors.js';
import type { SmsOptions } from './options.js';

/** An account's rules for sending, as the mail-to-SMS step needs them. */
export interface SendingPolicy {
  sender: SenderPolicy;
  /** Validity when the mail gives none; undefined: the carrier's. */
  validityHours?: number;
  /** Billing code when the mail gives none; undefined: none. */
  billingCode?: string;
  duplicates: { enabled: boolean; windowMinutes: number };
  quiet: { account?: QuietHours; countries: Readonly<Record<string, QuietHours>> };
  /** The account's status callbacks: its default and where a mail's or request's may go. */
  callbacks: CallbackRules;
  /** false: express is not for this account, its SMS go as normal ones (accounts[].allowExpress); allowed when absent. */
  express?: boolean;
  /** Who reads what the account is told (a refusal's reasons): its language and the zone of its confirmations; English and the mail's zone when absent. */
  reader?: { language: Language; timeZone: string };
}

/** The rules for one account: its own values (inherited ones filled in) and the gateway's per-country rules; `notifyTimeZone`: notify.timeZone, its confirmations' zone unless it set its own. */
export function sendingPolicy(
  account: Account,
  gateway: { numericOnlyCountries: readonly string[]; onNumericOnly: 'fallback' | 'reject'; countryQuietHours: Readonly<Record<string, QuietHours>> },
  notifyTimeZone?: string,
): SendingPolicy {
  return {
    sender: {
      account: account.name, defaultId: account.senderId, numericFallback: account.numericSender, allowed: account.allowedSenderIds,
      numericOnlyCountries: gateway.numericOnlyCountries, onNumericOnly: gateway.onNumericOnly,
    },
    validityHours: account.validityHours,
    ...(account.billingCode ? { billingCode: account.billingCode } : {}),
    duplicates: { enabled: account.duplicateDetection, windowMinutes: account.duplicateWindowMinutes },
    quiet: { account: account.quietHours, countries: gateway.countryQuietHours },
    callbacks: { statusCallback: account.statusCallback, statusCallbackLevel: account.statusCallbackLevel, statusCallbackAllow: account.statusCallbackAllow },
    express: account.allowExpress,
    reader: { language: account.language, timeZone: account.confirmationTimeZone ?? notifyTimeZone ?? account.timeZone },
  };
}

/**
 * What is said when express was asked for and the account may not send it
 * (the SMS goes as a normal one: a clerk's Outlook marks mails important
 * without asking, so the mail is not refused); undefined otherwise.
 */
export function expressRefusal(options: Pick<SmsOptions, 'priority'>, policy: Pick<SendingPolicy, 'express'>): string | undefined {
  if (options.priority !== 'express' || policy.express !== false) return undefined;
  // Read by clerks (250, confirmation) and integrators: no configuration key, which means nothing to a clerk; the operator finds it in the README.
  return 'sent as a normal SMS: express was asked for, but this account may not send express SMS (ask your administrator)';
}

/** No defaults and no permissions: what an account without any sending rules gets. */
export function basicPolicy(account: string): SendingPolicy {
  return {
    sender: { account, allowed: [], numericOnlyCountries: [], onNumericOnly: 'fallback' },
    duplicates: { enabled: false, windowMinutes: 10 },
    quiet: { countries: {} },
    callbacks: {},
  };
}

export interface RecipientPlan {
  sender?: string;
  /** Why the sender differs from the one asked for (numeric fallback), for the status history. */
  senderNote?: string;
  quietRules: QuietRule[];
  /** When the SMS may go first: its send time, or the end of quiet hours. */
  notBefore: Date;
  hold?: Hold;
  expiresAt?: Date;
}

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

export function planRecipient(
  r: { e164: string; country?: string },
  options: SmsOptions,
  policy: SendingPolicy,
  ctx: { now: Date; timeZone: string },
): RecipientPlan | SmtpError {
  const requested = options.senderId === undefined ? undefined : parseSenderId(options.senderId);
  const choice = chooseSender(requested, r.country, policy.sender);
  if (!choice.ok) return senderRefusal(choice, r.e164, policy.sender.account);
  const quietRules = quietRulesFor({
    country: r.country, fallbackZone: ctx.timeZone,
    account: { name: policy.sender.account, hours: policy.quiet.account },
    countryHours: r.country ? policy.quiet.countries[r.country] : undefined,
    mail: options.blackout,
  });
  const start = options.sendAt ?? ctx.now;
  const hold = quietUntil(quietRules, start);
  if (hold && !hold.until) {
    const w = wordingFor(policy.reader?.language);
    return errors.NoTimeToSend(`${noTimeReason(holdRecord(hold), w, policy.reader?.timeZone ?? ctx.timeZone)}; ${w.quiet.notQueued}`);
  }
  const notBefore = hold?.until ?? start;
  // Validity counts from when the SMS may go: quiet hours must not use it up.
  const hours = options.validityHours ?? policy.validityHours;
  return {
    ...(choice.sender !== undefined ? { sender: choice.sender } : {}),
    ...(choice.note ? { senderNote: choice.note } : {}),
    quietRules, notBefore,
    ...(hold ? { hold } : {}),
    ...(hours ? { expiresAt: new Date(notBefore.getTime() + hours * 3600_000) } : {}),
  };
}

/** SenderIdNotAllowed when the account may not ask for `senderId` whatever the number, else undefined. */
export function senderIdRefusal(senderId: string | undefined, sender: SenderPolicy): SmtpError | undefined {
  const requested = senderId === undefined ? undefined : parseSenderId(senderId);
  const permitted = requested && permittedSender(requested, sender);
  return permitted && !permitted.ok ? senderRefusal(permitted, '', sender.account) : undefined;
}

function senderRefusal(choice: Exclude<ReturnType<typeof chooseSender>, { ok: true }>, to: string, account: string): SmtpError {
  if (choice.refusal === 'not-allowed') {
    const allowed = choice.allowed.length ? choice.allowed.join(', ') : 'none (an operator can allow sender IDs in accounts[].allowedSenderIds)';
    return errors.SenderIdNotAllowed(choice.requested, account, allowed);
  }
  const where = `${REGION_NAMES.of(choice.country) ?? choice.country} (${choice.country})`;
  const remedy = choice.hasFallback
    ? 'ask for a numeric sender ID (X-SMS-Sender-ID: +4930123456, [SRC:+4930123456]) for this number'
    : `account "${account}" has no numeric sender to use instead (accounts[].numericSender); ask for a numeric sender ID for this number`;
  return errors.SenderIdNumericOnly(choice.sender, to, where, remedy);
}
