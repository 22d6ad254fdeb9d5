/**
 * The mail that forwards a handset's reply to the sender of the SMS it
 * answers: threaded to that sender's original mail (In-Reply-To and
 * References, as confirmations are), the customer's words first and exactly
 * as received, then what they answer. Reply-To is the handset's SMS address,
 * so that hitting Reply sends an SMS back; the subject carries the sender
 * the SMS went from as a [SRC:…] tag, which the clerk's reply keeps, so the
 * answer comes from the same number and lands in the same conversation on
 * the phone (a name as the account's default sender could not be answered).
 * An SMS that named no sender went with the connector's default: there the
 * tag is left out, so the answer, naming none either, goes the same way
 * (the account may not be allowed to ask for that number by name).
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { InboundReply } from '../store/types.js';
import { threading, type Confirmation } from './compose.js';
import { oneLine, quotedSubject } from './format.js';
import { writeMime } from './mime.js';
import { wordingFor, type Language } from './wording/index.js';

export interface ReplyMailInput {
  reply: InboundReply;
  /** From header, as for confirmations. */
  from: string;
  /** Our hostname: the right-hand side of the Message-ID. */
  reportingMta: string;
  /** The SMS domain of the Reply-To address (the first of smtp.domains). */
  smsDomain: string;
  now: Date;
  timeZone?: string;
  language?: Language;
}

/** How much of the reply the subject quotes. */
const SUBJECT_START = 40;

/** Deterministic, so a retried send is recognisably the same mail (and the same outbox file). */
export function replyMessageId(reply: Pick<InboundReply, 'id'>, reportingMta: string): string {
  return `<${reply.id}.reply@${reportingMta}>`;
}

/** The subject: number, the reply's start on one line, and the sender tag for the clerk's answer. */
export function replySubject(reply: InboundReply, language?: Language): string {
  // One line, and no direction override to turn the subject around: the body has the text as it came.
  const flat = (oneLine(reply.text) ?? '').replace(/\s+/g, ' ');
  const start = [...flat].length > SUBJECT_START ? `${[...flat].slice(0, SUBJECT_START - 1).join('').trimEnd()}…` : flat;
  const subject = wordingFor(language).reply.subject(reply.from, start);
  // An SMS that went with the connector's default asked for no sender: neither does the answer, so it goes the same way.
  return reply.original.connectorDefault ? subject : `${subject} [SRC:${reply.original.sender}]`;
}

/** The plain-text body. Pure. */
export function replyBody(reply: InboundReply, timeZone?: string, language?: Language): string {
  const w = wordingFor(language);
  const r = w.reply;
  const o = reply.original;
  const at = (iso: string) => w.time(iso, timeZone);
  const facts: Array<[string, string | undefined]> = [
    [r.from, reply.from], [r.received, at(reply.receivedAt)], [r.sentTo, o.sender],
    [r.yourReference, o.reference], [r.ourReference, reply.answers], [r.yourMail, quotedSubject(o.mail.subject) || undefined],
  ];
  const width = Math.max(...facts.map(([k]) => k.length)) + 3;
  const keyword = reply.keyword === 'STOP' ? r.stop(reply.from, o.sender) : reply.keyword === 'START' ? r.start(reply.from, o.sender) : undefined;
  return [
    r.intro(reply.from, at(reply.receivedAt)),
    '',
    reply.text,
    '',
    ...(keyword ? [keyword, ''] : []),
    ...facts.filter(([, v]) => v).map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    '',
    r.answers(at(o.sentAt), o.to),
    ...o.text.split(/\r?\n/).map((l) => `> ${l}`),
    '',
    r.howToAnswer(reply.from, o.sender),
    '',
  ].join('\n');
}

export function composeReplyMail(input: ReplyMailInput): Confirmation {
  const { reply, now } = input;
  const messageId = replyMessageId(reply, input.reportingMta);
  const subject = replySubject(reply, input.language);
  const to = reply.original.mail.envelopeFrom;
  const composer = new MailComposer({
    from: input.from,
    to,
    replyTo: `${reply.from}@${input.smsDomain}`,
    subject,
    messageId,
    date: now,
    text: replyBody(reply, input.timeZone, input.language),
    ...threading(reply.original.mail),
    // Made by the bridge, so out-of-office responders leave it alone; the clerk's own answer carries none of this.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // The envelope sender is the null sender, as for plain confirmations (compose.ts envelopeSenderFor).
  return { raw: writeMime(composer.compile()), messageId, to, subject, envelopeFrom: '' };
}
