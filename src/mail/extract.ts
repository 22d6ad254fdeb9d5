/**
 * The text a person meant to send: the body of a mail without quoted replies,
 * signatures and disclaimers, or the subject when the body is empty or holds
 * nothing but those. Pure; `cuts` says what was removed so that a preview can
 * explain it.
 */
import { closingAt, DEFAULT_CLOSINGS, signatureOnlyAt } from './closing.js';
import { disclaimerAt } from './disclaimer.js';
import { DEFAULT_SIGNATURE_PATTERNS } from './signature-patterns.js';
import { forwardedLines, forwardStart, isForwardAt, isForwardSubject, isIntroduction, MAX_FORWARD_DEPTH } from './forward.js';
import { htmlToText } from './html.js';
import { isHtmlPlaceholder } from './html-placeholder.js';
import { attributionLength, hasReplyMarks, isHeaderBlock, isOriginalMessage, isQuoted, nextContent, quoteBlockEnd } from './quotes.js';
import { withoutPrefixes } from './subject-prefix.js';
import { cutAt, type Cut, type ExtractOptions, type ExtractResult } from './types.js';
import { isBlank, tidy, toLines } from './whitespace.js';

export type { Cut, CutKind, ExtractOptions, ExtractResult, ExtractSource } from './types.js';
export { introduced } from './types.js';

export interface MailText {
  text?: string;
  html?: string;
  subject?: string;
  /** The body came as Outlook's winmail.dat (application/ms-tnef), which is not read. */
  tnef?: boolean;
  /** The text was written into the header block (no blank line after the headers): read as headers, lost. */
  textInHeader?: boolean;
  /** A mail attached as message/rfc822: its text is the SMS when the mail itself has none. */
  attached?: MailText;
  /** The mail answers another (In-Reply-To or References): its '>' lines are quotes, with or without an attribution. */
  reply?: boolean;
}

/** Longest line the signature patterns are tried on. */
export const MAX_PATTERN_LINE = 200;

export const DEFAULT_EXTRACT_OPTIONS: Readonly<ExtractOptions> = Object.freeze({
  source: 'body',
  endMarker: '##',
  signaturePatterns: DEFAULT_SIGNATURE_PATTERNS,
  closings: DEFAULT_CLOSINGS,
  disclaimerPatterns: [],
});

/** Throws SyntaxError when a signature pattern is not a valid regex. */
export function extractText(mail: MailText, opts: ExtractOptions = DEFAULT_EXTRACT_OPTIONS): ExtractResult {
  const subject = cleanSubject(mail.subject);
  if (opts.source === 'subject') return { text: subject, from: 'subject', cuts: [] };
  const body = extractBody(mail, opts, isReply(mail));
  // A body we cannot read is not an empty one: the subject is not what the sender wrote as text.
  if (body.text === '' && body.unreadable) return body;
  if (body.text === '') return subject === '' ? body : { text: subject, from: 'subject', cuts: body.cuts };
  if (opts.source === 'subject+body' && subject !== '') {
    return { ...body, text: `${subject}\n${body.text}`, from: 'subject+body' };
  }
  return body;
}

/**
 * A text given as it is (the REST API): cleaned as a mail body is, by the
 * same step (line ends, terminal escape sequences and control characters,
 * trailing blanks, runs of blank lines), with nothing cut, so the same text
 * gives the same SMS whichever way it came. Invisible characters go later,
 * for both, where the encoding is chosen (src/sms/invisible.ts).
 */
export function givenText(text: string): ExtractResult {
  return { text: tidy(toLines(text)), from: 'body', cuts: [] };
}

// A Re:/AW:/Fwd: subject says so as well as the headers do.
function isReply(mail: MailText): boolean {
  return mail.reply === true || withoutPrefixes((mail.subject ?? '').trim()) !== (mail.subject ?? '').trim();
}

