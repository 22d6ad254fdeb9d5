/**
 * Builds the complete confirmation mail for one SMS status change: a plain
 * multipart/alternative mail, or an RFC 3464 multipart/report when the client
 * asked for DSNs with NOTIFY.
 */
import { Eta, type TemplateFunction } from 'eta';
import type { MailComposerAttachment } from 'nodemailer/lib/mail-composer/index.js';
import type { ConfirmationStage, SmsMessage } from '../store/types.js';
import { deliveryReport } from './dsn.js';
import { confirmationView, subjectFor, type ConfirmationView } from './format.js';
import type { TogetherView } from './format-group.js';
import { randomPool } from '../random-pool.js';
import { writeMail, type HeaderValue, type Leaf, type MailPart } from './mime.js';
import { isDsn } from './policy.js';
import { isEightBit, returnedPart, type Returned } from './returned.js';
import { wordingFor, type Language, type Wording } from './wording/index.js';

export interface ConfirmationInput {
  sms: SmsMessage;
  status: ConfirmationStage;
  /** From header, e.g. 'mail2sms <noreply@sms.localhost>'. */
  from: string;
  /** Our hostname: Reporting-MTA and the right-hand side of the Message-ID. */
  reportingMta: string;
  now: Date;
  templatesDir: string;
  /** Compiled templates to reuse (a long-running sender keeps one); read from templatesDir when absent. */
  templates?: ConfirmationTemplates;
  /** IANA zone for the times in the body; UTC when absent. */
  timeZone?: string;
  /** Language of subject and body (the account's notify language); English when absent. */
  language?: Language;
  /** Envelope sender for plain (non-DSN) confirmations; the null sender when absent. */
  bounceAddress?: string;
  /** Reply-To address that cancels this SMS (src/notify/reply-address.ts); only used while it is still queued. */
  cancelAddress?: (smsId: string) => string;
  /** text.transliterate, for what made the text Unicode (format.ts); on when absent, as by default. */
  transliterate?: boolean;
  /** Where the mails kept for RET=FULL are (store/originals.ts); without it a report returns the headers. */
  originalsDir?: string;
  /** The other SMS of the same mail confirmed in this mail (gather.ts, compose-group.ts); absent: `sms` alone. */
  together?: Array<{ sms: SmsMessage; status: ConfirmationStage }>;
  /** The mail must be 7-bit (the relay offers no 8BITMIME): a mail returned with 8-bit bytes is returned as its headers (returned.ts). */
  sevenBit?: boolean;
}

export interface Confirmation {
  raw: Buffer;
  messageId: string;
  /** Envelope and header recipient: always the SMS's envelope sender. */
  to: string;
  subject: string;
  /** MAIL FROM for the confirmation; '' is the null sender <>. */
  envelopeFrom: string;
  /** The mail has 8-bit bytes (a report returning the sender's mail as it came): it goes as BODY=8BITMIME, or composed again 7-bit (outbox.ts). */
  eightBit?: true;
}

/**
 * Deterministic, so a retried send of the same confirmation is recognisably the same mail. A stage
 * confirmed a second time (a failure after a late answer corrected an earlier one) gets its own id
 * (`.failed.2`): the same Message-ID would be taken for the earlier mail and dropped.
 */
export function confirmationMessageId(sms: SmsMessage, status: ConfirmationStage, reportingMta: string): string {
  const ofStage = sms.confirmations.filter((c) => c.stage === status);
  const n = ofStage.findIndex((c) => !c.sentAt);
  const nth = (n < 0 ? ofStage.length : n + 1);
  return `<${sms.id}.${status}${nth > 1 ? `.${nth}` : ''}@${reportingMta}>`;
}

/**
 * The MAIL FROM of a confirmation. DSNs must go out with the null sender
 * (RFC 3461 §6.2, RFC 5321 §4.5.5). Plain confirmations are automatic
 * replies, for which RFC 3834 §3.3 also recommends <>: a bounce of a
 * confirmation must not come back to our noreply address, which may be our
 * own SMS domain. An operator who wants to see those bounces can configure
 * a bounce address for the plain form.
 */
export function envelopeSenderFor(sms: SmsMessage, bounceAddress?: string): string {
  return isDsn(sms) ? '' : (bounceAddress ?? '');
}

/** How far ahead an SMS must be due for its acceptance confirmation to offer CANCEL. */
const CANCELLABLE_AHEAD_MS = 60_000;

