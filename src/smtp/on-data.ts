import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { addressBelongs } from '../accounts/addresses.js';
import type { Account } from '../accounts/types.js';
import type { Config } from '../config/types.js';
import { automaticMail } from '../mail/auto-reply.js';
import { unknownCharsetNote } from '../mail/charset.js';
import { draftSms } from '../mail/draft.js';
import { introduced, type ExtractResult } from '../mail/extract.js';
import { MailParseError, parseMail, type ParsedMail } from '../mail/parse.js';
import { previewReport, type PreviewReport } from '../mail/preview.js';
import { sendingPolicy } from '../mail/recipient-plan.js';
import { toSms, type EnvelopeRecipient, type ToSmsInput } from '../mail/to-sms.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import { attachCallback } from '../notify/callbacks/account.js';
import type { ReplyAddresses } from '../notify/reply-address.js';
import { admit } from '../policy/admit.js';
import { optOutError, optOutRefusal, type OptOutCheck } from '../policy/optout-scope.js';
import { screenOptOuts, type Screened } from '../policy/optout-screen.js';
import type { Policy } from '../policy/policy.js';
import type { KeepOutcome, Originals } from '../store/originals.js';
import type { AcceptOutcome, DsnRequest, MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import { cancelByReply, type Cancel } from './cancel-reply.js';
import { controlAddress, type ControlAddress } from './control-address.js';
import { errors, SmtpError } from './errors.js';
import type { MessageIdReuse } from './message-id-reuse.js';
import type { ResolvedRecipients } from './on-rcpt-to.js';
import { forwardedNote, queuedReply, sendTimes, subjectNote } from './queued-reply.js';
import { resolveRecipient } from './recipient.js';
import { sessionAccount, sessionAccountName, sessionUser } from './session-account.js';

export interface DataDeps {
  config: Config;
  store: MessageStore;
  newMailId: () => string;
  now: () => Date;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  /** Rate, quotas and per-number caps for the whole batch (src/policy/). */
  policy: Pick<Policy, 'reserve'>;
  log: (evt: string, data: Record<string, unknown>) => void;
  /** Cancel addresses of confirmations; without them no reply can cancel. */
  replies?: ReplyAddresses;
  cancel?: Cancel;
  /** Mails the answer to a preview; resolves with where it went. Without it a preview is answered in the SMTP reply only. */
  sendPreview?: (report: PreviewReport, mail: { to: string; id: string; original: ParsedMail; account: string }) => Promise<string>;
  /** The opt-out list for an SMS whose sender is known (entries for one sender; src/policy/optout-scope.ts). */
  optedOut: OptOutCheck;
  /** Numbers resolved at RCPT time (see on-rcpt-to.ts). */
  resolved?: ResolvedRecipients;
  /** Warns when a Message-ID comes back with other content. */
  messageIds?: MessageIdReuse;
  /** The UDH each SMS is counted with, by its route (src/dispatch/udh-size.ts). */
  udhOf: UdhOf;
  /** Keeps the mail for delivery reports that return it in full (RET=FULL, src/store/originals.ts). */
  originals?: Pick<Originals, 'keep' | 'drop' | 'maxBytes'>;
  /** Whether an address is in a trusted network: the Received: lines such relays wrote date a mail without a Date (mail/received.ts). */
  trustedHop?: (ip: string) => boolean;
}

type Callback = (err?: Error | null, message?: string) => void;
type Forwarded = ExtractResult['forwarded'];

/**
 * Reads the mail, turns it into SMS and answers 250 only once they are
 * durably stored. Anything unplanned becomes a 451: the client keeps the
 * mail and tries again, nothing is lost.
 */
export function onData(deps: DataDeps) {
  return (stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback): void => {
    readAll(stream, deps.config.smtp.maxMessageSize)
      .then((raw) => (stream.sizeExceeded ? errors.MessageTooBig(String(deps.config.smtp.maxMessageSize)) : accept(raw, session, deps)))
      .then(
        (reply) => (reply instanceof SmtpError ? callback(refuse(reply, session, deps)) : callback(null, reply)),
        (e: Error) => {
          deps.log('data-error', { cid: session.id, error: e.message, stack: e.stack });
          callback(e instanceof SmtpError ? e : errors.InternalError());
        },
      );
  };
}

async function accept(raw: Buffer, session: SMTPServerSession, deps: DataDeps): Promise<string | SmtpError> {
  const parsed = await parseMail(raw).catch((e: Error) => (e instanceof MailParseError && e.code === 'bad-base64' ? errors.BadBase64() : errors.BadContent(e.message)));
  if (parsed instanceof SmtpError) return parsed;
  const automatic = automaticMail(parsed.headers, parsed.subject);
  if (automatic) return errors.AutomaticMail(automatic);
  const account = sessionAccount(session);
  // The envelope sender was checked at MAIL FROM; the From a clerk's mail client shows must belong to the account too, every mailbox of it.
  const foreign = parsed.fromAddresses.find((a) => !addressBelongs(account.addresses, a));
  if (foreign) return errors.SenderNotAllowed(foreign, account.name, 'From');
  const { config } = deps;
  const rcpts = classify(session, deps);
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  if (rcpts.cancels.length) {
    if (rcpts.numbers.length || rcpts.preview || !deps.cancel) return errors.CancelMixed();
    // The null sender marks a notification (RFC 5321 §4.5.5): nothing a person asked for.
    if (!from) return errors.AutomaticMail('the null sender <>');
    return cancelByReply(parsed, rcpts.cancels, { account: account.name, address: from, timeZone: account.confirmationTimeZone ?? config.notify.timeZone }, deps.cancel);
  }
  const started = performance.now();
  const mailId = deps.newMailId();
  const input: ToSmsInput = {
    parsed,
    envelopeFrom: from,
    recipients: rcpts.numbers,
    dsn: session.envelope.dsn,
    mailId,
    account: account.name,
    now: deps.now(),
    remoteAddress: session.remoteAddress,
    clientHostname: session.clientHostname,
    options: { ...config.options, timeZone: account.timeZone },
    text: { ...config.text, signaturePatterns: [...config.text.signaturePatterns, ...account.signaturePatterns], maxSegments: account.maxSegments },
    notify: account.notify,
    policy: sendingPolicy(account, config.options, config.notify.timeZone),
    wantsConfirmation: deps.wantsConfirmation,
    udhOf: deps.udhOf,
    trustedHop: deps.trustedHop,
  };
  const draft = draftSms(input);
  if (draft instanceof SmtpError) return draft;
  if (rcpts.preview || draft.options.preview) {
    const report = previewReport(draft, input.recipients, input.policy!, { now: input.now, timeZone: account.timeZone, udhOf: deps.udhOf }, deps.optedOut);
    const attachments = attachmentsLeft(parsed, draft.extracted.forwarded);
    const mailOnly = { ...(attachments ? { attachments } : {}), ...(parsed.unknownCharset ? { unknownCharset: parsed.unknownCharset } : {}) };
    return preview({ ...report, ...mailOnly }, mailId, parsed, from, account.name, deps);
  }
  const built = toSms(input, draft);
  if (built instanceof SmtpError) return built;
  // Entries for one sender are decided here, now that each SMS has its sender (optout-screen.ts).
  const screened = screenOptOuts(built, deps.optedOut, input);
  if (screened instanceof SmtpError) return screened;
  // X-SMS-Status-Callback and -Level (an ERP that sends mail) or the account's default, checked by draftSms under the same allow list as the REST API's.
  attachCallback(screened.batch.messages, draft.callback);
  // One property read for a mail that did not ask for its return in full.
  const full = deps.originals && screened.batch.messages.some((m) => m.dsn?.ret === 'FULL') ? deps.originals : undefined;
  const admitted = () => admit(deps, account, screened.batch, { cid: session.id, mailId });
  const outcome = full ? await keptAround(full, mailId, raw, screened.batch.messages, admitted) : await admitted();
  if (outcome instanceof SmtpError) return outcome;
  if (outcome.stored.length) deps.messageIds?.note(account.name, parsed.messageId, screened.batch.fingerprint, { mailId, cid: session.id });
  const { forwarded, cuts } = draft.extracted;
  return stored(mailId, screened, outcome, { session, deps, started, attachments: attachmentsLeft(parsed, forwarded), forwarded, introduced: introduced(cuts), passed: draft.passed, subjectNote: fromSubject(draft.extracted), expressRefused: built.expressRefused, unknownCharset: parsed.unknownCharset });
}

/**
 * The mail kept for RET=FULL reports before its SMS are stored (from then on
 * a report of them can be composed, and must find the copy), counted from
 * when the last of them falls due; removed again when none was stored.
 */
async function keptAround(originals: Pick<Originals, 'keep' | 'drop' | 'maxBytes'>, mailId: string, raw: Buffer, messages: readonly SmsMessage[], admitted: () => Promise<AcceptOutcome | SmtpError>): Promise<AcceptOutcome | SmtpError> {
  const kept = await originals.keep(mailId, raw, new Date(Math.max(...messages.map((m) => Date.parse(m.notBefore)))));
  // Its reports then say why it was not kept, not that it is no longer kept (review 7, L2 and L3).
  const why = notKept(kept, raw.length, originals.maxBytes);
  if (why) for (const m of messages) if (m.dsn?.ret === 'FULL') m.dsn = { ...m.dsn, ...why };
  try {
    const outcome = await admitted();
    if (outcome instanceof SmtpError || !outcome.stored.length) await originals.drop(mailId);
    return outcome;
  } catch (e) {
    await originals.drop(mailId);
    throw e;
  }
}

/** What the SMS of a mail asking RET=FULL record when its copy was not kept; nothing when it was, or when none are kept (returnFullDays 0). */
function notKept(kept: KeepOutcome, bytes: number, limit: number): Pick<DsnRequest, 'fullNotKept' | 'fullTooLarge'> | undefined {
  if (kept === 'failed') return { fullNotKept: true };
  if (kept === 'off') return { fullNotKept: 'off' };
  return kept === 'tooLarge' ? { fullTooLarge: { bytes, limit } } : undefined;
}

/** Why the text is the subject's when the body was cut to nothing (a signature, a disclaimer); else undefined. */
function fromSubject(x: Pick<ExtractResult, 'from' | 'cuts'>): string | undefined {
  return x.from === 'subject' ? subjectNote(x.cuts) : undefined;
}

/** Attachments that do not go along: not the forwarded mail whose text is the SMS. */
function attachmentsLeft(parsed: ParsedMail, forwarded: Forwarded): number {
  return parsed.attachments - (forwarded === 'attachment' ? 1 : 0);
}

/** Logs what was stored (acceptMs once per mail, on its first SMS: metrics observe the mail) and says it in the 250 text. */
function stored(mailId: string, { batch, refused }: Screened, outcome: AcceptOutcome, c: { session: SMTPServerSession; deps: DataDeps; started: number; attachments: number; forwarded: Forwarded; introduced: boolean; passed?: Date; subjectNote?: string; expressRefused?: string; unknownCharset?: string }): string {
  const { session, deps } = c;
  const who = { account: sessionAccountName(session), user: sessionUser(session)?.name, ip: session.remoteAddress };
  const acceptMs = Math.round(performance.now() - c.started);
  const heldBack = refused.filter((r) => outcome.stored.includes(r.id));
  const held = new Set(heldBack.map((r) => r.id));
  const kept = batch.messages.filter((m) => outcome.stored.includes(m.id) && !held.has(m.id));
  kept.forEach((m, i) => {
    deps.log('sms-accepted', {
      msgId: m.id, cid: session.id, ...who, from: m.mail.envelopeFrom, to: m.to, segments: m.segments, encoding: m.encoding, messageId: m.mail.messageId,
      sender: m.sender, notBefore: m.notBefore, ...(i === 0 ? { acceptMs } : {}),
    });
  });
  for (const r of heldBack) {
    const e = optOutError(r.to, r.hit);
    deps.log('sms-final', { msgId: r.id, cid: session.id, ...who, to: r.to, status: 'cancelled', error: e.errorName, reason: e.text });
  }
  for (const d of outcome.duplicates) deps.log('sms-duplicate', { msgId: d.id, of: d.of, cid: session.id });
  for (const d of outcome.suppressed) deps.log('sms-duplicate-content', { msgId: d.id, of: d.of, cid: session.id });
  // Stored duplicates by content are cancelled, never sent: their time is nobody's send time.
  const suppressed = new Set(outcome.suppressed.map((d) => d.id));
  const going = kept.filter((m) => !suppressed.has(m.id));
  return queuedReply({
    mailId, stored: outcome.stored.length - outcome.suppressed.length - heldBack.length, duplicates: outcome.duplicates, suppressed: outcome.suppressed.length,
    optedOut: heldBack.length ? optOutRefusal(heldBack) : undefined,
    sendTimes: sendTimes(going, deps.now()), timeZone: sessionAccount(session).timeZone, attachments: c.attachments, forwarded: c.forwarded, introduced: c.introduced, passed: c.passed?.toISOString(), subjectNote: c.subjectNote, expressRefused: c.expressRefused,
    unknownCharset: c.unknownCharset,
  });
}

/** Answers a preview by mail (when there is somebody to answer) and in the SMTP reply; nothing is stored or sent. */
async function preview(report: PreviewReport, mailId: string, parsed: ParsedMail, to: string, account: string, deps: DataDeps): Promise<string | SmtpError> {
  const subject = fromSubject({ from: report.source, cuts: report.cuts });
  const summary = `${report.segments} SMS part${report.segments === 1 ? '' : 's'}, ${report.encoding === 'GSM7' ? 'GSM 7-bit' : 'Unicode'}, ${report.characters} characters${report.units === report.characters ? '' : ` (counted as ${report.units})`}${report.problem ? '; sent as it is, it would be refused' : ''}${subject ? `; ${subject}` : ''}${report.forwarded ? `; ${forwardedNote(introduced(report.cuts))}` : ''}${report.attachments ? '; attachments are not sent' : ''}${report.expressRefused ? `; ${report.expressRefused}` : ''}${report.unknownCharset ? `; ${unknownCharsetNote(report.unknownCharset)}` : ''}`;
  if (!to || !deps.sendPreview) return `2.0.0 preview only, nothing was sent: ${summary}`;
  try {
    const where = await deps.sendPreview(report, { to, id: mailId, original: parsed, account });
    deps.log('preview-sent', { mailId, to, where });
  } catch (e) {
    deps.log('preview-failed', { mailId, to, error: (e as Error).message });
    return errors.InternalError();
  }
  return `2.0.0 preview only, nothing was sent: ${summary}; the preview went to <${to}>`;
}

/** The envelope's recipients: SMS numbers (with their country), cancel addresses, and whether preview@ is among them. */
function classify(session: SMTPServerSession, deps: DataDeps): { numbers: EnvelopeRecipient[]; cancels: string[]; preview: boolean } {
  const out = { numbers: [] as EnvelopeRecipient[], cancels: [] as string[], preview: false };
  const account = sessionAccount(session);
  for (const a of session.envelope.rcptTo) {
    const control: ControlAddress | 'forged' | undefined = controlAddress(a.address, deps.config.smtp.domains, deps.replies);
    if (control === 'forged') continue; // refused at RCPT already
    if (control?.kind === 'preview') out.preview = true;
    else if (control?.kind === 'cancel') out.cancels.push(control.smsId);
    else {
      const r = deps.resolved?.get(a) ?? resolveRecipient(a.address, { domains: deps.config.smtp.domains, defaultCountry: account.defaultCountry });
      if (r instanceof SmtpError) continue; // refused at RCPT already, never reaches here
      out.numbers.push({ address: a.address, e164: r.e164, ...(r.country ? { country: r.country } : {}), dsn: a.dsn ? { notify: a.dsn.notify, orcpt: a.dsn.orcpt } : undefined });
    }
  }
  return out;
}

function refuse(err: SmtpError, session: SMTPServerSession, deps: DataDeps): SmtpError {
  deps.log('mail-refused', {
    cid: session.id, code: err.responseCode, enhanced: err.enhancedCode, error: err.errorName, reason: err.text,
    ip: session.remoteAddress, account: sessionAccountName(session), user: sessionUser(session)?.name, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
  });
  return err;
}

/** Collects the message; past the size limit it only drains, so a huge mail cannot fill memory. */
function readAll(stream: SMTPServerDataStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
