/**
 * The shape of one language's wording of confirmations and preview answers.
 * Each language is a table of strings and small functions (en.ts, de.ts), so
 * that everything a clerk reads in that language sits in one file and a
 * missing sentence is a type error, not an English word in a German mail.
 */
import type { SmsMessage, SmsStatus } from '../../store/types.js';
import type { CutKind } from '../../mail/extract.js';
import type { Weekday } from '../../dispatch/quiet-hours.js';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What a headline sentence may mention; `at` and `sendAt` are already formatted in the language. */
export interface HeadlineFacts {
  to: string;
  at: string;
  /** The reason without its final full stop, or the language's "no reason given". */
  why: string;
  /** Who cancelled, in the language (Wording.who). */
  by?: string;
  sendAt?: string;
  /** Our reference of the earlier SMS this one repeats. */
  duplicateOf?: string;
  /** For a delay report: the SMS is with the carrier (its delivery report outstanding), not still with us. */
  withCarrier?: boolean;
}

/** Besides the statuses: an accepted SMS that waits for its send time, one not sent as a duplicate, and one not delivered yet long after it was due (a delay report). */
export type HeadlineKind = SmsStatus | 'scheduled' | 'duplicate' | 'delayed';

/** Words of the body templates (templates/confirmation.*.eta), without colons. */
export interface Labels {
  /** Title of the HTML body, followed by the number. */
  smsTo: string;
  recipient: string;
  reason: string;
  sendTime: string;
  sender: string;
  flash: string;
  flashYes: string;
  length: string;
  yourText: string;
  history: string;
  yourReference: string;
  /** The cost centre the mail named ([BC:…], X-SMS-Billing-Code). */
  billingCode: string;
  ourReference: string;
  carrierReference: string;
  yourMail: string;
  /** Footer of a confirmation that cannot be answered. */
  footer: string;
  /** Footer of one whose reply can cancel the SMS. */
  footerCancel: string;
}

/** One language's table, as en.ts and de.ts write it. */
export interface WordingTable {
  language: Language;
  /** A time for the body, in `timeZone`, with its zone (src/notify/times.ts). */
  time(iso: string, timeZone?: string): string;
  /** The outcome part of the subject line. */
  subject: Record<SmsStatus | 'duplicate' | 'delayed', (to: string) => string>;
  /** The outcome followed by the sender's own subject, quoted. */
  subjectWith(head: string, original: string): string;
  headline: Record<HeadlineKind, (f: HeadlineFacts) => string>;
  noReason: string;
  /** What a delivery report returns of the mail, for a client that asked RET=FULL (notify/returned.ts). */
  returned: Record<'full' | 'gone' | 'notKept' | 'off' | 'unfit' | 'sevenBit', string> & {
    /** A mail over notify.returnFullMaxBytes: its size and that limit, in bytes. */
    tooLarge(bytes: number, limit: number): string;
  };
  /** Who cancelled (StatusEvent.by, written in English by the bridge) as the headline names it. */
  who(by: string): string;
  /** The history's reason of a cancel that says only who cancelled ("by reply from …"). */
  cancelledByReason(by: string): string;
  stage: Record<SmsStatus, string>;
  held: string;
  /** The stage of a retry's wait: a failed attempt put the SMS back in the queue. */
  waiting: string;
  quiet: QuietWording;
  retry: RetryWording;
  partDelivered(index: number, of: number): string;
  encoding: Record<SmsMessage['encoding'], string>;
  /** "1 SMS part, GSM 7-bit"; for Unicode the characters that made it so (`because`), when known. */
  length(segments: number, encoding: SmsMessage['encoding'], because?: string[]): string;
  cancelHint: string;
  labels: Labels;
  preview: PreviewWording;
  uncertain: UncertainWording;
  reply: ReplyWording;
  together: TogetherWording;
}

