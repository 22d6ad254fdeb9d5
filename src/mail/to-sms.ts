import { hash } from 'node:crypto';
import { holdRecord } from '../dispatch/quiet-hours.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import { withUdh } from '../sms/segments.js';
import type { SmsText } from '../sms/types.js';
import { SmtpError } from '../smtp/errors.js';
import type { ContentKey, DsnRequest, NotifyLevel, SmsMessage, SmsStatus, StatusEvent } from '../store/types.js';
import { draftProblem, draftSms, type Draft, type DraftInput } from './draft.js';
import { writtenOptions, type SmsOptions } from './options.js';
import { basicPolicy, expressRefusal, planRecipient, type RecipientPlan, type SendingPolicy } from './recipient-plan.js';

export { senderPatterns } from './draft.js';

export interface EnvelopeRecipient {
  /** RCPT TO as written. */
  address: string;
  e164: string;
  /** ISO country of the number, when it has one (not for +800 and the like). */
  country?: string;
  dsn?: { notify?: string[]; orcpt?: string };
}

export interface ToSmsInput extends DraftInput {
  recipients: EnvelopeRecipient[];
  dsn?: { ret?: string | null; envid?: string | null };
  mailId: string;
  account: string;
  remoteAddress?: string;
  clientHostname?: string;
  notify: NotifyLevel;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  /** The UDH each SMS is counted with, by its route (src/dispatch/udh-size.ts); the standard 6-octet one when absent. */
  udhOf?: UdhOf;
}

export interface SmsBatch {
  messages: SmsMessage[];
  /** Duplicate-detection key per message (Message-ID, recipient and what the mail says: dedupKey), when the mail has a Message-ID. */
  dedupKeys: Array<string | undefined>;
  /** What the mail says (mailFingerprint), when it has a Message-ID: a Message-ID seen before with another one was reused. */
  fingerprint?: string;
  /** Content key per message, when duplicate detection by content is on. */
  contentKeys: Array<ContentKey | undefined>;
  /** How a message is stored when it duplicates an earlier one by content. */
  markDuplicate: (m: SmsMessage, of: SmsMessage | string) => SmsMessage;
  /** Express was asked for and the account may not send it: why its SMS go as normal ones (recipient-plan.ts expressRefusal). */
  expressRefused?: string;
}

/**
 * One accepted mail → one SMS per distinct recipient, or the SmtpError DATA
 * must answer. Pure: ids and time come in. `drafted`: draftSms(input), when
 * the caller has it already.
 */
export function toSms(input: ToSmsInput, drafted?: Draft): SmsBatch | SmtpError {
  const draft = drafted ?? draftSms(input);
  if (draft instanceof SmtpError) return draft;
  const policy = input.policy ?? basicPolicy(input.account);
  const each = planEach(input, draft, policy);
  const counted = countEach(input, draft, each);
  // The text first (nothing left, too long), then the first number refused.
  const problem = draftProblem(draft, longest(draft, counted));
  if (problem) return problem;
  const refused = each.find((p): p is [EnvelopeRecipient, SmtpError] => p[1] instanceof SmtpError);
  if (refused) return refused[1];
  const plans = each as Array<[EnvelopeRecipient, RecipientPlan]>;
  const { options } = draft;
  const expressRefused = expressRefusal(options, policy);
  const duplicates = options.duplicateDetection ?? policy.duplicates.enabled;
  const sender = (input.envelopeFrom || input.parsed.fromAddress || '').toLowerCase();
  const { headers, subject } = input.parsed;
  const messageId = input.parsed.messageId ?? standInMessageId(input.parsed);
  const fingerprint = messageId ? mailFingerprint(draft.sms.text, writtenOptions(headers, subject)) : undefined;
  const batch: SmsBatch = { messages: [], dedupKeys: [], contentKeys: [], markDuplicate: (m, of) => markDuplicate(m, of, input), fingerprint, ...(expressRefused ? { expressRefused } : {}) };
  for (const [i, [r, plan]] of plans.entries()) {
    const m = message(input, draft, r, plan, counted[i], batch.messages.length + 1, expressRefused);
    batch.messages.push(m);
    batch.dedupKeys.push(messageId && fingerprint ? dedupKey(input.account, messageId, r.e164, fingerprint) : undefined);
    batch.contentKeys.push(duplicates ? { key: contentKey(input.account, sender, r.e164, m.text), windowMinutes: policy.duplicates.windowMinutes } : undefined);
  }
  // The SMS of one mail know each other (their ids run from .1 to .n), so that their confirmations can go out together.
  if (batch.messages.length > 1) for (const m of batch.messages) m.ofMail = batch.messages.length;
  return batch;
}

