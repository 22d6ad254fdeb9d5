/**
 * The text a person meant to send: the body of a mail without quoted replies,
 * signatures and disclaimers, or the subject when the body is empty. Pure;
 * `cuts` says what was removed so that a preview can explain it.
 */
import { closingAt, DEFAULT_CLOSINGS } from './closing.js';
import { htmlToText } from './html.js';
import { attributionLength, isHeaderBlock, isOriginalMessage, isQuoted, nextContent, quoteBlockEnd } from './quotes.js';
import { cutAt, type Cut, type ExtractOptions, type ExtractResult } from './types.js';
import { isBlank, tidy, toLines } from './whitespace.js';

export type { Cut, CutKind, ExtractOptions, ExtractResult, ExtractSource } from './types.js';

export interface MailText {
  text?: string;
  html?: string;
  subject?: string;
}

// Whole-line sign-offs that mobile apps append; anchored so that they never match prose.
export const DEFAULT_SIGNATURE_PATTERNS: readonly string[] = [
  '^sent from my( [\\w-]+){1,4}\\.?$',
  '^(von meinem( [\\w-]+){1,4} gesendet|gesendet von meinem( [\\w-]+){1,4})\\.?$',
  '^get outlook for (ios|android)\\b',
];

export const DEFAULT_EXTRACT_OPTIONS: Readonly<ExtractOptions> = Object.freeze({
  source: 'body',
  endMarker: '##',
  signaturePatterns: DEFAULT_SIGNATURE_PATTERNS,
  closings: DEFAULT_CLOSINGS,
});

/** Throws SyntaxError when a signature pattern is not a valid regex. */
export function extractText(mail: MailText, opts: ExtractOptions = DEFAULT_EXTRACT_OPTIONS): ExtractResult {
  const subject = cleanSubject(mail.subject);
  if (opts.source === 'subject') return { text: subject, from: 'subject', cuts: [] };
  const body = extractBody(mail, opts);
  if (body.text === '') return subject === '' ? body : { text: subject, from: 'subject', cuts: body.cuts };
  if (opts.source === 'subject+body' && subject !== '') {
    return { text: `${subject}\n${body.text}`, from: 'subject+body', cuts: body.cuts };
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

// The text/plain part wins: it is what the sender's client meant as text.
function extractBody(mail: MailText, opts: ExtractOptions): ExtractResult {
  if (mail.text !== undefined && !isBlank(mail.text)) {
    return { ...cutBody(toLines(mail.text), opts), from: 'body' };
  }
  if (mail.html === undefined) return { text: '', from: 'body', cuts: [] };
  const html = htmlToText(mail.html);
  const body = cutBody(toLines(html.text), opts);
  return { text: body.text, from: 'html', cuts: html.cut ? [...body.cuts, html.cut] : body.cuts };
}

function cleanSubject(subject: string | undefined): string {
  const line = toLines(subject ?? '').join(' ');
  return isBlank(line) ? '' : line.trim();
}

interface Rules {
  endMarker: string;
  signatures: RegExp[];
}

function cutBody(lines: readonly string[], opts: ExtractOptions): { text: string; cuts: Cut[] } {
  const rules = { endMarker: opts.endMarker.trim(), signatures: opts.signaturePatterns.map((p) => new RegExp(p, 'i')) };
  const kept: string[] = [];
  const cuts: Cut[] = [];
  let stop: Cut | undefined;
  for (let i = 0; i < lines.length; ) {
    stop = stopAt(lines, i, rules);
    if (stop) {
      dropTrailingRule(kept);
      break;
    }
    const skip = quoteAt(lines, i);
    if (skip) {
      cuts.push(skip.cut);
      i = skip.end;
      continue;
    }
    kept.push(lines[i++]);
  }
  // The closing is looked for in what is left: a signature block often sits above a quote or a "-- " line.
  const closing = closingAt(kept, opts.closings);
  if (closing >= 0) {
    cuts.push(cutAt('closing', kept[closing]));
    kept.length = closing;
  }
  if (stop) cuts.push(stop);
  return { text: isBlank(kept.join('')) ? '' : tidy(kept), cuts };
}

/** A line from which everything is cut, or undefined. */
function stopAt(lines: readonly string[], i: number, rules: Rules): Cut | undefined {
  const line = lines[i].trim();
  if (rules.endMarker !== '' && line === rules.endMarker) return cutAt('end-marker', line);
  if (lines[i].trimEnd() === '--') return cutAt('signature', line);
  if (rules.signatures.some((re) => re.test(line))) return cutAt('signature-pattern', line);
  if (isOriginalMessage(line) || isHeaderBlock(lines, i)) return cutAt('quote', line);
  const attribution = attributionLength(lines, i);
  // An attribution over unmarked text: the quoted message is everything below it.
  if (attribution > 0 && !isQuoted(lines[nextContent(lines, i + attribution)] ?? '')) {
    return cutAt('quote', attributionText(lines, i, attribution));
  }
  return undefined;
}

/** Quoted lines (with their attribution) to drop, keeping what follows them. */
function quoteAt(lines: readonly string[], i: number): { cut: Cut; end: number } | undefined {
  const attribution = attributionLength(lines, i);
  if (attribution > 0) {
    const end = quoteBlockEnd(lines, nextContent(lines, i + attribution));
    return { cut: cutAt('quote', attributionText(lines, i, attribution)), end };
  }
  if (isQuoted(lines[i])) return { cut: cutAt('quote', lines[i]), end: quoteBlockEnd(lines, i) };
  return undefined;
}

function attributionText(lines: readonly string[], i: number, count: number): string {
  return lines.slice(i, i + count).map((line) => line.trim()).join(' ');
}

// Outlook and OWA draw a line of underscores above the quoted header block.
function dropTrailingRule(kept: string[]): void {
  while (kept.length > 0 && /^\s*([_\-=*~])\1{4,}\s*$|^\s*$/.test(kept[kept.length - 1])) kept.pop();
}