/** A quiet-hours hold (StatusEvent.quiet) as the history shows it, after the stage "Held" (src/notify/hold-words.ts). */
export interface QuietWording {
  /** Who set the rule: an account, a country (its name in the language), the sender's own mail. */
  account(name: string): string;
  country(name: string): string;
  mail: string;
  /** A daily window, "HH:MM" each, in the recipient's local time. */
  window(from: string, to: string): string;
  /** Whole weekdays without SMS: "Sundays". */
  days(days: Weekday[]): string;
  /** Whole dates without SMS, "MM-DD" every year or "YYYY-MM-DD" once: public holidays, or any other closing day. */
  dates(dates: string[]): string;
  /** "a, b and c". */
  list(items: string[]): string;
  /**
   * The hold: whose rule, what it holds, when the SMS goes in the recipient's clock (when it differs from the reader's)
   * and the reader's. `where`: the rule is read in a zone that need not be the recipient's (one it names, or the
   * account's), given as its offset ("UTC+01:00"); then it is not called their local time, and `theirs` is not given.
   */
  hold(f: { by: string; rule: string; theirs?: string; where?: string; ours: string }): string;
  /** A blackout period of the mail's own ([BLACKOUTPERIODS:…]), its start and end and when the SMS goes, in the reader's time. */
  period(f: { by: string; from: string; to: string; ours: string }): string;
  /** The rule (as in `hold`, or a period's start and end) leaves no time to send within two weeks: a mail refused for it (SMTP NoTimeToSend), an SMS failed for it. */
  /** `local`: the rule is read in the recipient's country's zones ("their local time"). */
  noTime(f: { by: string; rule: string; local: boolean }): string;
  noTimePeriod(f: { by: string; from: string; to: string }): string;
  /** Added to the refusal's reason: the mail was not taken. */
  notQueued: string;
}

/** A retry's wait (StatusEvent.retryAt): the carrier asked us to slow down, or the attempt failed for now, and when it is tried next. */
export interface RetryWording {
  slowDown: string;
  /** `reason`: the connector's, as recorded (English). */
  failed(reason: string): string;
  /** `at` formatted. */
  next(at: string): string;
}

/**
 * A confirmation for several SMS of one mail (src/notify/format-group.ts):
 * one outcome for all, or each outcome with how many had it.
 */
export interface TogetherWording {
  /** "3 numbers": what the subjects' `to` says for all of them ("SMS delivered to 3 numbers"). */
  numbers(n: number): string;
  /** The subject's outcome when they differ: "SMS to 3 numbers: 2 delivered, 1 failed"; `counts` from `count`. */
  mixedSubject(numbers: string, counts: string[]): string;
  /** One outcome and how many had it, for the subject: "2 delivered". */
  count: Record<HeadlineKind, (k: number) => string>;
  /** The sentence on top: one outcome for all n, or each with its count (in the order given). */
  headline(n: number, outcomes: Array<[HeadlineKind, number]>): string;
  /** A row's status for an SMS not sent as a duplicate. */
  duplicate: string;
  /** A waiting SMS's note: when it goes (formatted). */
  sendsAt(at: string): string;
  /** Column and block titles, without colons. */
  number: string;
  status: string;
  time: string;
  details: string;
  references: string;
  /** Above the cancel addresses: a reply cancels every SMS listed, its own address only one. */
  cancelHint: string;
}

/**
 * An SMS failed because the carrier did not confirm whether it took it
 * (StatusEvent.uncertain), and the confirmation of a late answer that
 * corrects that mail (StatusEvent.late).
 */
export interface UncertainWording {
  subject(to: string): string;
  /** Whole: the recorded reason is English and this one must be read in the sender's language. */
  headline(f: HeadlineFacts): string;
  stage: string;
  /** Its headline when the SMS was being handed over as the backup this store was restored from was taken (StatusEvent.backup). */
  /** `answerable`: a late report may still correct it (StatusEvent.answerableUntil), and the clerk is told so. */
  afterRestore(f: HeadlineFacts, answerable: boolean): string;
  /** An SMS the bridge a restored backup was taken of sent, whose delivery report went there (isUnreported): its subject, headline and stage. */
  unreportedSubject(to: string): string;
  unreported(f: HeadlineFacts): string;
  unreportedStage: string;
  /**
   * Its headline when it is settled as handed over by the bridge a restored backup was taken of (a `submitted` event
   * with backup sent: an operator's mark, or a report naming it): not with the time of that settling, which may be days
   * later. `reported`: a report here named its carrier id, so the next one reaches this service too.
   */
  sentBefore(f: HeadlineFacts, reported: boolean): string;
  /** The subject of a later confirmation that corrects it. */
  correctionSubject(head: string): string;
  /** Added to its headline: the carrier took it after all (at its answer's time), or did not. */
  taken(at: string): string;
  refused(at: string): string;
}