// The text/plain part wins: it is what the sender's client meant as text.
function extractBody(mail: MailText, opts: ExtractOptions, reply: boolean): ExtractResult {
  const forward = isForwardSubject(mail.subject);
  const rules = { ...opts, reply };
  // A "use an HTML mail client" sentence beside the HTML is no text: the HTML is.
  const placeholder = mail.text !== undefined && mail.html !== undefined && isHtmlPlaceholder(mail.text);
  if (mail.text !== undefined && !isBlank(mail.text) && !placeholder) {
    return { ...bodyOf(toLines(mail.text), [], rules, forward), from: 'body' };
  }
  if (mail.html !== undefined) {
    const html = htmlToText(mail.html);
    // Outlook puts a forwarded mail's header block in the container that html.ts cuts at.
    const body = bodyOf(toLines(html.text), toLines(html.rest ?? ''), rules, forward);
    if (body.forwarded || !html.cut) return { ...body, from: 'html' };
    return { ...body, from: 'html', cuts: [...body.cuts, html.cut] };
  }
  if (mail.attached) {
    // An attached mail is a forwarded one: its '>' lines are its quotes.
    const attached = extractBody(mail.attached, opts, true);
    if (attached.text !== '') return { ...attached, forwarded: 'attachment' };
  }
  const unreadable = mail.tnef ? 'tnef' as const : mail.textInHeader ? 'in-header' as const : undefined;
  return { text: '', from: 'body', cuts: [], ...(unreadable ? { unreadable } : {}) };
}

function cleanSubject(subject: string | undefined): string {
  const line = toLines(subject ?? '').join(' ');
  return isBlank(line) ? '' : withoutPrefixes(line.trim()).trim();
}

type Body = Omit<ExtractResult, 'from'>;

/**
 * The sender's own text; when there is none above a forwarded mail, the
 * forwarded mail's text (`more`: lines html.ts cut off after the text, where
 * Outlook's forwarded header block starts).
 */
function bodyOf(lines: readonly string[], more: readonly string[], opts: BodyOptions, forwardSubject: boolean): Body {
  const own = cutBody(lines, opts);
  // An introduction ("FYI", "Bitte beachten:") is no message: the forward below it is.
  const introduction = own.text !== '' && isIntroduction(own.text);
  if (own.text !== '' && !introduction) return own;
  // Inside a forwarded mail, '>' lines are that mail's quotes.
  const forwarded = forwardedText(more.length ? [...lines, ...more] : lines, { ...opts, reply: true }, forwardSubject, 0);
  if (!forwarded) return own;
  // The forward was not cut but used: only what was cut above it (a signature, the introduction) and inside it is listed.
  const above = own.cuts.filter((c) => c.kind !== 'forward');
  return { text: forwarded.text, cuts: [...(introduction ? [cutAt('introduction', own.text)] : []), ...above, ...forwarded.cuts], forwarded: 'inline' };
}

/** The text of the forwarded mail in `lines`, cut by the same rules (nested forwards followed), or undefined. */
function forwardedText(lines: readonly string[], opts: BodyOptions, forwardSubject: boolean, depth: number): { text: string; cuts: Cut[] } | undefined {
  const start = depth < MAX_FORWARD_DEPTH ? forwardStart(lines, forwardSubject) : -1;
  if (start < 0) return undefined;
  const inner = forwardedLines(lines, start);
  const body = cutBody(inner, opts);
  return body.text !== '' ? body : forwardedText(inner, opts, forwardSubject, depth + 1);
}

/** The extract options and whether the mail answers another (`isReply`). */
type BodyOptions = ExtractOptions & { reply: boolean };

interface Rules {
  endMarker: string;
  signatures: RegExp[];
  /** '>' lines are quotes to drop: the mail is a reply, or its text shows one (an attribution, a header block). */
  quotes: boolean;
}

/**
 * Signature patterns compiled once each: the list is made anew for every
 * mail (the operator's, the account's and the sender's own), but its
 * patterns come from the configuration and account settings, a small set;
 * the cap only guards against a set that keeps changing.
 */
const signatureRegExps = new Map<string, RegExp>();
function signatureRegExp(source: string): RegExp {
  let re = signatureRegExps.get(source);
  if (!re) {
    if (signatureRegExps.size >= 1000) signatureRegExps.clear();
    signatureRegExps.set(source, (re = new RegExp(source, 'i')));
  }
  return re;
}