/**
 * The cancel address of `sms` if this confirmation may offer it. Only the acceptance confirmation of an SMS that
 * still waits can be answered with CANCEL: one due within the minute is with the carrier before a clerk could
 * reply, and the hint would promise what the reply cannot do.
 */
export function cancelReplyTo(input: Pick<ConfirmationInput, 'now' | 'cancelAddress'>, sms: SmsMessage, status: ConfirmationStage): string | undefined {
  const waits = sms.status === 'accepted' && Date.parse(sms.notBefore) - input.now.getTime() > CANCELLABLE_AHEAD_MS;
  return status === 'accepted' && waits ? input.cancelAddress?.(sms.id) : undefined;
}

export async function composeConfirmation(input: ConfirmationInput): Promise<Confirmation> {
  const { sms, status, reportingMta, now } = input;
  const replyTo = cancelReplyTo(input, sms, status);
  const wording = wordingFor(input.language);
  const returned = isDsn(sms) ? await returnedPart(sms, [sms.mail.rcptTo], input.originalsDir, input.sevenBit) : undefined;
  const view = confirmationView(sms, status, { now, timeZone: input.timeZone, canCancelByReply: replyTo !== undefined, wording, transliterate: input.transliterate });
  const { text, html } = await (input.templates ?? new ConfirmationTemplates(input.templatesDir)).render({ ...view, returned: returnedNote(returned, wording) });
  const messageId = confirmationMessageId(sms, status, reportingMta);
  const subject = subjectFor(sms, status, wording);
  const to = sms.mail.envelopeFrom;
  const raw = assemble({
    from: input.from, to, subject, messageId, now, replyTo, text, html, origin: sms.mail,
    report: returned && reportParts([{ sms, status }], reportingMta, now, returned),
  });
  return { raw, messageId, to, subject, envelopeFrom: envelopeSenderFor(sms, input.bounceAddress), ...(isEightBit(returned) ? { eightBit: true as const } : {}) };
}

/** What a confirmation mail is made of, for one SMS or several of one mail. */
export interface MailParts {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  now: Date;
  /** The cancel address(es) a reply goes to. */
  replyTo?: string | string[];
  text: string;
  html: string;
  /** The sender's mail, to thread to. */
  origin: Pick<SmsMessage['mail'], 'messageId' | 'references'>;
  /** The RFC 3464 parts (reportParts) when the client asked for a delivery report. */
  report?: MailComposerAttachment[];
}

/** The raw mail: the headers every confirmation carries, the body, and for a delivery report its form. */
export function assemble(p: MailParts): Buffer {
  const origin = threading(p.origin);
  const fields: Array<readonly [string, HeaderValue]> = [
    // RFC 3834: marks the mail as automatic so responders (and our own bridge) ignore it.
    ['Auto-Submitted', 'auto-replied'],
    // Exchange/Outlook do not read Auto-Submitted; this stops their out-of-office replies.
    ['X-Auto-Response-Suppress', 'All'],
    ['From', p.from],
    ['To', p.to],
    ...(p.replyTo?.length ? [['Reply-To', p.replyTo] as const] : []),
    ...(origin.inReplyTo ? [['In-Reply-To', origin.inReplyTo] as const, ['References', origin.references!] as const] : []),
    ['Subject', p.subject],
    ['Message-ID', p.messageId],
    ['Date', p.now],
  ];
  const human = readable(p.text, p.html);
  if (!p.report) return writeMail(fields, human, randomBoundary());
  // A mail returned as it came in 8-bit (returned.ts) makes the whole report 8bit (RFC 2045 §6.4).
  if (p.report.some((a) => a.contentTransferEncoding === '8bit')) fields.push(['Content-Transfer-Encoding', '8bit']);
  return writeMail(fields, { multipart: 'multipart/report; report-type=delivery-status', parts: [human, ...p.report.map(reportLeaf)] }, randomBoundary());
}

/**
 * The part a person reads: text and HTML as alternatives. A body that an operator's template renders empty (or
 * only blank) is left out, since a reader whose client picks that alternative would see nothing; when both are,
 * one empty text/plain part, the shape MailComposer gave such a mail.
 */
function readable(text: string, html: string): MailPart {
  const parts: Leaf[] = [];
  if (text.trim()) parts.push({ contentType: 'text/plain; charset=utf-8', content: text });
  if (html.trim()) parts.push({ contentType: 'text/html; charset=utf-8', content: html });
  return parts.length > 1 ? { multipart: 'multipart/alternative', parts } : parts[0] ?? { contentType: 'text/plain', content: '' };
}

