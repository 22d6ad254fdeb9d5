/**
 * What a confirmation says: subject line, headline and the data the body
 * templates render, in the sender's language (the words are in wording/).
 * Kept apart from MIME building so the sentences a clerk reads can be tested
 * on tables without parsing mail.
 */
import { withoutOptionTags } from '../mail/options.js';
import { withoutPrefixes } from '../mail/subject-prefix.js';
import { DIRECTION_OVERRIDES } from '../sms/invisible.js';
import { analyzeText } from '../sms/segments.js';
import { connectorMessageIdOf, dueAt, isUnreported, type ConfirmationStage, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';
import { eventReason, isRetry, RETRY_WAIT } from './hold-words.js';
import { wordingFor, type Wording } from './wording/index.js';
import type { Fields, Labels } from './wording/types.js';

/** What the body templates see as `it`. */
export interface ConfirmationView {
  to: string;
  status: ConfirmationStage;
  /** One sentence saying what happened, e.g. "Your SMS to +49… was delivered at …". */
  headline: string;
  reason?: string;
  /** The SMS text, one entry per line, for quoting. */
  textLines: string[];
  /** "2 SMS parts, GSM 7-bit", or "1 SMS part, Unicode (UCS-2) because of "ç"". */
  length: string;
  stages: Array<{ label: string; at: string; reason?: string }>;
  id: string;
  connectorMessageId?: string;
  originalSubject?: string;
  /** The sender's own reference (X-SMS-Reference, [REF:…]). */
  reference?: string;
  billingCode?: string;
  /** When the sender asked the SMS to go out, formatted; absent for "at once". */
  sendAt?: string;
  /** Sender ID the SMS goes out with; absent: the carrier's default. */
  sender?: string;
  flash: boolean;
  /** How to cancel, when a reply can still cancel the SMS. */
  cancelHint?: string;
  /** The templates' words in the confirmation's language: as they are (HTML), and as padded "Label:" columns (text). */
  label: Labels;
  field: Fields;
  /** For a report whose client asked RET=FULL: whether the mail is returned in full or only its headers, and why. */
  returned?: string;
}

const MAX_QUOTED_SUBJECT = 60;

/** 'SMS delivered to +49…: "<original subject>"', the original cut short so the outcome stays visible. */
export function subjectFor(sms: SmsMessage, status: ConfirmationStage, w: Wording = wordingFor('en')): string {
  const event = eventFor(sms, status);
  const head = status === 'cancelled' && event?.duplicateOf ? w.subject.duplicate(sms.to)
    : event?.uncertain ? w.uncertain.subject(sms.to) : isUnreported(event) ? w.uncertain.unreportedSubject(sms.to) : w.subject[status](sms.to);
  return withOriginalSubject(correctionOf(sms, event) ? w.uncertain.correctionSubject(head) : head, sms.mail.subject, w);
}

/**
 * The late answer that corrected an earlier "not confirmed" (StatusEvent.uncertain), when `event` is
 * that correction or came after it: its confirmation says it corrects the earlier mail.
 */
export function correctionOf(sms: SmsMessage, event: StatusEvent | undefined): StatusEvent | undefined {
  const at = event ? sms.history.indexOf(event) : -1;
  const i = sms.history.findIndex((e, n) => e.late === 'correction' && n <= at && sms.history.slice(0, n).some((x) => x.uncertain));
  return i < 0 ? undefined : sms.history[i];
}

/**
 * The outcome, then the sender's subject in quotes. Not "Re:": after the
 * outcome it read like part of the sender's subject, and threading is the
 * job of In-Reply-To/References, which every confirmation carries.
 */
export function withOriginalSubject(head: string, subject: string | undefined, w: Wording): string {
  const original = cleanSubject(subject);
  return original ? w.subjectWith(head, original) : head;
}

/**
 * A subject as one line of plain text: control characters (a CR LF from an
 * encoded word would start a line of its own, "Bcc: …", in the body) become
 * a space, and direction overrides go (they turn the text around them).
 */
export function oneLine(subject: string | undefined): string | undefined {
  return subject?.replace(DIRECTION_OVERRIDES, '').replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/** The sender's subject as a confirmation quotes it: one line, without the option tags the SMS was sent with. */
export function quotedSubject(subject: string | undefined): string | undefined {
  return oneLine(subject === undefined ? undefined : withoutOptionTags(subject));
}

function cleanSubject(subject: string | undefined): string {
  const flat = quotedSubject(subject) ?? '';
  // A reply's or forward's prefixes say nothing about the SMS ("Re: AW: WG: Fwd:").
  const bare = withoutPrefixes(flat);
  return bare.length > MAX_QUOTED_SUBJECT ? `${bare.slice(0, MAX_QUOTED_SUBJECT - 1).trimEnd()}…` : bare;
}

/** RFC 5322 date-time, always in UTC ("Mon, 23 Nov 2026 14:05:09 +0000"). */
export function rfc5322Date(iso: string | Date): string {
  return new Date(iso).toUTCString().replace(/GMT$/, '+0000');
}

/** The latest history entry for `status`: a retried SMS can pass a stage more than once. Part records do not count (see StatusEvent.part). */
export function eventFor(sms: SmsMessage, status: ConfirmationStage): StatusEvent | undefined {
  // Nor do notes of a late answer (the SMS went twice), which keep the status they record beside.
  return lastOf(sms.history, (e) => e.status === status && !e.part && e.late !== 'note');
}

/**
 * The event a confirmation of `stage` reports: its status's latest, or for a
 * delay report the SMS's latest (where it stands, and why), passing over our
 * `submitting` marker of an attempt under way, which says nothing of either.
 */
export function reportedEvent(sms: SmsMessage, stage: ConfirmationStage): StatusEvent | undefined {
  return stage === 'delayed' ? lastOf(sms.history, (e) => !e.part && e.late !== 'note' && e.status !== 'submitting') : eventFor(sms, stage);
}

// Array#findLast is ES2023; the project targets ES2022.
function lastOf<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return items[i];
  return undefined;
}

export interface ViewOptions {
  now: Date;
  timeZone?: string;
  canCancelByReply?: boolean;
  /** The words of the sender's language; English when absent. */
  wording?: Wording;
  /** text.transliterate, for what made the text Unicode; on when absent, as by default. */
  transliterate?: boolean;
}

export function confirmationView(sms: SmsMessage, status: ConfirmationStage, opts: ViewOptions): ConfirmationView {
  const w = opts.wording ?? wordingFor('en');
  const time = (iso: string) => w.time(iso, opts.timeZone);
  const event = reportedEvent(sms, status);
  return {
    to: sms.to,
    status,
    headline: headline(sms, status, event, time(event?.at ?? opts.now.toISOString()), w, time, opts.timeZone),
    reason: event && reasonOf(event, w, opts.timeZone),
    textLines: sms.text.split(/\r\n|\r|\n/),
    length: w.length(sms.segments, sms.encoding, unicodeBecause(sms, opts.transliterate ?? true)),
    // `submitting` is an internal crash marker; the clerk sees when it left us (`submitted`).
    stages: sms.history
      .filter((e) => e.status !== 'submitting')
      .map((e) => ({ label: stageLabel(e, w), at: time(e.at), reason: e.part ? undefined : reasonOf(e, w, opts.timeZone) })),
    id: sms.id,
    connectorMessageId: connectorMessageIdOf(sms),
    originalSubject: quotedSubject(sms.mail.subject),
    reference: sms.reference,
    billingCode: sms.billingCode,
    sendAt: sms.sendAt ? time(sms.sendAt) : undefined,
    sender: sms.sender,
    flash: sms.flash === true,
    cancelHint: opts.canCancelByReply && sms.status === 'accepted' ? w.cancelHint : undefined,
    label: w.labels,
    field: w.fields,
  };
}

/**
 * What made the SMS Unicode, as its preview and a 552 name it (review 4b, F8:
 * "Unicode (UCS-2)" alone did not say which character doubled the price).
 */
export function unicodeBecause(sms: SmsMessage, transliterate: boolean): string[] {
  // At most five, as the 552 names them: a Cyrillic text would list its alphabet.
  return sms.encoding === 'UCS2' ? analyzeText(sms.text, { transliterate }).nonGsm.slice(0, 5) : [];
}

function stageLabel(e: StatusEvent, w: Wording): string {
  if (e.part) return w.partDelivered(e.part.index, e.part.of);
  if (e.uncertain) return w.uncertain.stage;
  if (isUnreported(e)) return w.uncertain.unreportedStage;
  return e.until ? w.held : isRetry(e) ? w.waiting : w.stage[e.status];
}

/**
 * The reason in the language: a quiet-hours hold and a retry's wait worded
 * from their data (hold-words.ts), a cancel's "by <who>", which the bridge
 * wrote itself. Reasons from connectors, carriers and the bridge's policies
 * stay as recorded (English), and so do holds recorded as text.
 */
export function reasonOf(e: StatusEvent, w: Wording, timeZone?: string): string | undefined {
  if (e.by && e.reason === `by ${e.by}`) return w.cancelledByReason(e.by);
  if (e.quiet || e.retryAt) return eventReason(e, w, timeZone);
  // A hold's label says it was held ("Held (held for quiet hours …)" said it twice).
  if (e.until && e.reason) return e.reason.replace(/^held for /, 'for ');
  const retry = e.reason === undefined ? null : RETRY_WAIT.exec(e.reason);
  if (!retry) return e.reason;
  // Recorded as text: worded as a wait kept as data, the next attempt counted from the event's time.
  return eventReason({ ...e, reason: retry[1], retryAt: new Date(Date.parse(e.at) + Number(retry[2]) * 1000).toISOString() }, w, timeZone);
}

/**
 * A reason as a headline splices it in: without a retry's wait, which was true when recorded, not when a
 * delay report goes; a hold worded as the history words it.
 */
function whyOf(event: StatusEvent | undefined, w: Wording, timeZone?: string): string | undefined {
  if (event?.retryAt) return event.throttled ? w.retry.slowDown : event.reason;
  const reason = event?.quiet ? reasonOf(event, w, timeZone) : event?.reason;
  return reason?.replace(RETRY_WAIT, '$1').trim().replace(/[.\s]+$/, '');
}

function headline(sms: SmsMessage, status: ConfirmationStage, event: StatusEvent | undefined, at: string, w: Wording, time: (iso: string) => string, timeZone?: string): string {
  const facts = {
    to: sms.to,
    at,
    // The reason is spliced into a sentence that ends with its own full stop.
    why: whyOf(event, w, timeZone) || w.noReason,
    by: event?.by ? w.who(event.by) : undefined,
  };
  if (status === 'accepted' && Date.parse(sms.notBefore) > Date.parse(event?.at ?? sms.mail.receivedAt)) {
    return w.headline.scheduled({ ...facts, sendAt: time(sms.notBefore) });
  }
  if (status === 'cancelled' && event?.duplicateOf) return w.headline.duplicate({ ...facts, duplicateOf: event.duplicateOf });
  // Since when it was due (its send time or the end of a hold), and whether the carrier has it.
  if (status === 'delayed') return w.headline.delayed({ ...facts, at: time(dueAt(sms)), withCarrier: sms.status === 'submitted' });
  if (event?.uncertain) return event.backup ? w.uncertain.afterRestore(facts, event.answerableUntil !== undefined) : w.uncertain.headline(facts);
  if (isUnreported(event)) return w.uncertain.unreported(facts);
  if (status === 'submitted' && event?.status === 'submitted' && event.backup === 'sent') return w.uncertain.sentBefore(facts, event.connectorMessageId !== undefined);
  const corrected = correctionOf(sms, event);
  if (!corrected) return w.headline[status](facts);
  return `${w.headline[status](facts)} ${(corrected.connectorMessageId ? w.uncertain.taken : w.uncertain.refused)(time(corrected.at))}`;
}
