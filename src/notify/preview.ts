/**
 * The answer to a preview: a plain-text mail, threaded to the sender's mail,
 * that shows the SMS exactly as it would go out and explains it, in the
 * sender's language (wording/). Nothing of it is stored: a preview that
 * cannot be mailed is answered with a 451 so that the sender's server tries again.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { shownCharset } from '../mail/charset.js';
import { introduced } from '../mail/extract.js';
import type { PreviewReport } from '../mail/preview.js';
import { shown } from './callbacks/allow.js';
import { nonGsmChars } from '../sms/gsm7.js';
import { withOriginalSubject } from './format.js';
import { quietReason } from './hold-words.js';
import { wordingFor, type Language, type Wording } from './wording/index.js';

type Words = Wording['preview'];
type Time = (iso: string) => string;

/** The body of the answer: the sentences a clerk reads. English when no wording is given. */
export function previewText(r: PreviewReport, timeZone: string, w: Wording = wordingFor('en')): string {
  const p = w.preview;
  const time: Time = (iso) => w.time(iso, timeZone);
  const lines = [
    p.intro,
    '',
    r.problem ? p.refused(r.problem.reply) : '',
    p.textAsSent({ characters: r.characters, units: r.units }, r.encoding, r.segments, r.perSegment),
    ...r.text.split('\n').map((l) => `> ${l}`),
    '',
  ];
  if (r.parts.length > 1) lines.push(p.splitInto, ...r.parts.map((part, i) => `  ${i + 1}/${r.parts.length}: ${JSON.stringify(part)}`), '');
  const listed = (chars: string[]) => chars.map((c) => `"${c}" (${codePoint(c)})`);
  lines.push(r.nonGsm.length ? p.forcedUnicode(listed(r.nonGsm)) : p.allGsm);
  // Typographic characters a GSM-7 text would have had replaced, left as written in a Unicode one.
  const kept = r.nonGsm.length ? nonGsmChars(r.text).filter((c) => !r.nonGsm.includes(c)) : [];
  if (kept.length) lines.push(p.kept(listed(kept)));
  if (r.lost) lines.push(p.lost(r.lost, r.text.includes('\uFFFD') ? '\uFFFD' : '?'));
  if (r.unknownCharset) lines.push(p.unknownCharset(shownCharset(r.unknownCharset)));
  if (r.attachments) lines.push(p.attachments(r.attachments));
  const replaced = r.replaced.filter((x) => x.to !== '');
  const removed = r.replaced.filter((x) => x.to === '');
  if (replaced.length) lines.push(p.replaced(replaced));
  // By code point only: shown as they are, they would be invisible (or turn the line around).
  if (removed.length) lines.push(p.removed(removed.map((x) => ({ code: codePoint(x.from), count: x.count }))));
  lines.push('', r.cuts.length ? p.cutFrom : p.nothingCut, ...r.cuts.map((c) => `  - ${p.cut[c.kind]}: "${c.at}"`));
  if (r.source === 'subject') lines.push('', r.cuts.length ? p.fromSubjectAllCut : p.fromSubject);
  if (r.forwarded) lines.push('', introduced(r.cuts) ? p.fromForwardIntroduced : p.fromForward);
  lines.push('', p.options(optionParts(r, p, time)));
  if (r.callback) lines.push(p.callback(shown(r.callback.url), r.callback.level));
  lines.push('', p.perRecipient, ...r.recipients.map((x) => recipientLine(x, w, time, timeZone)));
  if (!r.recipients.length) lines.push(p.noRecipients);
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n') + '\n';
}

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function optionParts(r: PreviewReport, p: Words, time: Time): string[] {
  const o = r.options;
  const on = p.option;
  return [
    o.sendAt ? on.sendAt(time(o.sendAt)) : '',
    o.senderId ? on.senderId(o.senderId) : '',
    o.reference ? on.reference(o.reference) : '',
    o.billingCode ? on.billingCode(o.billingCode) : '',
    o.notify ? on.notify(o.notify) : '',
    o.validityHours ? on.validity(o.validityHours) : '',
    o.flash ? on.flash : '',
    o.priority === 'express' ? (r.expressRefused ? on.expressNotAllowed : on.express) : '',
    o.maxSegments ? on.maxSegments(o.maxSegments) : '',
    o.duplicateDetection !== undefined ? on.duplicateDetection(o.duplicateDetection) : '',
    o.blackout?.length ? on.blackout(o.blackout.map((b) => ('from' in b ? `${b.from}-${b.to}` : on.period(time(b.start), time(b.end))))) : '',
  ].filter(Boolean);
}

function recipientLine(x: PreviewReport['recipients'][number], w: Wording, time: Time, timeZone: string): string {
  const p = w.preview;
  if (x.refusal) return `  ${x.to}: ${p.wouldBeRefused(x.refusal.reply)}`;
  const sender = x.sender ? p.sender(x.sender, x.senderNote) : p.defaultSender;
  // A hold says why and when it would go, as a confirmation's history says it (hold-words.ts).
  const held = x.quiet && x.notBefore ? quietReason(x.quiet, x.notBefore, w, timeZone) : undefined;
  const when = held ?? p.wouldGoAt(time(x.notBefore!));
  const expires = x.expiresAt ? `, ${p.validUntil(time(x.expiresAt))}` : '';
  return `  ${x.to}: ${sender}; ${when}${expires}`;
}

export interface PreviewMailInput {
  report: PreviewReport;
  from: string;
  to: string;
  reportingMta: string;
  /** Names the answer: `<preview.<id>@<reportingMta>>`. */
  id: string;
  now: Date;
  timeZone: string;
  /** The sender's account's language; English when absent. */
  language?: Language;
  original: { messageId?: string; references?: string[]; subject?: string };
}

export async function composePreview(p: PreviewMailInput): Promise<{ raw: Buffer; messageId: string }> {
  const w = wordingFor(p.language);
  const messageId = `<preview.${p.id}@${p.reportingMta}>`;
  const mail = new MailComposer({
    from: p.from, to: p.to, subject: withOriginalSubject(w.preview.subject, p.original.subject, w), messageId, date: p.now,
    text: previewText(p.report, p.timeZone, w),
    ...(p.original.messageId ? { inReplyTo: p.original.messageId, references: [...(p.original.references ?? []), p.original.messageId] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    newline: 'win',
  });
  return { raw: await mail.compile().build(), messageId };
}
