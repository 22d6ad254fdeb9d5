/**
 * What a confirmation for several SMS of one mail says (gather.ts): one
 * subject and headline for all of them, a row per number with its own
 * status and time, and the text once. The words are the languages' (wording/
 * `together`, with the statuses' own); kept apart from MIME like format.ts.
 */
import type { ConfirmationStage, SmsMessage } from '../store/types.js';
import { connectorMessageIdOf } from '../store/types.js';
import { isRetry } from './hold-words.js';
import { eventFor, quotedSubject, reportedEvent, reasonOf, unicodeBecause, withOriginalSubject } from './format.js';
import { wordingFor, type Wording } from './wording/index.js';
import type { Fields, HeadlineKind, Labels, TogetherWording } from './wording/types.js';

/** One SMS of the mail, with the status this confirmation reports for it. */
export interface Confirmed {
  sms: SmsMessage;
  status: ConfirmationStage;
}

export interface TogetherRow {
  to: string;
  /** Its status in words ("Delivered", "Not sent again (duplicate)"). */
  label: string;
  at: string;
  /** The reason, or when a waiting SMS goes. */
  note?: string;
  id: string;
  connectorMessageId?: string;
  /** Its sender ID, when the SMS of the mail do not all have the same. */
  sender?: string;
  /** The address whose CANCEL cancels this SMS alone, when it may still be cancelled. */
  cancelAddress?: string;
  /** Number and label padded to their columns, for the plain-text body. */
  toCol: string;
  labelCol: string;
}

/** What templates/confirmation-group.*.eta see as `it`. */
export interface TogetherView {
  headline: string;
  rows: TogetherRow[];
  textLines: string[];
  length: string;
  /** The sender ID all of them go out with; absent: the carrier's default, or they differ (each row then says). */
  sender?: string;
  flash: boolean;
  reference?: string;
  billingCode?: string;
  originalSubject?: string;
  /** How to cancel, when a reply can still cancel some of them (those rows carry a cancelAddress). */
  cancelHint?: string;
  cancels: TogetherRow[];
  label: Labels;
  field: Fields;
  words: TogetherWording;
  /** As ConfirmationView's: what a report returns of the mail, for a client that asked RET=FULL. */
  returned?: string;
}

/** The order outcomes are named in: what went well first, then what did not. */
const ORDER: readonly HeadlineKind[] = ['delivered', 'submitted', 'submitting', 'accepted', 'scheduled', 'delayed', 'failed', 'expired', 'rejected', 'cancelled', 'duplicate'];

/** How the headline and subject count an SMS: its status, or the two kinds of acceptance and cancel that read differently. */
export function kindOf({ sms, status }: Confirmed): HeadlineKind {
  const event = eventFor(sms, status);
  if (status === 'cancelled' && event?.duplicateOf) return 'duplicate';
  if (status === 'accepted' && Date.parse(sms.notBefore) > Date.parse(event?.at ?? sms.mail.receivedAt)) return 'scheduled';
  return status;
}

/** Each outcome among `all` with how many had it, in ORDER. */
export function outcomes(all: readonly Confirmed[]): Array<[HeadlineKind, number]> {
  const counts = new Map<HeadlineKind, number>();
  for (const c of all) counts.set(kindOf(c), (counts.get(kindOf(c)) ?? 0) + 1);
  return ORDER.filter((k) => counts.has(k)).map((k) => [k, counts.get(k)!]);
}

/** 'SMS delivered to 3 numbers: "<subject>"', or 'SMS to 3 numbers: 2 delivered, 1 failed: "<subject>"'. */
export function togetherSubject(all: readonly Confirmed[], w: Wording = wordingFor('en')): string {
  const found = outcomes(all);
  const numbers = w.together.numbers(all.length);
  const [kind] = found[0];
  const head = found.length > 1 ? w.together.mixedSubject(numbers, found.map(([k, n]) => w.together.count[k](n)))
    : w.subject[kind === 'scheduled' ? 'accepted' : kind](numbers);
  return withOriginalSubject(head, all[0].sms.mail.subject, w);
}

export interface TogetherOptions {
  now: Date;
  timeZone?: string;
  wording?: Wording;
  /** Each SMS's cancel address, for those that may still be cancelled by a reply. */
  cancelAddress?: (sms: SmsMessage, status: ConfirmationStage) => string | undefined;
  /** text.transliterate, for what made the text Unicode (format.ts); on when absent, as by default. */
  transliterate?: boolean;
}

export function togetherView(all: readonly Confirmed[], opts: TogetherOptions): TogetherView {
  const w = opts.wording ?? wordingFor('en');
  const time = (iso: string) => w.time(iso, opts.timeZone);
  const { sms } = all[0];
  const senders = new Set(all.map((c) => c.sms.sender));
  const rows = all.map((c) => row(c, w, time, opts, senders.size > 1));
  const toWidth = Math.max(...rows.map((r) => r.to.length));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  for (const r of rows) [r.toCol, r.labelCol] = [r.to.padEnd(toWidth), r.label.padEnd(labelWidth)];
  const cancels = rows.filter((r) => r.cancelAddress);
  return {
    headline: w.together.headline(all.length, outcomes(all)),
    rows,
    textLines: sms.text.split(/\r\n|\r|\n/),
    length: w.length(sms.segments, sms.encoding, unicodeBecause(sms, opts.transliterate ?? true)),
    sender: senders.size === 1 ? sms.sender : undefined,
    flash: sms.flash === true,
    reference: sms.reference,
    billingCode: sms.billingCode,
    originalSubject: quotedSubject(sms.mail.subject),
    cancelHint: cancels.length ? w.together.cancelHint : undefined,
    cancels,
    label: w.labels,
    field: w.fields,
    words: w.together,
  };
}

function row(c: Confirmed, w: Wording, time: (iso: string) => string, opts: TogetherOptions, ownSender: boolean): TogetherRow {
  const { sms } = c;
  // A delay report's row says where the SMS stands (Handed to carrier, Accepted), with its time and reason.
  const status = c.status === 'delayed' ? sms.status : c.status;
  const event = reportedEvent(sms, c.status);
  const kind = kindOf(c);
  const reason = event && reasonOf(event, w, opts.timeZone);
  // A waiting SMS says when it goes, after why it waits (quiet hours) when it does; a hold or retry worded from its data says it already.
  const saysWhen = event?.quiet !== undefined || event?.retryAt !== undefined;
  const note = status === 'accepted' && Date.parse(sms.notBefore) > opts.now.getTime() && !saysWhen
    ? [reason, w.together.sendsAt(time(sms.notBefore))].filter(Boolean).join('; ') : reason;
  return {
    to: sms.to,
    label: kind === 'duplicate' ? w.together.duplicate : event?.until ? w.held : event && isRetry(event) ? w.waiting : w.stage[status],
    at: time(event?.at ?? opts.now.toISOString()),
    ...(note ? { note } : {}),
    id: sms.id,
    connectorMessageId: connectorMessageIdOf(sms),
    ...(ownSender && sms.sender ? { sender: sms.sender } : {}),
    cancelAddress: opts.cancelAddress?.(sms, c.status),
    toCol: sms.to,
    labelCol: '',
  };
}