/** The mail that forwards a handset's reply to the SMS's sender (src/notify/reply-mail.ts). */
export interface ReplyWording {
  /** Subject: the number, then the reply's start (already cut short). */
  subject(number: string, start: string): string;
  /** The line above the customer's words: who wrote, when (formatted). */
  intro(number: string, at: string): string;
  /** Labels of the facts below the reply, without colons. */
  from: string;
  received: string;
  sentTo: string;
  /** "It answers your SMS of <time> to <number>:" */
  answers(at: string, to: string): string;
  yourReference: string;
  ourReference: string;
  yourMail: string;
  stop(number: string, sender: string): string;
  start(number: string, sender: string): string;
  /** How to answer by SMS: reply to this mail. */
  howToAnswer(number: string, sender: string): string;
}

/** The answer to a preview (src/notify/preview.ts). */
export interface PreviewWording {
  subject: string;
  intro: string;
  refused(reply: string): string;
  /**
   * Introduces the quoted text: "<n> characters, <encoding>, <n> SMS parts (up to <per> per part):"; where
   * `units` (what a part holds) differ from the characters a person counts, it says how many and why.
   */
  textAsSent(count: { characters: number; units: number }, encoding: SmsMessage['encoding'], segments: number, perSegment: number): string;
  splitInto: string;
  forcedUnicode(chars: string[]): string;
  /** Typographic characters left as written, because the text goes in Unicode anyway (replacing them would save nothing). */
  kept(chars: string[]): string;
  allGsm: string;
  /** Characters no charset could read, going out as `shown` (U+FFFD or "?"). */
  lost(count: number, shown: string): string;
  /** The mail's attachments, which do not go along. */
  attachments(count: number): string;
  /** A text part's declared charset that is unknown (`charset` as declared, made printable): how it was read instead, as a send's 250 says. */
  unknownCharset(charset: string): string;
  replaced(items: Array<{ from: string; to: string; count: number }>): string;
  /** Invisible characters removed, by code point ("U+200B"). */
  removed(items: Array<{ code: string; count: number }>): string;
  cutFrom: string;
  nothingCut: string;
  cut: Record<CutKind, string>;
  fromSubject: string;
  /** The text is the subject's because the body held nothing but what was cut (a signature, a disclaimer). */
  fromSubjectAllCut: string;
  /** The text is the forwarded mail's (nothing of the sender's own above it). */
  fromForward: string;
  /** The text is the forwarded mail's, the sender's own line above it only an introduction ("FYI"). */
  fromForwardIntroduced: string;
  options(parts: string[]): string;
  /** Where each status would be pushed (its query left out, as in the logs) and at which level (failure, final, all). */
  callback(url: string, level: string): string;
  option: {
    sendAt(t: string): string;
    senderId(s: string): string;
    reference(r: string): string;
    billingCode(code: string): string;
    notify(level: string): string;
    validity(hours: number): string;
    flash: string;
    express: string;
    /** Express asked for by an account that may not send it (accounts[].allowExpress): it would go as a normal SMS. */
    expressNotAllowed: string;
    maxSegments(n: number): string;
    duplicateDetection(on: boolean): string;
    blackout(periods: string[]): string;
    period(start: string, end: string): string;
  };
  perRecipient: string;
  noRecipients: string;
  wouldBeRefused(reply: string): string;
  sender(id: string, note?: string): string;
  defaultSender: string;
  wouldGoAt(t: string): string;
  validUntil(t: string): string;
}

/** The labels of the plain-text body's two blocks, with colon and padded so the values line up. */
export type Fields = Record<'recipient' | 'reason' | 'sendTime' | 'sender' | 'flash' | 'length' | 'yourReference' | 'billingCode' | 'ourReference' | 'carrierReference' | 'yourMail', string>;

export interface Wording extends WordingTable {
  fields: Fields;
}
