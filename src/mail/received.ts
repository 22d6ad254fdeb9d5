/**
 * When a mail without a Date header was written, at the latest: the
 * earliest timestamp among its Received: headers that hops we trust wrote.
 * Each relay prepends one ending in `; <date-time>` (RFC 5321 §4.4), so the
 * earliest is the first relay's, set when the mail left the sender's side.
 * Without it a mail a slow relay held for an hour would count as written
 * when it reached us, and a send time that was still ahead when it was
 * written would be refused as a typo for another day. Pure.
 *
 * But a Received: line is only as true as the host that wrote it, and the
 * sender can write any number of them below the real ones: a stamp of last
 * year would make any past send time "passed on the way" and go at once. So,
 * as SpamAssassin's trusted_networks reads them, from the top down: the
 * topmost line was written by the client that handed the mail to us (a host
 * of an account's trusted networks, or a sender who logged in — whose Date
 * would count as much); the line below it only if the line above says it came
 * from a trusted address, since that host wrote it; and so on. The first line
 * from an address we do not trust ends the walk.
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

/**
 * The address the hop that wrote this line took the mail from: the IP literal
 * of its `from` clause (`from a (a [192.0.2.1])`, `from [192.0.2.1]`,
 * `from a ([IPv6:2001:db8::1])`); undefined when it names none.
 */
export function receivedFrom(value: string): string | undefined {
  const clause = /^\s*from\s+([\s\S]*?)(?:\s+by\s|;|$)/i.exec(value);
  const m = clause && /\[(?:IPv6:)?([0-9a-f.:]+)\]/i.exec(clause[1]);
  return m ? m[1] : undefined;
}

/** The earliest readable timestamp of these Received: header values (topmost first) that trusted hops wrote, or undefined. */
export function earliestReceived(values: readonly string[], trusted: (ip: string) => boolean): Date | undefined {
  let earliest: Date | undefined;
  for (const value of values) {
    const at = receivedAt(value);
    if (at && (!earliest || at < earliest)) earliest = at;
    const from = receivedFrom(value);
    if (from === undefined || !trusted(from)) break;
  }
  return earliest;
}
