/**
 * When a mail without a Date header was written, at the latest: the
 * earliest timestamp among its Received: headers. Each relay prepends one
 * ending in `; <date-time>` (RFC 5321 §4.4), so the earliest is the first
 * relay's, set when the mail left the sender's side. Without it a mail a
 * slow relay held for an hour would count as written when it reached us, and
 * a send time that was still ahead when it was written would be refused as
 * a typo for another day. Pure.
 */

/**
 * RFC 5322's date-time with its zone written (a stamp without one could be
 * any of 27 hours); a comment such as `(CET)` may follow. Checked before
 * Date reads it, which would make a year 100 of `garbage +0100`.
 */
const STAMP = /^((?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|UT|GMT))(?:\s*\(.*\))?$/i;

/** The date-time of one Received: header's value, or undefined when it has none that can be read. */
export function receivedAt(value: string): Date | undefined {
  const semicolon = value.lastIndexOf(';');
  if (semicolon < 0) return undefined;
  const m = STAMP.exec(value.slice(semicolon + 1).replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const at = new Date(m[1]);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The earliest readable timestamp of these Received: header values, or undefined. */
export function earliestReceived(values: readonly string[]): Date | undefined {
  let earliest: Date | undefined;
  for (const value of values) {
    const at = receivedAt(value);
    if (at && (!earliest || at < earliest)) earliest = at;
  }
  return earliest;
}
