/**
 * Pure wording of a confirmation: subject line, readable times and the data
 * the body templates render. Kept apart from MIME building so the sentences a
 * clerk reads can be tested on tables without parsing mail.
 */
import { wallTimeIn, type WallTime } from '../mail/dates.js';
import { connectorMessageIdOf, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';

/** What the body templates see as `it`. */
export interface ConfirmationView {
  to: string;
  status: SmsStatus;
  /** One sentence saying what happened, e.g. "Your SMS to +49… was delivered at …". */
  headline: string;
  reason?: string;
  /** The SMS text, one entry per line, for quoting. */
  textLines: string[];
  segments: number;
  encoding: string;
  stages: Array<{ label: string; at: string; reason?: string }>;
  id: string;
  connectorMessageId?: string;
  originalSubject?: string;
  /** The sender's own reference (X-SMS-Reference, [REF:…]). */
  reference?: string;
  /** When the sender asked the SMS to go out, formatted; absent for "at once". */
  sendAt?: string;
  /** Sender ID the SMS goes out with; absent: the carrier's default. */
  sender?: string;
  flash: boolean;
  /** How to cancel, when a reply can still cancel the SMS. */
  cancelHint?: string;
}

const STAGE_LABEL: Record<SmsStatus, string> = {
  accepted: 'Accepted',
  submitting: 'Sending',
  submitted: 'Handed to carrier',
  delivered: 'Delivered',
  failed: 'Failed',
  expired: 'Expired',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

const SUBJECT: Record<SmsStatus, (to: string) => string> = {
  accepted: (to) => `SMS accepted for ${to}`,
  submitting: (to) => `SMS being sent to ${to}`,
  submitted: (to) => `SMS handed to carrier for ${to}`,
  delivered: (to) => `SMS delivered to ${to}`,
  failed: (to) => `SMS to ${to} failed`,
  expired: (to) => `SMS to ${to} expired`,
  rejected: (to) => `SMS to ${to} rejected`,
  cancelled: (to) => `SMS to ${to} cancelled`,
};

const ENCODING_LABEL: Record<SmsMessage['encoding'], string> = {
  GSM7: 'GSM 7-bit',
  UCS2: 'Unicode (UCS-2)',
};

const MAX_QUOTED_SUBJECT = 60;

/** "SMS delivered to +49…: Re: <original subject>", the original cut short so the outcome stays visible. */
export function subjectFor(sms: SmsMessage, status: SmsStatus): string {
  const head = status === 'cancelled' && eventFor(sms, status)?.duplicateOf ? `SMS to ${sms.to} not sent again (duplicate)` : SUBJECT[status](sms.to);
  const original = cleanSubject(sms.mail.subject);
  return original ? `${head}: Re: ${original}` : head;
}

function cleanSubject(subject: string | undefined): string {
  const flat = (subject ?? '').replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  // Avoid "Re: Re: Re:" when the clerk's mail was itself a reply.
  const bare = flat.replace(/^((re|aw|sv|antw)\s*:\s*)+/i, '');
  return bare.length > MAX_QUOTED_SUBJECT ? `${bare.slice(0, MAX_QUOTED_SUBJECT - 1).trimEnd()}…` : bare;
}

/**
 * "2026-11-23 14:05:09 UTC", or with the offset spelled out for other zones
 * ("2026-11-23 15:05:09 UTC+01:00") so nobody has to guess which clock is meant.
 * Throws a RangeError for an unknown IANA zone: that is a configuration error.
 */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  // The zone's offset from the same wall-clock reading (to the second, as Intl gives it): one Intl call, not two.
  const w = timeZone === 'UTC' ? utcWall(date) : wallTimeIn(date, timeZone);
  const off = Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000) / 60_000);
  const zone = off === 0 ? 'UTC' : `UTC${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}:${two(w.second)} ${zone}`;
}

