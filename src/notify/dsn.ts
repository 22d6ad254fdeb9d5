/**
 * The machine-readable parts of an RFC 3464 delivery status notification:
 * the message/delivery-status body and the text/rfc822-headers of the
 * original. Pure text builders; compose.ts wraps them into MIME parts.
 */
import { foldLines } from 'nodemailer/lib/mime-funcs/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { isUnreported, type ConfirmationStage, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';
import { delayedStatus } from './delay.js';
import { reportedEvent, rfc5322Date } from './format.js';
import { eventReason } from './hold-words.js';

export type DsnAction = 'delivered' | 'failed' | 'delayed' | 'relayed';

/**
 * Action and RFC 3463 status per SMS status. A failed action needs a 5.x.x
 * status, so expiry is 5.4.7 (delivery time expired) rather than 4.4.7.
 * Non-final statuses map to `delayed`, not `relayed`: `relayed` tells the
 * client that no further report will come, but we do send the final one
 * when the carrier's delivery report arrives.
 */
const OUTCOME: Record<SmsStatus, { action: DsnAction; code: string }> = {
  accepted: { action: 'delayed', code: '4.0.0' },
  submitting: { action: 'delayed', code: '4.0.0' },
  submitted: { action: 'delayed', code: '4.0.0' },
  delivered: { action: 'delivered', code: '2.0.0' },
  failed: { action: 'failed', code: '5.0.0' },
  expired: { action: 'failed', code: '5.4.7' },
  rejected: { action: 'failed', code: '5.7.1' },
  // RFC 3463 has no code for "not sent on purpose"; the Diagnostic-Code says who cancelled (a duplicate: HELD_DUPLICATE).
  cancelled: { action: 'failed', code: '5.0.0' },
};

/**
 * An SMS failed as not confirmed (StatusEvent.uncertain): the carrier may
 * have taken it, and nobody can tell yet. RFC 3464 §2.3.3 has no action for
 * "unknown". `failed` would say that it "could not be delivered" and that no
 * further notification comes: both may be untrue (a program that resends
 * failed SMS would send it twice, and a late answer of the carrier brings a
 * correction, delivered or failed). `delayed` says that it is not delivered
 * so far and that more notifications may follow, and RFC 3461 §4.1 gives
 * delayed DSNs exactly this case: "the final delivery status (whether
 * successful or failure) cannot be determined". The status is 4.4.2 (RFC
 * 3463 §3.5, bad connection: the connection was made, but the transaction
 * could not be completed because of a time-out), a transient condition, not
 * a permanent one. RFC 3461 §4.1 also asks that no delayed DSN be issued
 * without NOTIFY=DELAY; we send it when the client asked for DELAY, and
 * also when it asked for FAILURE (policy.ts), since this may be the failure
 * it asked to hear of.
 */
const UNCONFIRMED = { action: 'delayed', code: '4.4.2' } as const;

/**
 * Sent by the bridge a restored backup was taken of, its delivery report gone there (isUnreported): RFC 3464 §2.3.3's
 * `relayed`, "into an environment that does not accept responsibility for generating DSNs upon successful delivery".
 */
const RELAYED = { action: 'relayed', code: '2.0.0' } as const;

/**
 * An SMS held back as a duplicate (duplicate detection by content: StatusEvent.duplicateOf) was not sent because
 * the same text to the same number is the SMS it names, whose own reports say how that went. `failed` (RFC 3464
 * §2.3.3: "could not be delivered", attempts abandoned) would be untrue, and a program that resends failed mail
 * would send the text a second time, which is what the detection is there to prevent; `delivered` would claim a
 * delivery that may not have happened yet. `relayed` says that it was handed on and that no report of its
 * delivery follows from here for this recipient; the Diagnostic-Code names the SMS that carries it. RFC 3464 allows
 * `relayed` only where the sender asked to hear of success, so a DSN goes only to a NOTIFY=SUCCESS (policy.ts).
 */
const HELD_DUPLICATE = { action: 'relayed', code: '2.0.0' } as const;

export function dsnOutcome(status: SmsStatus, event?: Pick<StatusEvent, 'uncertain' | 'backup' | 'duplicateOf'>): { action: DsnAction; code: string } {
  if (isUnreported({ status, backup: event?.backup })) return RELAYED;
  if (status === 'cancelled' && event?.duplicateOf) return HELD_DUPLICATE;
  return status === 'failed' && event?.uncertain ? UNCONFIRMED : OUTCOME[status];
}

/** Body of the message/delivery-status part: per-message block, blank line, per-recipient block. */
export function deliveryStatus(sms: SmsMessage, status: ConfirmationStage, reportingMta: string, now: Date): string {
  return deliveryReport([{ sms, status }], reportingMta, now);
}

