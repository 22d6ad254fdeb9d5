/**
 * The first half of turning a mail into SMS, shared by sending and by the
 * preview: the sending options, the text a person meant and how it encodes.
 * Pure. Only bad option values are refusals here; a text that is empty or
 * too long is judged by `draftProblem`, so a preview can still show it.
 */
import { analyzeText } from '../sms/segments.js';
import type { SmsText } from '../sms/types.js';
import { errors, SmtpError } from '../smtp/errors.js';
import { extractText, type ExtractOptions, type ExtractResult } from './extract.js';
import { callbackFor } from '../notify/callbacks/account.js';
import { describeOptionError, parseSmsOptions, STATUS_CALLBACK_OPTION, type OptionError, type SmsOptions } from './options.js';
import type { ParsedMail } from './parse.js';
import { earliestReceived } from './received.js';
import { senderIdRefusal, type SendingPolicy } from './recipient-plan.js';
import { allowedSenderIds } from '../accounts/sender-ids.js';
import type { StatusCallback } from '../store/types.js';

export interface DraftInput {
  parsed: ParsedMail;
  envelopeFrom: string;
  now: Date;
  options: { timeZone: string; maxAheadDays: number };
  text: ExtractOptions & { senderSignaturePatterns: Readonly<Record<string, readonly string[]>>; transliterate: boolean; maxSegments: number };
  /** The account's sender IDs, validity, duplicate detection and quiet hours; none when absent. */
  policy?: SendingPolicy;
  /** Whether a relay at this address is one of ours (a trusted network), so the Received: line it wrote counts (received.ts); none: only the topmost. */
  trustedHop?: (ip: string) => boolean;
}

export interface Draft {
  options: SmsOptions;
  /** The subject with the option tags taken out. */
  subject: string;
  extracted: ExtractResult;
  sms: SmsText;
  /** The lower of the mail's and the account's limit. */
  maxSegments: number;
  /** The send time asked for, which had passed when the mail came: the SMS goes at once (option-sources.ts). */
  passed?: Date;
  /** Where the SMS's statuses would be pushed (the mail's or request's, else the account's default), and which; none when absent. */
  callback?: StatusCallback;
}

export function draftSms(input: DraftInput): Draft | SmtpError {
  const { parsed } = input;
  // A mail without a (readable) Date was written at the latest when its first relay we trust took it (received.ts), or when it came:
  // bare ERP mail must not send a past time at once, nor a relay's delay turn a time that was ahead into a refusal.
  const written = parsed.date ?? earliestReceived(parsed.received ?? [], input.trustedHop ?? (() => false)) ?? input.now;
  const senderIds = input.policy ? allowedSenderIds(input.policy.sender) : [];
  const r = parseSmsOptions({ headers: parsed.headers, subject: parsed.subject, now: input.now, written, blankIsUnset: true, senderIds, ...input.options });
  if ('errors' in r) return errors.BadOption(badOptions(r, input.policy));
  const { subject } = r;
  const options = withAccountDefaults(r.options, input.policy);
  // Here, where sending and the preview part: a preview is refused what a send would be.
  const callback = input.policy && callbackFor(input.policy.callbacks, { url: options.statusCallback, level: options.statusCallbackLevel });
  if (callback && 'refused' in callback) return errors.CallbackNotAllowed(callback.refused);
  const signaturePatterns = [...input.text.signaturePatterns, ...senderPatterns(input.text.senderSignaturePatterns, [parsed.fromAddress, input.envelopeFrom])];
  const mail = { text: parsed.text, html: parsed.html, subject, tnef: parsed.tnef, textInHeader: parsed.textInHeader, attached: parsed.attached, reply: answersMail(parsed) };
  const extracted = extractText(mail, { ...input.text, signaturePatterns });
  const draft = draftOf(options, subject, extracted, input.text, callback);
  return r.passed ? { ...draft, passed: r.passed } : draft;
}

/**
 * The options with the account's defaults that stand as if given (the
 * billing code): stored on the SMS, shown in the preview and the
 * confirmations like the mail's own. Defaults that rules apply per
 * recipient (sender ID, validity, quiet hours) stay in the policy.
 */
