/**
 * Builds the one confirmation mail for several SMS of one mail that reached
 * the same stage (gather.ts): a plain multipart/alternative mail, or an RFC
 * 3464 report with a per-recipient block for each when the client asked for
 * DSNs, with the headers, threading and envelope of compose.ts.
 */
import { createHash } from 'node:crypto';
import { assemble, cancelReplyTo, ConfirmationTemplates, envelopeSenderFor, reportParts, returnedNote, type Confirmation, type ConfirmationInput } from './compose.js';
import { togetherSubject, togetherView, type Confirmed } from './format-group.js';
import { numberOf, phaseOf } from './gather.js';
import { isDsn } from './policy.js';
import { isEightBit, returnedPart } from './returned.js';
import { wordingFor } from './wording/index.js';

/** Longest list of SMS numbers a Message-ID spells out; a longer one (a mail to many numbers) is named by a digest. */
const MAX_LISTED = 60;

export async function composeTogether(input: ConfirmationInput): Promise<Confirmation> {
  const { sms, now, reportingMta } = input;
  const all: Confirmed[] = [{ sms, status: input.status }, ...(input.together ?? [])];
  const wording = wordingFor(input.language);
  const cancel = (s: Confirmed['sms'], status: Confirmed['status']) => cancelReplyTo(input, s, status);
  // One mail's SMS: one message to return, with the recipients the report is about.
  const returned = isDsn(sms) ? await returnedPart(sms, all.map((c) => c.sms.mail.rcptTo), input.originalsDir, input.sevenBit) : undefined;
  const view = togetherView(all, { now, timeZone: input.timeZone, wording, cancelAddress: cancel, transliterate: input.transliterate });
  const { text, html } = await (input.templates ?? new ConfirmationTemplates(input.templatesDir)).renderTogether({ ...view, returned: returnedNote(returned, wording) });
  const messageId = togetherMessageId(all, reportingMta);
  const subject = togetherSubject(all, wording);
  const to = sms.mail.envelopeFrom;
  const raw = assemble({
    from: input.from, to, subject, messageId, now, text, html, origin: sms.mail,
    // A reply to all of them cancels each (src/smtp/cancel-reply.ts takes several cancel addresses at once).
    replyTo: view.cancels.map((r) => r.cancelAddress!),
    report: returned && reportParts(all, reportingMta, now, returned),
  });
  return { raw, messageId, to, subject, envelopeFrom: envelopeSenderFor(sms, input.bounceAddress), ...(isEightBit(returned) ? { eightBit: true as const } : {}) };
}

/**
 * `<mailId>.<n>+<n>….<stage>@<host>`: deterministic, so a retried send of the
 * same confirmations is recognisably the same mail (and the file outbox writes
 * the same file). The stage is the phase (gather.ts) when their statuses differ.
 */
export function togetherMessageId(all: readonly Confirmed[], reportingMta: string): string {
  const numbers = all.map((c) => numberOf(c.sms)).join('+');
  const which = numbers.length <= MAX_LISTED ? numbers : `${all.length}sms.${createHash('sha256').update(numbers).digest('hex').slice(0, 16)}`;
  const stage = all.every((c) => c.status === all[0].status) ? all[0].status : phaseOf(all[0].status);
  return `<${all[0].sms.mailId}.${which}.${stage}@${reportingMta}>`;
}