/** A part of a delivery report (reportParts): inline, 7bit or 8bit, a string or the returned mail's bytes. */
function reportLeaf(a: MailComposerAttachment): Leaf {
  const encoding = a.contentTransferEncoding;
  if (encoding !== '7bit' && encoding !== '8bit') throw new Error(`a report part is 7bit or 8bit, not ${String(encoding)}`);
  if (typeof a.content !== 'string' && !Buffer.isBuffer(a.content)) throw new Error('a report part is a string or a Buffer');
  return { contentType: String(a.contentType), content: a.content, transferEncoding: encoding, inline: true };
}

/**
 * The random part of the MIME boundaries. It must stay unguessable (the SMS
 * text, which anyone can choose, is quoted in the body), but a randomBytes call
 * per mail costs more than writing its boundaries; one draw of 4 KiB serves 512 mails.
 */
const boundaryBytes = randomPool();
function randomBoundary(): string {
  return boundaryBytes(8).toString('hex');
}

/** In-Reply-To and References that thread a mail of ours to the sender's mail (a confirmation, a forwarded reply). */
export function threading(mail: Pick<SmsMessage['mail'], 'messageId' | 'references'>): { inReplyTo?: string; references?: string[] } {
  const original = mail.messageId;
  if (!original) return {};
  return { inReplyTo: original, references: [...(mail.references ?? []), original] };
}

/** What the human part says of the returned message: only for a client that asked RET=FULL, which it got. */
export function returnedNote(returned: Returned | undefined, w: Wording): string | undefined {
  if (!returned || returned.kind === 'headers') return undefined;
  return returned.kind === 'tooLarge' ? w.returned.tooLarge(returned.size.bytes, returned.size.limit) : w.returned[returned.kind];
}

/** The machine-readable parts of a delivery report about `recipients` (one SMS, or several of one mail), and what it returns of the mail. */
export function reportParts(recipients: ReadonlyArray<{ sms: SmsMessage; status: ConfirmationStage }>, reportingMta: string, now: Date, returned: Returned): MailComposerAttachment[] {
  return [
    {
      contentType: 'message/delivery-status',
      content: deliveryReport(recipients, reportingMta, now),
      contentDisposition: 'inline',
      contentTransferEncoding: '7bit',
      filename: false,
    },
    returned.part,
  ];
}

/**
 * The text and HTML body templates of one templates folder, each read and
 * compiled once per instance (on first use), so a sender that keeps one
 * instance does that once, not for every confirmation. Rendering the compiled
 * function, not the template's name, also skips what Eta does per render by
 * name (resolving the path, looking in its cache): ~5 µs of ~7-10 a body.
 */
export class ConfirmationTemplates {
  // Separate engines because escaping is an engine setting: the text body must not get &amp; entities.
  private readonly text: Eta;
  private readonly html: Eta;
  private readonly compiled = new Map<string, { fn: TemplateFunction; filepath: string }>();

  constructor(templatesDir: string) {
    this.text = new Eta({ views: templatesDir, autoEscape: false, autoTrim: false, cache: true });
    this.html = new Eta({ views: templatesDir, autoEscape: true, autoTrim: false, cache: true });
  }

  render(view: ConfirmationView): Promise<{ text: string; html: string }> {
    return this.both('confirmation', view);
  }

  /** The bodies of a confirmation for several SMS of one mail (templates/confirmation-group.*.eta). */
  renderTogether(view: TogetherView): Promise<{ text: string; html: string }> {
    return this.both('confirmation-group', view);
  }

  private async both(name: string, view: object): Promise<{ text: string; html: string }> {
    const [text, html] = await Promise.all([this.one(this.text, `./${name}.txt.eta`, view), this.one(this.html, `./${name}.html.eta`, view)]);
    return { text, html };
  }

  /** As renderAsync(name) renders it; its file path goes along so that a template's include() resolves as it would. */
  private one(engine: Eta, name: string, view: object): Promise<string> {
    const key = `${engine === this.html ? 'html' : 'text'}:${name}`;
    let t = this.compiled.get(key);
    if (!t) {
      const filepath = engine.resolvePath(name);
      t = { fn: engine.compile(engine.readFile(filepath), { async: true, filepath }), filepath };
      this.compiled.set(key, t);
    }
    return engine.renderAsync(t.fn, view, { filepath: t.filepath });
  }
}