export function withAccountDefaults(options: SmsOptions, policy: Pick<SendingPolicy, 'billingCode'> | undefined): SmsOptions {
  return policy?.billingCode && options.billingCode === undefined ? { ...options, billingCode: policy.billingCode } : options;
}

/**
 * What the one refusal of options with bad values (BadOption) says, for a
 * mail and a REST request alike: every bad value, and a sender ID or a
 * status callback URL the account may not use, which would be refused only
 * at the client's next try, once the values were fixed. `name`: the option
 * as the caller calls it (the REST API's fields).
 */
export function badOptions(bad: { errors: OptionError[]; read: SmsOptions }, policy: SendingPolicy | undefined, name = (option: string) => option): string {
  const sentences = bad.errors.map((e) => describeOptionError({ ...e, option: name(e.option) }));
  const sender = policy && senderIdRefusal(bad.read.senderId, policy.sender);
  if (sender) sentences.push(sender.text);
  const callback = policy && callbackFor(policy.callbacks, { url: bad.read.statusCallback });
  if (callback && 'refused' in callback) sentences.push(`${name(STATUS_CALLBACK_OPTION)}: ${callback.refused}`);
  return sentences.join('; ');
}

/**
 * The draft of a text as the sender meant it — extracted from a mail, or
 * given as it is to the REST API, where nothing is cut: the same encoding,
 * segments and limit either way.
 */
export function draftOf(options: SmsOptions, subject: string, extracted: ExtractResult, text: { transliterate: boolean; maxSegments: number }, callback?: StatusCallback): Draft {
  const sms = analyzeText(extracted.text, { transliterate: text.transliterate });
  // A sender may ask for fewer segments than the gateway allows, never more.
  const maxSegments = Math.min(options.maxSegments ?? Infinity, text.maxSegments);
  return { options, subject, extracted, sms, maxSegments, ...(callback ? { callback } : {}) };
}

/**
 * Why the draft's text cannot go out (nothing left, too long), or undefined.
 * `sms`: the draft's text as counted for the route that takes most parts
 * (src/dispatch/udh-size.ts); the draft's own count when not known yet.
 */
export function draftProblem(d: Draft, sms: SmsText = d.sms): SmtpError | undefined {
  if (d.extracted.unreadable === 'tnef') return errors.RichTextOnly();
  if (d.extracted.unreadable === 'in-header') return errors.NoBody();
  // segments 0: nothing left once invisible characters were removed.
  if (!d.extracted.text.trim() || sms.segments === 0) return errors.NoText();
  if (sms.segments <= d.maxSegments) return undefined;
  return errors.TooManySegments(String(sms.segments), String(d.maxSegments), lengthDetail(sms));
}

/**
 * The characters as the clerk counts them (review 4b, F8: "920 characters"
 * for 910 and ten € could not be made to fit), what they count as where
 * that differs and why, what made the text Unicode, and a segment's capacity.
 */
function lengthDetail(sms: SmsText): string {
  const unicode = sms.encoding === 'UCS2' ? ` in Unicode because of ${sms.nonGsm.slice(0, 5).map((c) => `"${c}"`).join(' ')}` : '';
  const twice = sms.encoding === 'UCS2' ? 'an emoji counts twice' : '€ [ ] { } ~ ^ \\ | count twice';
  const counted = sms.units === sms.characters ? '' : `, counted as ${sms.units} because ${twice}`;
  return `${sms.characters} characters${unicode}${counted}, ${sms.perSegment} per segment`;
}

/** The mail's headers say it answers another: its '>' lines are quotes (extract.ts). */
export function answersMail(parsed: Pick<ParsedMail, 'inReplyTo' | 'references'>): boolean {
  return parsed.inReplyTo !== undefined || parsed.references.length > 0;
}

/** Patterns configured for these senders' addresses or domains. */
export function senderPatterns(bySender: Readonly<Record<string, readonly string[]>>, senders: Array<string | undefined>): string[] {
  const keys = new Set<string>();
  for (const s of senders) {
    const addr = s?.trim().toLowerCase();
    if (!addr) continue;
    keys.add(addr);
    keys.add(addr.slice(addr.lastIndexOf('@')));
  }
  const lower = Object.entries(bySender).map(([k, v]) => [k.toLowerCase(), v] as const);
  return lower.filter(([k]) => keys.has(k)).flatMap(([, v]) => v);
}
