/**
 * Quiet hours: times in which an SMS must not reach a phone (France bars
 * commercial SMS at night and on Sundays, the US TCPA allows 08:00–21:00
 * local time), set per account, per destination country, or per mail
 * ([BLACKOUTPERIODS:…]). Pure: the instant to judge comes in.
 *
 * Daily windows are read in the recipient's local time, i.e. in the time
 * zones of the destination country. A mobile number does not tell where in
 * a country with several zones its owner is, so such a country counts as
 * quiet while it is quiet in any of its zones (the safe reading: nobody is
 * woken up); a rule can name the zones to consider instead (`timeZones`).
 */
import { wallTimeIn, zonedToInstant, type WallTime } from '../mail/dates.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Quiet hours as configured (account, country): a daily window and/or whole days, local time. */
export interface QuietHours {
  /** "HH:MM"; with `to`, the daily window (from > to spans midnight: 20:00–08:00). */
  from?: string;
  to?: string;
  /** Whole days without SMS, e.g. ["sun"]. */
  days?: Weekday[];
  /** Public holidays and other whole dates without SMS: "12-25" every year, "2027-03-26" once. */
  dates?: string[];
  /** Zones to read the window in; default: every zone of the destination country. */
  timeZones?: string[];
}

/** One rule as stored with a message, zones resolved, so that every later check gives the same answer. */
export interface QuietRule {
  /** Who set it, for people: 'account acme', 'country FR', 'mail'. */
  source: string;
  from?: string;
  to?: string;
  days?: Weekday[];
  dates?: string[];
  /** An absolute period (ISO 8601 instants), from [BLACKOUTPERIODS:<start>/<end>]. */
  start?: string;
  end?: string;
  /** Where the daily window is read; unused for absolute periods. */
  timeZones: string[];
  /**
   * Not the recipient's country's zones: named by the rule (`timeZones`), or the account's zone for a number whose
   * country has none known. Worded with the zone's offset then, not as "their local time" (notify/hold-words.ts).
   */
  zoneFrom?: 'rule' | 'fallback';
}

export interface Hold {
  /** The first instant at or after the one asked about that is outside every rule; null: none within two weeks. */
  until: Date | null;
  /** The rule that held the message last, and in which zone. */
  rule: QuietRule;
  zone?: string;
}

/** Two weeks: past that, rules that leave no time to send are taken as a configuration mistake. */
const HORIZON_MS = 14 * 86_400_000;
const MAX_STEPS = 500;

// Asking ICU costs ~0.3 ms, and every accepted SMS asks (profile of the acceptance
// benchmark: 12 % of the event loop); ICU's zone data cannot change while we run.
const zonesByCountry = new Map<string, readonly string[]>();

/** The IANA zones of a country (ICU's data through Intl); `fallback` for a country ICU knows none of. */
export function zonesOfCountry(country: string | undefined, fallback: string): string[] {
  if (!country) return [fallback];
  let zones = zonesByCountry.get(country);
  if (!zones) {
    const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
    zones = Object.freeze([...(locale.getTimeZones?.() ?? locale.timeZones ?? [])]);
    zonesByCountry.set(country, zones);
  }
  return zones.length ? [...zones] : [fallback];
}

/** When sending at `at` is not allowed: until when, and why. Undefined: send now. */
export function quietUntil(rules: readonly QuietRule[], at: Date): Hold | undefined {
  let t = at.getTime();
  let last: Hold | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    let moved = false;
    for (const rule of rules) {
      // An absolute period needs no zone; the first one is kept to say the end in the recipient's time.
      for (const zone of rule.start ? [rule.timeZones[0] as string | undefined] : rule.timeZones) {
        const end = quietEnd(rule, zone, t);
        if (end === undefined || end <= t) continue;
        t = end;
        moved = true;
        last = { until: new Date(t), rule, zone };
      }
    }
    if (!moved) return last;
    if (t - at.getTime() > HORIZON_MS) break;
  }
  return last && { ...last, until: null };
}