function cutBody(lines: readonly string[], opts: BodyOptions): { text: string; cuts: Cut[] } {
  const rules: Rules = {
    endMarker: opts.endMarker.trim(),
    signatures: opts.signaturePatterns.map(signatureRegExp),
    quotes: opts.reply || hasReplyMarks(lines),
  };
  const kept: string[] = [];
  const cuts: Cut[] = [];
  let stop: Cut | undefined;
  for (let i = 0; i < lines.length; ) {
    stop = stopAt(lines, i, rules);
    if (stop) {
      dropTrailingRule(kept);
      break;
    }
    const skip = quoteAt(lines, i, rules);
    if (skip) {
      cuts.push(skip.cut);
      i = skip.end;
      continue;
    }
    kept.push(lines[i++]);
  }
  cuts.push(...cutEnd(kept, opts));
  if (stop) cuts.push(stop);
  return { text: isBlank(kept.join('')) ? '' : tidy(kept), cuts };
}

/**
 * What ends the text that is left (a signature block often sits above a
 * quote or a "-- " line), cut from `kept` and listed top to bottom: a
 * trailing disclaimer first, as the mail server puts it below the
 * signature, then the closing and its block above it. A body that is
 * nothing but a signature is cut whole: the subject is then the text.
 */
function cutEnd(kept: string[], opts: ExtractOptions): Cut[] {
  const cuts: Cut[] = [];
  const disclaimer = disclaimerAt(kept, opts.disclaimerPatterns);
  if (disclaimer >= 0) {
    cuts.push(cutAt('disclaimer', kept[disclaimer]));
    kept.length = disclaimer;
  }
  const closing = closingAt(kept, opts.closings);
  const only = closing < 0 ? signatureOnlyAt(kept, opts.closings) : undefined;
  const at = only?.at ?? closing;
  if (at >= 0) {
    cuts.unshift(cutAt(only?.kind ?? 'closing', kept[at]));
    kept.length = at;
  }
  return cuts;
}

/** A line from which everything is cut, or undefined. */
function stopAt(lines: readonly string[], i: number, rules: Rules): Cut | undefined {
  const line = lines[i].trim();
  if (rules.endMarker !== '' && line === rules.endMarker) return cutAt('end-marker', line);
  if (lines[i].trimEnd() === '--') return cutAt('signature', line);
  // A signature's first line is short; a long one is never tested, which bounds what any pattern can cost (pattern-risk.ts).
  if (line.length <= MAX_PATTERN_LINE && rules.signatures.some((re) => re.test(line))) return cutAt('signature-pattern', line);
  if (isOriginalMessage(line) || isHeaderBlock(lines, i)) return cutAt('quote', line);
  if (!isQuoted(lines[i]) && isForwardAt(lines, i)) return cutAt('forward', line);
  const attribution = attributionLength(lines, i);
  // An attribution over unmarked text: the quoted message is everything below it.
  if (attribution > 0 && !isQuoted(lines[nextContent(lines, i + attribution)] ?? '')) {
    return cutAt('quote', attributionText(lines, i, attribution));
  }
  return undefined;
}

/** Quoted lines (with their attribution) to drop, keeping what follows them. */
function quoteAt(lines: readonly string[], i: number, rules: Rules): { cut: Cut; end: number } | undefined {
  const attribution = attributionLength(lines, i);
  if (attribution > 0) {
    const end = quoteBlockEnd(lines, nextContent(lines, i + attribution));
    return { cut: cutAt('quote', attributionText(lines, i, attribution)), end };
  }
  if (rules.quotes && isQuoted(lines[i])) return { cut: cutAt('quote', lines[i]), end: quoteBlockEnd(lines, i) };
  return undefined;
}

function attributionText(lines: readonly string[], i: number, count: number): string {
  return lines.slice(i, i + count).map((line) => line.trim()).join(' ');
}

// Outlook and OWA draw a line of underscores above the quoted header block.
function dropTrailingRule(kept: string[]): void {
  while (kept.length > 0 && /^\s*([_\-=*~])\1{4,}\s*$|^\s*$/.test(kept[kept.length - 1])) kept.pop();
}
