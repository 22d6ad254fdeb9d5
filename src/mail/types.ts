/**
 * Data shared by the text-extraction stage (`extract.ts`) and its helpers.
 * Plain data only, so a `cuts` list can go straight into a preview answer.
 */

/** Where the SMS text is taken from. */
export type ExtractSource = 'body' | 'subject' | 'subject+body';

export interface ExtractOptions {
  source: ExtractSource;
  /** A line equal to this (after trimming) ends the text; empty disables it. */
  endMarker: string;
  /** Regex sources, matched case-insensitively per line: the first matching line and everything after it is cut. */
  signaturePatterns: readonly string[];
  /** Closing formulas that end the text when only a signature block follows them (closing.ts); empty disables it. */
  closings: readonly string[];
  /** Regex sources, matched case-insensitively per line: more openings of a disclaimer cut at the end of the mail (disclaimer.ts), besides the built-in ones. */
  disclaimerPatterns: readonly string[];
}

export type CutKind = 'signature' | 'end-marker' | 'quote' | 'signature-pattern' | 'closing' | 'signature-block' | 'disclaimer' | 'html' | 'forward' | 'introduction';

export interface Cut {
  kind: CutKind;
  /** The line where the cut happened, trimmed, at most 80 characters. */
  at: string;
}

export interface ExtractResult {
  /** The SMS text; '' when nothing is left to send. */
  text: string;
  /** What the text came from; 'html' when the body had to be converted from HTML. */
  from: ExtractSource | 'html';
  cuts: Cut[];
  /**
   * The sender wrote nothing of their own, and the text is the forwarded
   * mail's (its separator and header lines left out): forwarded inline, or
   * attached as message/rfc822 (Outlook's "Forward as Attachment").
   */
  forwarded?: 'inline' | 'attachment';
  /**
   * The body is there, in a form the gateway cannot read (Outlook's winmail.dat), or
   * it was written into the header block (no blank line after the headers, no-body.ts);
   * the text is then '', never the subject.
   */
  unreadable?: 'tnef' | 'in-header';
}

/** True when the sender's own text above a forward was cut as its introduction, and the forwarded text is the SMS. */
export function introduced(cuts: readonly Cut[]): boolean {
  return cuts.some((c) => c.kind === 'introduction');
}

const MAX_AT_LENGTH = 80;

/** Builds a cut; counts code points so that an emoji is never split in half. */
export function cutAt(kind: CutKind, line: string): Cut {
  const chars = Array.from(line.trim());
  const at = chars.length > MAX_AT_LENGTH ? chars.slice(0, MAX_AT_LENGTH - 1).join('') + '…' : chars.join('');
  return { kind, at };
}
