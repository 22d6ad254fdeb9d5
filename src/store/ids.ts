/**
 * Our mail ids: the acceptance time in base 36 (milliseconds) followed by 10
 * random hex digits, e.g. `MHX3K2A1` + `9F0C2B7D1E`; an SMS id adds `.<n>`.
 * Sortable by time, unique without coordination, and they tell a reader when
 * the mail was accepted, which lets a lookup by id go straight to the right
 * days of the archive instead of reading all of it.
 */

const RANDOM_HEX = 10;

export function newMailId(now: Date, random: (n: number) => Buffer): string {
  return now.getTime().toString(36).toUpperCase() + random(RANDOM_HEX / 2).toString('hex').toUpperCase();
}

/** When the mail of this mail or SMS id was accepted; undefined for an id not made by newMailId. */
export function acceptedAtOfId(id: string): Date | undefined {
  const mailId = id.split('.')[0];
  const time = mailId.slice(0, -RANDOM_HEX);
  if (!/^[0-9A-Z]{6,10}$/.test(time) || !/^[0-9A-F]+$/.test(mailId.slice(-RANDOM_HEX))) return undefined;
  const ms = parseInt(time, 36);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
