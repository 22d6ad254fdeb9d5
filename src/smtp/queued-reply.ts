import { formatTime } from '../notify/times.js';
import { unknownCharsetNote } from '../mail/charset.js';
import type { CutKind } from '../mail/types.js';
import { replyText, type SmtpError } from './errors.js';

/** An SMS due within this much of now is "sent at once": the 250 names no time for it. */
const AT_ONCE_MS = 60_000;

export interface Queued {
  mailId: string;
  /** SMS stored to be sent (duplicates by content and opted-out numbers not counted). */
  stored: number;
  /** Recipients that had this mail before (a retry): no second SMS. */
  duplicates: ReadonlyArray<{ of: string }>;
  /** SMS stored as duplicates by content, not sent. */
  suppressed: number;
  /** Numbers held back by the opt-out list (their SMS are stored as cancelled and confirmed so). */
  optedOut?: SmtpError;
  /** When the stored SMS go out, when any of them later than at once (a send time, quiet hours): sendTimes. */
  sendTimes?: SendTime[];
  /** The send time the mail asked for, which had passed when it came (it was still ahead when the mail was written): sent at once. */
  passed?: string;
  /** The account's zone, for that time. */
  timeZone: string;
  /** Attachments of the mail: an SMS carries text only. */
  attachments: number;
  /** The text is a forwarded mail's: the sender wrote none above it (mail/extract.ts). */
  forwarded?: 'inline' | 'attachment';
  /** What the sender wrote above the forward only introduced it ("FYI"). */
  introduced?: boolean;
  /** The text is the subject's, the body held nothing but these (subjectNote). */
  subjectNote?: string;
  /** The text's declared charset, unknown to the bridge, whose bytes were read by the fallback for text without one (mail/charset.ts). */
  unknownCharset?: string;
  /** Express was asked for and the account may not send it: its SMS go as normal ones (mail/recipient-plan.ts expressRefusal). */
  expressRefused?: string;
}

// What a body held that was cut whole, in a clerk's words.
const HELD: Record<CutKind, string> = {
  signature: 'a signature', 'signature-pattern': 'a signature', closing: 'a signature', 'signature-block': 'a signature',
  disclaimer: 'a disclaimer', quote: 'a quoted mail', html: 'a quoted mail', 'end-marker': 'text below the end marker',
  forward: 'a forwarded mail', introduction: 'an introduction',
};

/**
 * Said in the 250 and the preview's reply when the SMS is the subject's
 * text because everything in the body was cut (`cuts`, mail/extract.ts);
 * undefined when nothing was (an empty body, or text.source "subject").
 */
export function subjectNote(cuts: ReadonlyArray<{ kind: CutKind }>): string | undefined {
  if (!cuts.length) return undefined;
  const held = [...new Set(cuts.map((c) => HELD[c.kind]))];
  return `the text is the subject's, as the body held only ${held.join(' and ')}`;
}

/** Said in the 250 and the preview's reply when the SMS is the forwarded mail's text. */
export function forwardedNote(introduced: boolean | undefined): string {
  return `the text is the forwarded mail's, as ${introduced ? 'the line above it only introduces it' : 'none was written above it'}`;
}

/**
 * The text of the 250 after DATA: what was queued, and what the clerk might
 * not expect — a mail seen before, repeats, opted-out numbers, a later send
 * time, attachments left behind. A mail client shows it only when something
 * goes wrong, but ERP logs and integrators read it.
 */
export function queuedReply(q: Queued): string {
  if (!q.stored && !q.suppressed && !q.optedOut) {
    const of = [...new Set(q.duplicates.map((d) => d.of.replace(/\.\d+$/, '')))].join(', ');
    return `2.0.0 already queued as ${of}: this mail was received before, its SMS will not be sent again`;
  }
  // Every SMS a repeat by content or held back by the opt-out list: the mail is kept (its SMS stored as not sent), none goes.
  const parts = [`2.0.0 queued as ${q.mailId} (${q.stored ? `${q.stored} SMS` : 'no SMS will be sent'})`];
  if (q.sendTimes) parts.push(describeSendTimes(q.sendTimes, q.timeZone));
  if (q.expressRefused) parts.push(q.expressRefused);
  if (q.passed) parts.push(`the send time asked for, ${formatTime(q.passed, q.timeZone)}, had passed when the mail came: sent at once`);
  if (q.duplicates.length) {
    const one = q.duplicates.length === 1;
    parts.push(`${q.duplicates.length} recipient${one ? '' : 's'} already had this mail and get${one ? 's' : ''} no second SMS`);
  }
  if (q.suppressed) {
    const one = q.suppressed === 1;
    parts.push(`${q.suppressed} SMS repeat${one ? 's' : ''} the same text to the same number shortly before and ${one ? 'is' : 'are'} not sent again (duplicate detection)`);
  }
  if (q.optedOut) parts.push(q.optedOut.text);
  if (q.subjectNote) parts.push(q.subjectNote);
  if (q.forwarded) parts.push(forwardedNote(q.introduced));
  if (q.unknownCharset) parts.push(unknownCharsetNote(q.unknownCharset));
  if (q.attachments) parts.push(`${q.attachments === 1 ? 'the attachment was' : `the ${q.attachments} attachments were`} not sent: an SMS carries text only`);
  // Cut to one reply line, as every reply: many held-back numbers make a long sentence.
  return replyText(parts.join('; '));
}

/** SMS of a mail that go at one time: `at` undefined for those that go at once. */
export interface SendTime {
  at?: string;
  count: number;
}

/**
 * When the SMS go, grouped by time in order (at once first), or undefined
 * when all go at once. An SMS due within a minute goes at once. The numbers
 * of one mail can go at different times: quiet hours end at different
 * moments in different countries.
 */
export function sendTimes(sms: ReadonlyArray<{ notBefore: string }>, now: Date): SendTime[] | undefined {
  const counts = new Map<string | undefined, number>();
  for (const m of sms) {
    const at = Date.parse(m.notBefore) - now.getTime() > AT_ONCE_MS ? m.notBefore : undefined;
    counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  const times = [...counts].map(([at, count]) => ({ ...(at ? { at } : {}), count }));
  if (!times.some((t) => t.at)) return undefined;
  return times.sort((a, b) => (a.at === undefined ? -1 : b.at === undefined ? 1 : Date.parse(a.at) - Date.parse(b.at)));
}

/** Beyond this many times, the 250 names the first and the last only: the reply is one line. */
const MAX_TIMES_NAMED = 3;

/**
 * "to be sent at <time>" when all go then, as before; else each time with
 * its SMS ("to be sent at once (1 SMS) and at <time> (2 SMS)"), or, for
 * many, the span of the later ones ("at 4 different times between <first>
 * and <last> (6 SMS)").
 */
export function describeSendTimes(times: readonly SendTime[], timeZone: string): string {
  if (times.length === 1) return `to be sent at ${formatTime(times[0].at!, timeZone)}`;
  const now = times.find((t) => !t.at);
  const later = times.filter((t) => t.at);
  const named = later.length <= MAX_TIMES_NAMED
    ? later.map((t) => `at ${formatTime(t.at!, timeZone)} (${t.count} SMS)`)
    : [`at ${later.length} different times between ${formatTime(later[0].at!, timeZone)} and ${formatTime(later.at(-1)!.at!, timeZone)} (${later.reduce((n, t) => n + t.count, 0)} SMS)`];
  const items = [...(now ? [`at once (${now.count} SMS)`] : []), ...named];
  return `to be sent ${items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0]}`;
}