/** Each distinct number once with its plan or its refusal (sender ID, quiet hours): the REST API names every refused number. */
export function planEach(input: Pick<ToSmsInput, 'recipients' | 'now' | 'options'>, draft: Draft, policy: SendingPolicy): Array<[EnvelopeRecipient, RecipientPlan | SmtpError]> {
  const seen = new Set<string>();
  const out: Array<[EnvelopeRecipient, RecipientPlan | SmtpError]> = [];
  for (const r of input.recipients) {
    if (seen.has(r.e164)) continue;
    seen.add(r.e164);
    out.push([r, planRecipient(r, draft.options, policy, { now: input.now, timeZone: input.options.timeZone })]);
  }
  return out;
}

/**
 * Why the draft's text cannot go to these numbers (nothing left, too long),
 * or undefined. Counted as the connectors of each number's route will send
 * it (src/dispatch/udh-size.ts); the one that takes most parts decides.
 */
export function textProblem(input: Pick<ToSmsInput, 'udhOf' | 'account'>, draft: Draft, each: ReadonlyArray<[EnvelopeRecipient, RecipientPlan | SmtpError]>): SmtpError | undefined {
  return draftProblem(draft, longest(draft, countEach(input, draft, each)));
}

/** The draft's text counted for each number's route; as drafted for a number refused. */
function countEach(input: Pick<ToSmsInput, 'udhOf' | 'account'>, draft: Draft, each: ReadonlyArray<[EnvelopeRecipient, RecipientPlan | SmtpError]>): SmsText[] {
  return each.map(([r, plan]) => (plan instanceof SmtpError ? draft.sms : countedFor(input, draft, r, plan)));
}

const longest = (draft: Draft, counted: readonly SmsText[]): SmsText => counted.reduce((a, b) => (b.segments > a.segments ? b : a), draft.sms);

/** The draft's text counted behind the UDH of the SMS's route. */
function countedFor(input: Pick<ToSmsInput, 'udhOf' | 'account'>, draft: Draft, r: EnvelopeRecipient, plan: RecipientPlan): SmsText {
  const { sms, options } = draft;
  if (!input.udhOf || sms.segments <= 1) return sms;
  const routed = { to: r.e164, account: input.account, sender: plan.sender, encoding: sms.encoding, segments: sms.segments, sendAt: options.sendAt?.toISOString() };
  return withUdh(sms, input.udhOf(routed));
}

/** `expressRefused`: express was asked for and is not the account's; the SMS goes as a normal one, and its history says why. */
function message(input: ToSmsInput, draft: Draft, r: EnvelopeRecipient, plan: RecipientPlan, sms: SmsText, n: number, expressRefused?: string): SmsMessage {
  const { parsed } = input;
  const { options } = draft;
  const at = input.now.toISOString();
  const notBefore = plan.notBefore.toISOString();
  const reason = expressRefused ? (plan.senderNote ? `${plan.senderNote}; ${expressRefused}` : expressRefused) : plan.senderNote;
  const history: StatusEvent[] = [{ status: 'accepted', at, ...(reason ? { reason } : {}) }];
  if (plan.hold) history.push({ status: 'accepted', at, quiet: holdRecord(plan.hold), until: notBefore });
  const m: SmsMessage = {
    id: `${input.mailId}.${n}`,
    mailId: input.mailId,
    account: input.account,
    to: r.e164,
    text: sms.text,
    encoding: sms.encoding,
    segments: sms.segments,
    ...(plan.sender !== undefined ? { sender: plan.sender } : {}),
    ...(options.flash ? { flash: true } : {}),
    ...(options.priority === 'express' && !expressRefused ? { priority: 'express' as const } : {}),
    ...(plan.quietRules.length ? { quietRules: plan.quietRules } : {}),
    mail: {
      messageId: parsed.messageId,
      references: parsed.references,
      subject: parsed.subject,
      from: parsed.from,
      envelopeFrom: input.envelopeFrom,
      rcptTo: r.address,
      receivedAt: at,
      remoteAddress: input.remoteAddress,
      clientHostname: input.clientHostname,
    },
    ...(options.reference ? { reference: options.reference } : {}),
    ...(options.billingCode ? { billingCode: options.billingCode } : {}),
    ...(options.sendAt ? { sendAt: options.sendAt.toISOString() } : {}),
    ...(plan.expiresAt ? { expiresAt: plan.expiresAt.toISOString() } : {}),
    notify: options.notify ?? input.notify,
    dsn: dsnOf(input.dsn, r.dsn),
    status: 'accepted',
    history,
    attempts: 0,
    notBefore,
    confirmations: [],
  };
  if (input.wantsConfirmation(m, 'accepted')) m.confirmations.push({ stage: 'accepted', attempts: 0, notBefore: at });
  return m;
}

/** The SMS as stored when it repeats `of` by content: never sent. */
function markDuplicate(m: SmsMessage, of: SmsMessage | string, input: Pick<ToSmsInput, 'now' | 'wantsConfirmation'>): SmsMessage {
  const ofId = typeof of === 'string' ? of : of.id;
  const when = typeof of === 'string' ? '' : ` at ${of.mail.receivedAt.slice(11, 19)} UTC`;
  return cancelledAtOnce(m, { duplicateOf: ofId, reason: `not sent: the same text went to ${m.to}${when} (${ofId}); duplicate detection is on` }, input);
}

