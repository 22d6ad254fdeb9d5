/**
 * Subject tags that look like one of ours but are not: a typo (`[JOBPERIDO:…]`),
 * another spelling (`[JOB-PERIOD:…]`) or another gateway's name for the same
 * option (`[SENDAT:…]`). Left as text, such a tag would change nothing: the
 * SMS would go at once instead of at the time asked, and with an empty body
 * the tag itself would be sent to the customer as part of the subject.
 * Clerks' own brackets (`[Ticket:123]`, `[WICHTIG]`) must stay text, so only
 * a tag with a value counts, and only when it is this close to one of ours.
 */

/** Names other gateways and clerks use, squeezed (letters and digits, upper case) → ours. */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  SENDAT: 'AT', SENDTIME: 'AT', SENDDATE: 'AT', SCHEDULE: 'AT', SCHEDULED: 'AT', SCHEDULEAT: 'AT', DELAYUNTIL: 'AT',
  SENDER: 'FROM', SENDERID: 'FROM', ORIGINATOR: 'FROM', ABSENDER: 'FROM',
  DLR: 'NOTIFY', DELIVERYREPORT: 'NOTIFY',
  REFERENCE: 'REF', CUSTOMERREFERENCE: 'CUSTOMERREF', REFERENZ: 'REF',
  BLACKOUT: 'BLACKOUTPERIODS', VALIDITYPERIOD: 'VALIDITY',
  PRIORITY: 'QOS', PRIO: 'QOS',
};

const squeeze = (key: string): string => key.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Edits (insert, delete, replace, swap two neighbours) from a to b, or more than `max` once that is certain. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The tag of ours (upper case, from `known`) that the unknown tag `key` seems
 * to mean, or undefined. Typos count only against names of five letters or
 * more (one edit; two from nine letters), with the same first letter:
 * `[AM:…]` is too close to too much to be anyone's typo for `[AT:…]`, and
 * `[Review:…]` is a clerk's word, not `[PREVIEW:…]` mistyped.
 */
export function meantTag(key: string, known: readonly string[]): string | undefined {
  const k = squeeze(key);
  if (!k) return undefined;
  const same = known.find((name) => squeeze(name) === k);
  if (same) return same;
  if (OTHER_NAMES[k]) return OTHER_NAMES[k];
  return known.find((name) => name.length >= 5 && name[0] === k[0] && distance(k, name, 2) <= (name.length >= 9 ? 2 : 1));
}