/** When the quiet time of `rule` that contains instant `t` ends, or undefined when `t` is not quiet. */
function quietEnd(rule: QuietRule, zone: string | undefined, t: number): number | undefined {
  if (rule.start !== undefined && rule.end !== undefined) {
    const [s, e] = [Date.parse(rule.start), Date.parse(rule.end)];
    return t >= s && t < e ? e : undefined;
  }
  if (zone === undefined) return undefined;
  const w = wallTimeIn(new Date(t), zone);
  if (rule.days?.includes(weekdayOf(w)) || (rule.dates && onDate(rule.dates, w))) return at(w, 1, 0, zone, t);
  if (rule.from === undefined || rule.to === undefined) return undefined;
  const [from, to, now] = [minutes(rule.from), minutes(rule.to), w.hour * 60 + w.minute];
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return undefined;
  return at(w, now < to ? 0 : 1, to, zone, t);
}

/** The instant of `minuteOfDay` on the day `w` + `plusDays` in `zone`; past `t`, whatever a DST change did. */
function at(w: WallTime, plusDays: number, minuteOfDay: number, zone: string, t: number): number {
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day + plusDays));
  const wall = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0 };
  const instant = zonedToInstant(wall, zone).getTime();
  // In the repeated hour of a fall-back night the first occurrence can lie behind us: the second one is meant.
  return instant > t ? instant : instant + 3600_000;
}

function weekdayOf(w: WallTime): Weekday {
  return WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
}

/** Whether local day `w` is one of `dates` ("MM-DD" every year, "YYYY-MM-DD" once). */
function onDate(dates: readonly string[], w: WallTime): boolean {
  const md = `${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  return dates.includes(md) || dates.includes(`${w.year}-${md}`);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * A hold as the status history keeps it (StatusEvent.quiet): the rule that
 * held the SMS and the zone it was read in, as data, so that a confirmation,
 * a report or the portal words it when it is made, in its reader's language
 * and time zone (src/notify/hold-words.ts). The end is the event's `until`.
 */
export type QuietHoldRecord = Omit<QuietRule, 'timeZones'> & { zone?: string };

export function holdRecord(hold: Hold): QuietHoldRecord {
  const { timeZones, ...rule } = hold.rule;
  const zone = hold.zone ?? timeZones[0];
  return zone ? { ...rule, zone } : rule;
}

/**
 * A hold as the fields of its log line (sms-held), for operators' tools: who
 * set the rule ("country FR"), the daily window, days and dates it holds and
 * the zone they were read in, or a period's start and end (ISO 8601).
 */
export function holdLogFields(q: QuietHoldRecord): Record<string, string | string[]> {
  return {
    rule: q.source,
    ...(q.zone ? { zone: q.zone } : {}),
    ...(q.from !== undefined && q.to !== undefined ? { window: `${q.from}-${q.to}` } : {}),
    ...(q.days?.length ? { days: q.days } : {}),
    ...(q.dates?.length ? { dates: q.dates } : {}),
    ...(q.start !== undefined ? { start: q.start, end: q.end ?? q.start } : {}),
  };
}

/** Rules for one recipient: the account's and the country's daily windows in the country's zones, and the mail's own. */
export function quietRulesFor(input: {
  country: string | undefined;
  fallbackZone: string;
  account?: { name: string; hours?: QuietHours };
  countryHours?: QuietHours;
  mail?: Array<Omit<QuietRule, 'source' | 'timeZones'>>;
}): QuietRule[] {
  const zones = zonesOfCountry(input.country, input.fallbackZone);
  const fallback = !input.country || !zonesByCountry.get(input.country)?.length ? { zoneFrom: 'fallback' as const } : {};
  const rule = (source: string, h: QuietHours): QuietRule => ({
    source, timeZones: h.timeZones?.length ? [...h.timeZones] : zones, ...(h.timeZones?.length ? { zoneFrom: 'rule' as const } : fallback),
    ...(h.from && h.to ? { from: h.from, to: h.to } : {}),
    ...(h.days?.length ? { days: [...h.days] } : {}),
    ...(h.dates?.length ? { dates: [...h.dates] } : {}),
  });
  const rules: QuietRule[] = [];
  if (input.account?.hours && isSet(input.account.hours)) rules.push(rule(`account ${input.account.name}`, input.account.hours));
  if (input.countryHours && isSet(input.countryHours)) rules.push(rule(`country ${input.country}`, input.countryHours));
  for (const m of input.mail ?? []) rules.push({ source: 'your mail', timeZones: zones, ...fallback, ...m });
  return rules;
}

/** Whether configured quiet hours hold anything: a window ('' is none), a weekday or a date. */
export function isSet(h: QuietHours): boolean {
  return Boolean((h.from && h.to) || h.days?.length || h.dates?.length);
}