/** The SMS as stored when it must not go at all (a duplicate, an opted-out number): final at once, confirmed by the sender's notify level. */
export function cancelledAtOnce(m: SmsMessage, why: Omit<StatusEvent, 'status' | 'at'>, input: Pick<ToSmsInput, 'now' | 'wantsConfirmation'>): SmsMessage {
  const at = input.now.toISOString();
  const event: StatusEvent = { status: 'cancelled', at, ...why };
  const cancelled: SmsMessage = { ...m, status: 'cancelled', history: [...m.history, event], confirmations: [] };
  if (input.wantsConfirmation(cancelled, 'cancelled')) cancelled.confirmations.push({ stage: 'cancelled', attempts: 0, notBefore: at });
  return cancelled;
}

function dsnOf(env: ToSmsInput['dsn'], rcpt: EnvelopeRecipient['dsn']): DsnRequest | undefined {
  const notify = (rcpt?.notify ?? []).map((n) => n.toUpperCase()) as DsnRequest['notify'];
  if (!notify.length && !env?.envid && !env?.ret) return undefined;
  return {
    notify,
    ...(env?.ret ? { ret: env.ret.toUpperCase() as 'FULL' | 'HDRS' } : {}),
    ...(env?.envid ? { envid: env.envid } : {}),
    ...(rcpt?.orcpt ? { orcpt: rcpt.orcpt } : {}),
  };
}

/**
 * A mail server retrying after a lost reply sends the same mail again: the
 * same Message-ID to the same number, saying the same (`fingerprint`, see
 * mailFingerprint). A Message-ID alone is not enough: ERPs reuse them (a
 * fixed value, a timestamp to the second), and a new text under an old id
 * must be a new SMS, not a "retry" dropped unseen. Without a fingerprint
 * (the bridge's own answers to a STOP, keyed by what they answer) the key
 * is the id and the number.
 */
export function dedupKey(account: string, messageId: string, e164: string, fingerprint?: string): string {
  return shortDigest(`${idKeyText(account, messageId)}\n${e164}${fingerprint ? `\n${fingerprint}` : ''}`);
}

/**
 * What stands for the Message-ID of a mail that has none (a bare ERP SMTP client; Postfix adds none to relayed mail by
 * default), so that it too is recognised when sent again after a lost 250: what a resend repeats, its Date header (to
 * the second) and its From, with the number, text and options every duplicate key holds. Mails of one sender in one
 * second differ in those; a client that writes a new Date for the resend is not recognised (nothing shows it is one).
 * Never logged or stored as the mail's Message-ID: the reuse warning is about ids a sender chose.
 */
function standInMessageId(p: Pick<ToSmsInput['parsed'], 'date' | 'fromAddress'>): string | undefined {
  return p.date && p.fromAddress ? `(no Message-ID) ${p.date.toISOString()} ${p.fromAddress.toLowerCase()}` : undefined;
}

/** The key of an id (a Message-ID, an Idempotency-Key) within an account: case and surrounding blanks do not count. */
export function idKey(account: string, id: string): string {
  return shortDigest(idKeyText(account, id));
}

const idKeyText = (account: string, id: string) => `${account}\n${id.trim().toLowerCase()}`;

/**
 * What a mail says, as a retry repeats it: the SMS text as it goes out and
 * the sending options as written (options.ts writtenOptions: the headers
 * and tags word for word, so a relative send time like [AT:morgen 09:00]
 * matches however it resolves on the day of the retry, and so does an
 * option left to the account's default). Not in it: the sender address, the
 * subject beyond its tags, the time the mail came, anything resolved from
 * the options. So the same text and options to the same number under the
 * same Message-ID are one SMS; another text, sender ID, send time (as
 * written), reference or any other option under it are another.
 */
export function mailFingerprint(text: string, written: string): string {
  return shortDigest(`${text.length}:${text}\n${written}`);
}

/** Duplicate detection by content: the same text from the same sender address to the same number. */
export function contentKey(account: string, sender: string, e164: string, text: string): string {
  return shortDigest(`content\n${account}\n${sender}\n${e164}\n${text}`);
}

/**
 * The first 22 characters (132 bits) of the SHA-256's base64url, as a string
 * of its own. A plain `.slice(0, 22)` is a V8 sliced string that keeps the whole
 * 43-character encoding alive behind it: ~100 instead of ~40 bytes for every
 * key the store remembers over its duplicate window (100,000 keys for a
 * month-end run). The copy through latin1 costs well under a microsecond.
 * crypto.hash, one call without a Hash object: ~1.1 µs a key here against
 * ~1.7 with createHash, three or more keys a mail.
 */
export function shortDigest(data: string): string {
  return Buffer.from(hash('sha256', data, 'base64url').slice(0, 22), 'latin1').toString('latin1');
}
