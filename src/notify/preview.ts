/**
 * The answer to a preview: a plain-text mail, threaded to the sender's mail,
 * that shows the SMS exactly as it would go out and explains it. Nothing of
 * it is stored: a preview that cannot be mailed is answered with a 451 so
 * that the sender's server tries again.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Cut, CutKind } from '../mail/extract.js';
import type { PreviewReport } from '../mail/preview.js';
import { formatTime } from './format.js';

const CUT_LABEL: Record<CutKind, string> = {
  signature: 'your signature (from the "-- " line on)',
  'signature-pattern': 'a signature or footer (from this line on)',
  'end-marker': 'everything after the end marker',
  closing: 'the closing and the signature below it (from this line on)',
  quote: 'a quoted earlier mail',
  html: 'the quoted earlier mail in the HTML part',
};

const ENCODING = { GSM7: 'GSM 7-bit', UCS2: 'Unicode (UCS-2)' } as const;

function cutLine(c: Cut): string {
  return `  - ${CUT_LABEL[c.kind]}: "${c.at}"`;
}

/** The body of the answer: the sentences a clerk reads. */
export function previewText(r: PreviewReport, timeZone: string): string {
  const unit = r.encoding === 'GSM7' ? 'characters (GSM 7-bit counts ^ { } [ ] ~ \\ | € twice)' : 'characters (an emoji counts twice)';
  const lines = [
    'Preview of your SMS. Nothing was sent.',
    '',
    r.problem ? `Sent as it is, this mail would be refused: ${r.problem.reply}` : '',
    `The text exactly as it would go out: ${r.units} ${unit}, ${ENCODING[r.encoding]}, ${r.segments} SMS part${r.segments === 1 ? '' : 's'} (up to ${r.perSegment} per part):`,
    ...r.text.split('\n').map((l) => `> ${l}`),
    '',
  ];
  if (r.parts.length > 1) lines.push('Split into parts:', ...r.parts.map((p, i) => `  ${i + 1}/${r.parts.length}: ${JSON.stringify(p)}`), '');
  lines.push(r.nonGsm.length
    ? `Characters that forced Unicode (each part then holds 70 or 67 instead of 160 or 153): ${r.nonGsm.map((c) => `"${c}" (${codePoint(c)})`).join(', ')}`
    : 'Every character fits the GSM 7-bit alphabet.');
  if (r.lost) lines.push(`${r.lost} character${r.lost === 1 ? '' : 's'} of your mail could not be read (its bytes fit no charset it could be in) and ${r.lost === 1 ? 'goes' : 'go'} out as "${r.text.includes('\uFFFD') ? '\uFFFD' : '?'}": please check the text.`);
  const replaced = r.replaced.filter((x) => x.to !== '');
  const removed = r.replaced.filter((x) => x.to === '');
  if (replaced.length) lines.push(`Replaced to stay cheaper: ${replaced.map((x) => `"${x.from}" by "${x.to}" (${x.count}x)`).join(', ')}`);
  // By code point only: shown as they are, they would be invisible (or turn the line around).
  if (removed.length) lines.push(`Removed, invisible and without text: ${removed.map((x) => `${codePoint(x.from)} (${x.count}x)`).join(', ')}`);
  lines.push('', r.cuts.length ? 'Cut from your mail:' : 'Nothing was cut from your mail.', ...r.cuts.map(cutLine));
  if (r.source === 'subject') lines.push('', 'The text was taken from the subject (the body had none).');
  lines.push('', ...optionLines(r, timeZone), '', 'Per recipient:', ...r.recipients.map((x) => recipientLine(x, timeZone)));
  if (!r.recipients.length) lines.push('  (no numbers in this mail: write to <number>@<sms domain> and preview@<sms domain> together to see sender and time per number)');
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n') + '\n';
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function optionLines(r: PreviewReport, tz: string): string[] {
  const o = r.options;
  const parts = [
    o.sendAt ? `send time ${formatTime(o.sendAt, tz)}` : '',
    o.senderId ? `sender ID ${o.senderId}` : '',
    o.reference ? `reference ${o.reference}` : '',
    o.notify ? `confirmations: ${o.notify}` : '',
    o.validityHours ? `validity ${o.validityHours} h` : '',
    o.flash ? 'flash SMS' : '',
    o.maxSegments ? `at most ${o.maxSegments} parts` : '',
    o.duplicateDetection !== undefined ? `duplicate detection ${o.duplicateDetection ? 'on' : 'off'}` : '',
    o.blackout?.length ? `blackout periods ${o.blackout.map((b) => ('from' in b ? `${b.from}-${b.to}` : `${formatTime(b.start, tz)} to ${formatTime(b.end, tz)}`)).join(', ')}` : '',
  ].filter(Boolean);
  return [parts.length ? `Options in your mail: ${parts.join('; ')}.` : 'No options in your mail.'];
}

function recipientLine(x: PreviewReport['recipients'][number], tz: string): string {
  if (x.refusal) return `  ${x.to}: would be refused: ${x.refusal.reply}`;
  const sender = x.sender ? `sender ${x.sender}${x.senderNote ? ` (${x.senderNote})` : ''}` : 'the carrier\'s default sender';
  const when = x.hold ? `${x.hold}` : `would go at ${formatTime(x.notBefore!, tz)}`;
  const expires = x.expiresAt ? `, valid until ${formatTime(x.expiresAt, tz)}` : '';
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
  original: { messageId?: string; references?: string[]; subject?: string };
}

export async function composePreview(p: PreviewMailInput): Promise<{ raw: Buffer; messageId: string }> {
  const messageId = `<preview.${p.id}@${p.reportingMta}>`;
  const subject = `SMS preview (nothing sent)${p.original.subject ? `: Re: ${p.original.subject.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 60)}` : ''}`;
  const mail = new MailComposer({
    from: p.from, to: p.to, subject, messageId, date: p.now,
    text: previewText(p.report, p.timeZone),
    ...(p.original.messageId ? { inReplyTo: p.original.messageId, references: [...(p.original.references ?? []), p.original.messageId] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    newline: 'win',
  });
  return { raw: await mail.compile().build(), messageId };
}
