import { createHash } from 'node:crypto';
import { analyzeText } from '../sms/segments.js';
import { errors, SmtpError } from '../smtp/errors.js';
import type { DsnRequest, NotifyLevel, SmsMessage, SmsStatus } from '../store/types.js';
import { extractText, type ExtractOptions } from './extract.js';
import { describeOptionError, parseSmsOptions, type SmsOptions } from './options.js';
import type { ParsedMail } from './parse.js';

export interface EnvelopeRecipient {
  /** RCPT TO as written. */
  address: string;
  e164: string;
  dsn?: { notify?: string[]; orcpt?: string };
}

export interface ToSmsInput {
  parsed: ParsedMail;
  envelopeFrom: string;
  recipients: EnvelopeRecipient[];
  dsn?: { ret?: string | null; envid?: string | null };
  mailId: string;
  account: string;
  now: Date;
  remoteAddress?: string;
  clientHostname?: string;
  options: { timeZone: string; maxAheadDays: number };
  text: ExtractOptions & { senderSignaturePatterns: Readonly<Record<string, readonly string[]>>; transliterate: boolean; maxSegments: number };
  notify: NotifyLevel;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
}

export interface SmsBatch {
  messages: SmsMessage[];
  /** Duplicate-detection key per message (Message-ID + recipient), when the mail has a Message-ID. */
  dedupKeys: Array<string | undefined>;
}

/** One accepted mail → one SMS per distinct recipient, or the SmtpError DATA must answer. Pure: ids and time come in. */
export function toSms(input: ToSmsInput): SmsBatch | SmtpError {
  const { parsed } = input;
  const opted = sendingOptions(input);
  if (opted instanceof SmtpError) return opted;
  const { options, subject } = opted;
  const signaturePatterns = [...input.text.signaturePatterns, ...senderPatterns(input.text.senderSignaturePatterns, [parsed.fromAddress, input.envelopeFrom])];
  const extracted = extractText({ text: parsed.text, html: parsed.html, subject }, { ...input.text, signaturePatterns });
  if (!extracted.text.trim()) return errors.NoText();
  const sms = analyzeText(extracted.text, { transliterate: input.text.transliterate });
  // A sender may ask for fewer segments than the gateway allows, never more.
  const maxSegments = Math.min(options.maxSegments ?? Infinity, input.text.maxSegments);
  if (sms.segments > maxSegments) {
    const detail = sms.encoding === 'UCS2'
      ? `${sms.units} characters in Unicode because of ${sms.nonGsm.slice(0, 5).map((c) => `"${c}"`).join(' ')}, ${sms.perSegment} per segment`
      : `${sms.units} characters, ${sms.perSegment} per segment`;
    return errors.TooManySegments(String(sms.segments), String(maxSegments), detail);
  }
  const at = input.now.toISOString();
  const sendAt = options.sendAt?.toISOString();
  const expiresAt = options.validityHours
    ? new Date((options.sendAt ?? input.now).getTime() + options.validityHours * 3600_000).toISOString()
    : undefined;
  const seen = new Set<string>();
  const batch: SmsBatch = { messages: [], dedupKeys: [] };
  for (const r of input.recipients) {
    if (seen.has(r.e164)) continue; // the same number written twice gets one SMS
    seen.add(r.e164);
    const m: SmsMessage = {
      id: `${input.mailId}.${seen.size}`,
      mailId: input.mailId,
      account: input.account,
      to: r.e164,
      text: sms.text,
      encoding: sms.encoding,
      segments: sms.segments,
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
      ...(sendAt ? { sendAt } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      notify: options.notify ? NOTIFY_OF[options.notify] : input.notify,
      dsn: dsnOf(input.dsn, r.dsn),
      status: 'accepted',
      history: [{ status: 'accepted', at }],
      attempts: 0,
      notBefore: sendAt ?? at,
      confirmations: [],
    };
    if (input.wantsConfirmation(m, 'accepted')) m.confirmations.push({ stage: 'accepted', attempts: 0, notBefore: at });
    batch.messages.push(m);
    batch.dedupKeys.push(parsed.messageId ? dedupKey(input.account, parsed.messageId, r.e164) : undefined);
  }
  return batch;
}

const NOTIFY_OF: Record<NonNullable<SmsOptions['notify']>, NotifyLevel> = { none: 'none', failure: 'failure', delivery: 'final', all: 'all' };

/** Options this gateway parses but cannot honour yet: refused rather than silently ignored. */
const NOT_YET: Array<[keyof SmsOptions, string]> = [
  ['senderId', 'sender ID (X-SMS-Sender-ID, [SRC:…], [FROM:…])'],
  ['flash', 'flash SMS (X-SMS-Flash, [FLASH:ON])'],
  ['blackout', 'quiet hours ([BLACKOUTPERIODS:…])'],
  ['duplicateDetection', 'duplicate detection by content ([DUPLICATEDETECTION:ON])'],
  ['preview', 'preview ([PREVIEW])'],
];

/** The mail's sending options, with the subject they leave behind, or the refusal naming every bad one. */
function sendingOptions(input: ToSmsInput): { options: SmsOptions; subject: string } | SmtpError {
  const r = parseSmsOptions({ headers: input.parsed.headers, subject: input.parsed.subject, now: input.now, ...input.options });
  if ('errors' in r) return errors.BadOption(r.errors.map(describeOptionError).join('; '));
  for (const [key, name] of NOT_YET) {
    const v = r.options[key];
    if (v !== undefined && v !== false) return errors.OptionNotAvailable(name);
  }
  return r;
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

/** A mail server retrying after a lost reply sends the same Message-ID to the same recipient again. */
export function dedupKey(account: string, messageId: string, e164: string): string {
  return createHash('sha256').update(`${account}\n${messageId.trim().toLowerCase()}\n${e164}`).digest('base64url').slice(0, 22);
}