function utcWall(d: Date): WallTime {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** RFC 5322 date-time, always in UTC ("Mon, 23 Nov 2026 14:05:09 +0000"). */
export function rfc5322Date(iso: string | Date): string {
  return new Date(iso).toUTCString().replace(/GMT$/, '+0000');
}

/** The latest history entry for `status`: a retried SMS can pass a stage more than once. Part records do not count (see StatusEvent.part). */
export function eventFor(sms: SmsMessage, status: SmsStatus): StatusEvent | undefined {
  return lastOf(sms.history, (e) => e.status === status && !e.part);
}

// Array#findLast is ES2023; the project targets ES2022.
function lastOf<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return items[i];
  return undefined;
}

export function confirmationView(
  sms: SmsMessage,
  status: SmsStatus,
  opts: { now: Date; timeZone?: string; canCancelByReply?: boolean },
): ConfirmationView {
  const event = eventFor(sms, status);
  const at = formatTime(event?.at ?? opts.now.toISOString(), opts.timeZone);
  return {
    to: sms.to,
    status,
    headline: headline(sms, status, at, event, opts.timeZone),
    reason: event?.reason,
    textLines: sms.text.split(/\r\n|\r|\n/),
    segments: sms.segments,
    encoding: ENCODING_LABEL[sms.encoding],
    // `submitting` is an internal crash marker; the clerk sees when it left us (`submitted`).
    stages: sms.history
      .filter((e) => e.status !== 'submitting')
      .map((e) => ({ label: e.part ? `Part ${e.part.index} of ${e.part.of} delivered` : e.until ? 'Held' : STAGE_LABEL[e.status], at: formatTime(e.at, opts.timeZone), reason: e.part ? undefined : e.reason })),
    id: sms.id,
    connectorMessageId: connectorMessageIdOf(sms),
    originalSubject: sms.mail.subject,
    reference: sms.reference,
    sendAt: sms.sendAt ? formatTime(sms.sendAt, opts.timeZone) : undefined,
    sender: sms.sender,
    flash: sms.flash === true,
    cancelHint: opts.canCancelByReply && sms.status === 'accepted'
      ? 'To cancel this SMS before it goes out, reply to this mail with the word CANCEL as your text.'
      : undefined,
  };
}

function headline(sms: SmsMessage, status: SmsStatus, at: string, event: StatusEvent | undefined, timeZone: string | undefined): string {
  const to = sms.to;
  if (status === 'accepted' && Date.parse(sms.notBefore) > Date.parse(event?.at ?? sms.mail.receivedAt)) {
    return `Your SMS to ${to} was accepted at ${at} and will be sent at ${formatTime(sms.notBefore, timeZone)}.`;
  }
  if (status === 'cancelled') {
    if (event?.duplicateOf) return `Your SMS to ${to} was not sent: the same text went to this number shortly before (our reference ${event.duplicateOf}), and duplicate detection is on.`;
    return `Your SMS to ${to} was cancelled at ${at}${event?.by ? ` (${event.by})` : ''} and will not be sent.`;
  }
  return statusHeadline(to, status, at, event?.reason);
}

function statusHeadline(to: string, status: SmsStatus, at: string, reason: string | undefined): string {
  // The reason is spliced into a sentence that ends with its own full stop.
  const why = reason?.trim().replace(/[.\s]+$/, '') || 'no reason given';
  switch (status) {
    case 'accepted':
      return `Your SMS to ${to} was accepted at ${at} and will be sent shortly.`;
    case 'submitting':
      return `Your SMS to ${to} is being sent (since ${at}).`;
    case 'submitted':
      return `Your SMS to ${to} was handed to the carrier at ${at}; the delivery report is still outstanding.`;
    case 'delivered':
      return `Your SMS to ${to} was delivered at ${at}.`;
    case 'failed':
      return `Your SMS to ${to} could not be delivered: ${why}.`;
    case 'expired':
      return `Your SMS to ${to} could not be delivered in time and expired at ${at}: ${why}.`;
    case 'rejected':
      return `Your SMS to ${to} was rejected and not sent: ${why}.`;
    case 'cancelled':
      return `Your SMS to ${to} was cancelled at ${at} and will not be sent.`;
  }
}
