/**
 * What a mail would become, without sending it: [PREVIEW], X-SMS-Preview or
 * a mail that names preview@<sms domain>. Pure data for the answer mail
 * (src/notify/preview.ts): the text exactly as it would go out, how it
 * encodes and splits, what forced Unicode, what was cut from the mail, and
 * per recipient the sender ID and time it would get — or why it would be
 * refused.
 */
import { countLost } from './charset.js';
import type { ExtractResult } from './extract.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import { splitSegments, STANDARD_UDH_OCTETS, withUdh } from '../sms/segments.js';
import type { SmsText } from '../sms/types.js';
import type { StatusCallback } from '../store/types.js';
import { optOutError, type OptOutCheck } from '../policy/optout-scope.js';
import { SmtpError } from '../smtp/errors.js';
import { holdRecord, type QuietHoldRecord } from '../dispatch/quiet-hours.js';
import { draftProblem, type Draft } from './draft.js';
import type { SmsOptions } from './options.js';
import { expressRefusal, planRecipient, type SendingPolicy } from './recipient-plan.js';

export interface PreviewRecipient {
  to: string;
  sender?: string;
  senderNote?: string;
  /** ISO 8601: when it would go first. */
  notBefore?: string;
  /** Why it would wait (quiet hours), as data until `notBefore`: worded by the mailed answer and the REST API in their reader's language (notify/hold-words.ts). */
  quiet?: QuietHoldRecord;
  expiresAt?: string;
  /** The refusal a real send would get for this recipient (kept as the error: the mail shows its reply, the API its parts). */
  refusal?: SmtpError;
}

export interface PreviewReport extends Pick<SmsText, 'text' | 'encoding' | 'segments' | 'characters' | 'units' | 'perSegment' | 'nonGsm' | 'replaced'> {
  parts: string[];
  cuts: ExtractResult['cuts'];
  source: ExtractResult['from'];
  options: Omit<SmsOptions, 'preview' | 'sendAt'> & { sendAt?: string };
  recipients: PreviewRecipient[];
  /** The refusal a real send of this mail would get, when it would be refused as a whole (no text, too long). */
  problem?: SmtpError;
  /** Characters of the mail that could not be read in any charset (U+FFFD, sent as '?'); absent when none. */
  lost?: number;
  /** The text is the forwarded mail's (extract.ts); absent otherwise. */
  forwarded?: ExtractResult['forwarded'];
  /** Attachments of the mail, which an SMS cannot carry; absent when none (and for the REST API, which has none). */
  attachments?: number;
  /** A text part's declared charset that is unknown, read as text without one (parse.ts): said as a send's 250 says it; absent when none (and for the REST API, whose JSON is UTF-8). */
  unknownCharset?: string;
  /** Where each status would be pushed (the mail's or request's status callback, else the account's default), and which; absent when none. */
  callback?: StatusCallback;
  /** Express was asked for and the account may not send it: the sentence a send's 250 would end with (its SMS would go as normal ones). */
  expressRefused?: string;
}

export function previewReport(
  draft: Draft,
  recipients: ReadonlyArray<{ e164: string; country?: string }>,
  policy: SendingPolicy,
  ctx: { now: Date; timeZone: string; udhOf?: UdhOf },
  optedOut: OptOutCheck,
): PreviewReport {
  const { options } = draft;
  const { preview: _preview, sendAt, ...rest } = options;
  const lost = countLost(draft.extracted.text);
  const seen = new Set<string>();
  const out: PreviewRecipient[] = [];
  // Counted as a send would count it: behind the largest UDH of the recipients' routes (src/dispatch/udh-size.ts).
  let udh = STANDARD_UDH_OCTETS;
  for (const r of recipients) {
    if (seen.has(r.e164)) continue;
    seen.add(r.e164);
    const plan = planRecipient(r, options, policy, ctx);
    if (plan instanceof SmtpError) {
      out.push({ to: r.e164, refusal: plan });
      continue;
    }
    // The opt-out list's entries for one sender, now that the sender is known (as DATA and the REST API ask).
    const routed = { to: r.e164, account: policy.sender.account, sender: plan.sender, ...draft.sms, sendAt: sendAt?.toISOString() };
    udh = Math.max(udh, ctx.udhOf?.(routed) ?? STANDARD_UDH_OCTETS);
    const hit = optedOut(routed);
    if (hit) {
      out.push({ to: r.e164, refusal: optOutError(r.e164, hit) });
      continue;
    }
    out.push({
      to: r.e164, notBefore: plan.notBefore.toISOString(),
      ...(plan.sender !== undefined ? { sender: plan.sender } : {}),
      ...(plan.senderNote ? { senderNote: plan.senderNote } : {}),
      ...(plan.hold ? { quiet: holdRecord(plan.hold) } : {}),
      ...(plan.expiresAt ? { expiresAt: plan.expiresAt.toISOString() } : {}),
    });
  }
  const sms = withUdh(draft.sms, udh);
  const problem = draftProblem(draft, sms);
  const expressRefused = expressRefusal(options, policy);
  return {
    text: sms.text, encoding: sms.encoding, segments: sms.segments, characters: sms.characters, units: sms.units, perSegment: sms.perSegment,
    nonGsm: sms.nonGsm, replaced: sms.replaced,
    parts: splitSegments(sms.text, sms.encoding, udh),
    cuts: draft.extracted.cuts, source: draft.extracted.from,
    options: { ...rest, ...(sendAt ? { sendAt: sendAt.toISOString() } : {}) },
    recipients: out,
    ...(problem ? { problem } : {}),
    ...(lost ? { lost } : {}),
    ...(draft.extracted.forwarded ? { forwarded: draft.extracted.forwarded } : {}),
    ...(draft.callback ? { callback: draft.callback } : {}),
    ...(expressRefused ? { expressRefused } : {}),
  };
}