/**
 * The same for several SMS of one mail confirmed together (gather.ts): the
 * per-message block of their mail, then one per-recipient block each, blank
 * lines between (RFC 3464 §2.1), each with its own Action and Status.
 */
export function deliveryReport(recipients: ReadonlyArray<{ sms: SmsMessage; status: ConfirmationStage }>, reportingMta: string, now: Date): string {
  const { sms } = recipients[0];
  // When we received the mail (RFC 3464 §2.2.5), not the latest `accepted` event: a retry or a hold writes one later.
  const perMessage = [
    field('Reporting-MTA', `dns; ${reportingMta}`),
    sms.dsn?.envid ? field('Original-Envelope-Id', sms.dsn.envid) : undefined,
    field('Arrival-Date', rfc5322Date(sms.mail.receivedAt)),
  ];
  const blocks = recipients.map((r) => ['', ...present(perRecipient(r.sms, r.status, now))]);
  return [...present(perMessage), ...blocks.flat(), ''].join('\r\n');
}

function perRecipient(sms: SmsMessage, status: ConfirmationStage, now: Date): Array<string | undefined> {
  const event = reportedEvent(sms, status);
  const delayed = status === 'delayed';
  // A delay report (RFC 3464 §2.3.3): not delivered so far, more reports to come; its status says where it is held.
  const { action, code } = delayed ? { action: 'delayed', code: delayedStatus(sms) } : dsnOutcome(status, event);
  return [
    sms.dsn?.orcpt ? field('Original-Recipient', withAddressType(sms.dsn.orcpt)) : undefined,
    field('Final-Recipient', `rfc822; ${sms.mail.rcptTo}`),
    field('Action', action),
    field('Status', code),
    // Not an SMTP reply, so not "smtp;": the reason comes from the SMS connector.
    diagnostic(event),
    field('Last-Attempt-Date', rfc5322Date(event?.at ?? now)),
    // Until when the SMS is tried, ours and the carrier's (both are told its validity).
    delayed && sms.expiresAt ? field('Will-Retry-Until', rfc5322Date(sms.expiresAt)) : undefined,
  ];
}

/**
 * The reason in English with times in UTC: a hold is kept as data (hold-words.ts); a retry's wait keeps the
 * connector's own reason here, which its worded form leaves out for a throttling ("the carrier asked us to slow down").
 */
function diagnostic(event: StatusEvent | undefined): string | undefined {
  const reason = event?.retryAt ? `${event.reason ?? 'no reason given'}; next attempt at ${rfc5322Date(event.retryAt)}` : event && eventReason(event);
  return reason ? field('Diagnostic-Code', `X-SMS; ${reason}`) : undefined;
}

/**
 * Headers for the text/rfc822-headers part. We do not keep the original
 * header block verbatim (only what MailOrigin holds), so this is a minimal
 * reconstruction: Message-ID, From, To, Subject, and as Date our receipt
 * time, which is the closest we know to the original Date. `rcptTo`: the
 * recipients the report is about (all of them, in a report for several).
 */
export function originalHeaders(sms: SmsMessage, rcptTo: readonly string[] = [sms.mail.rcptTo]): string {
  const { mail } = sms;
  const lines = [
    mail.messageId ? header('Message-ID', mail.messageId) : undefined,
    mail.from ? header('From', mail.from) : undefined,
    header('To', rcptTo.join(', ')),
    mail.subject ? header('Subject', mail.subject) : undefined,
    header('Date', rfc5322Date(mail.receivedAt)),
  ];
  return [...present(lines), ''].join('\r\n');
}

// The delivery-status part must be 7bit (RFC 3464 §2.1): connector reasons can
// contain anything, so non-ASCII becomes '?' and line breaks become spaces.
function field(name: string, value: string): string {
  // A dash of the bridge's own wording ("20:00–08:00") stays one.
  const ascii = value.replace(/[\r\n\t]+/g, ' ').replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7e]/g, '?').trim();
  return foldLines(`${name}: ${ascii}`, 76);
}

// Real headers may carry non-ASCII (names, subjects): RFC 2047 encoded words keep the part 7bit.
function header(name: string, value: string): string {
  return foldLines(`${name}: ${MimeNode.encodeHeaderValue(name, value.replace(/[\r\n]+/g, ' '))}`, 76);
}

// ORCPT is "addr-type;address"; a bare address would make the field unparseable.
function withAddressType(orcpt: string): string {
  return orcpt.includes(';') ? orcpt : `rfc822; ${orcpt}`;
}

function present(lines: Array<string | undefined>): string[] {
  return lines.filter((l): l is string => l !== undefined);
}
