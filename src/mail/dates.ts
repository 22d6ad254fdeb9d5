/**
 * Date-times as senders write them, turned into instants. Pure: the clock
 * (`now`) and the account's IANA time zone are passed in.
 *
 * Accepted forms (all case-insensitive):
 * - RFC 3339 / ISO 8601: `2026-12-01T09:00:00+01:00`, `2026-12-01 09:00`, `…Z`
 * - RFC 5322: `Tue, 01 Dec 2026 09:00:00 +0100` (weekday optional, but checked)
 * - German: `01.12.2026 09:00`, `1.12.26 9:00`, `1.12. 9:00 Uhr` (next such date)
 * - relative: `heute|today|morgen|tomorrow|übermorgen 09:00`
 * A form without an offset is read in the time zone; see `zonedToInstant`.
 */

export interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Clock {
  now: Date;
  timeZone: string;
}

interface Stamp {
  wall: WallTime;
  offsetMinutes?: number; // undefined: local time in the account's zone
}

const MINUTE = 60_000;
const DAY = 86_400_000;

// Building an Intl.DateTimeFormat costs far more than using one; the cache
// holds only immutable formatters, so it cannot leak state between callers.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Readings already made, by zone and whole second (the formatter drops the
 * milliseconds, so a reading is the same for the whole second). The same
 * seconds come back mail after mail: a batch's one send time in every 250
 * and every acceptance confirmation, the confirmations composed within one
 * second. formatToParts costs ~5-10 µs a call; a hit, a copy. Bounded:
 * emptied when full. Holds only plain values, so it cannot leak state.
 */
const readings = new Map<string, WallTime>();
const MAX_READINGS = 512;

/** The clock on the wall in `timeZone` at `instant`. Throws RangeError for an unknown zone (a config error). */
export function wallTimeIn(instant: Date, timeZone: string): WallTime {
  const key = `${Math.floor(instant.getTime() / 1000)} ${timeZone}`;
  const known = readings.get(key);
  if (known) return { ...known };
  const wall = readWall(instant, timeZone);
  if (readings.size >= MAX_READINGS) readings.clear();
  readings.set(key, wall);
  return { ...wall };
}

function readWall(instant: Date, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'), month: get('month'), day: get('day'),
    hour: get('hour'), minute: get('minute'), second: get('second'),
  };
}

/** `2026-11-23 08:00`: an instant as the clock in `timeZone` shows it, to the minute (refusals, status history). */
export function localMinute(instant: Date, timeZone: string): string {
  const w = wallTimeIn(instant, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Minutes `timeZone` is ahead of UTC at `instant` (negative west of Greenwich). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(offsetAt(instant.getTime(), timeZone) / MINUTE);
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000; // the formatter drops milliseconds
  return wallAsUtc(wallTimeIn(new Date(whole), timeZone)) - whole;
}

/**
 * The instant a wall time in `timeZone` names. Zones change offset at most
 * once in 48 h, so the offsets a day before and a day after are the only
 * candidates. Ambiguous (fall back): the first occurrence, as the brief asks.
 * Missing (spring forward, 02:30 on 2026-03-29 in Berlin): read with the
 * offset before the jump, so it moves forward by the gap (03:30 CEST) — the
 * message goes out as soon as the clock passes that point, like Temporal's
 * 'compatible'. Refusing would make clerks guess why 02:30 is "invalid".
 */
export function zonedToInstant(wall: WallTime, timeZone: string): Date {
  const local = wallAsUtc(wall);
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  // The larger offset gives the earlier instant: try it first.
  for (const offset of before >= after ? [before, after] : [after, before]) {
    if (offsetAt(local - offset, timeZone) === offset) return new Date(local - offset);
  }
  return new Date(local - before);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isValidWall(w: WallTime): boolean {
  return w.year >= 1970 && w.month >= 1 && w.month <= 12
    && w.day >= 1 && w.day <= daysInMonth(w.year, w.month)
    && w.hour <= 23 && w.minute <= 59 && w.second <= 59;
}

function wall(year: number, month: number, day: number, hour: number, minute: number, second = 0): WallTime {
  return { year, month, day, hour, minute, second };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:t|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(z|[+-]\d{2}:?\d{2})?$/i;

function parseOffset(text: string): number | undefined {
  if (/^(z|ut|gmt)$/i.test(text)) return 0;
  const named: Record<string, number> = { EDT: -4, EST: -5, CDT: -5, CST: -6, MDT: -6, MST: -7, PDT: -7, PST: -8 };
  const hours = named[text.toUpperCase()];
  if (hours !== undefined) return hours * 60;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function parseIso(text: string): Stamp | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const w = wall(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  if (m[7] === undefined) return { wall: w };
  const offsetMinutes = parseOffset(m[7]);
  return offsetMinutes === undefined ? undefined : { wall: w, offsetMinutes };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const RFC5322 = /^(?:([a-z]{3}),\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}|[a-z]{1,3}))?(?:\s*\([^)]*\))?$/i;

function parseRfc5322(text: string): Stamp | undefined {
  const m = RFC5322.exec(text);
  const month = m ? MONTHS.indexOf(m[3].toLowerCase()) + 1 : 0;
  if (!m || month === 0) return undefined;
  const w = wall(+m[4], month, +m[2], +m[5], +m[6], m[7] ? +m[7] : 0);
  // A weekday that contradicts the date means one of them is a typo; guessing which would send at the wrong time.
  if (m[1] !== undefined) {
    if (!isValidWall(w)) return undefined;
    if (WEEKDAYS[new Date(wallAsUtc(w)).getUTCDay()] !== m[1].toLowerCase()) return undefined;
  }
  if (m[8] === undefined) return { wall: w };
  const offsetMinutes = parseOffset(m[8]);
  return offsetMinutes === undefined ? undefined : { wall: w, offsetMinutes };
}

const GERMAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?,?\s*(\d{1,2})[:.](\d{2})(?:\s*uhr)?$/i;

function parseGerman(text: string, clock: Clock): Stamp | undefined {
  const m = GERMAN.exec(text);
  if (!m) return undefined;
  const [day, month, hour, minute] = [+m[1], +m[2], +m[4], +m[5]];
  if (m[3] !== undefined) {
    const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return { wall: wall(year, month, day, hour, minute) };
  }
  // Without a year: this year, unless that day is already over — then next year.
  const today = wallTimeIn(clock.now, clock.timeZone);
  const passed = month < today.month || (month === today.month && day < today.day);
  return { wall: wall(today.year + (passed ? 1 : 0), month, day, hour, minute) };
}

const RELATIVE = /^(heute|today|morgen|tomorrow|übermorgen)\s+(\d{1,2})[:.](\d{2})(?:\s*uhr)?$/i;
const DAYS_AHEAD: Record<string, number> = { heute: 0, today: 0, morgen: 1, tomorrow: 1, übermorgen: 2 };

function parseRelative(text: string, clock: Clock): Stamp | undefined {
  const m = RELATIVE.exec(text);
  if (!m) return undefined;
  const today = wallTimeIn(clock.now, clock.timeZone);
  // Calendar arithmetic on the date alone, so a DST change in between cannot shift the day.
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + DAYS_AHEAD[m[1].toLowerCase()]));
  return { wall: wall(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), +m[2], +m[3]) };
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why a date-time written in one of parseDateTime's shapes names no day, for the clerk's answer ("November 2026 has
 * 30 days" for 31.11.2026); undefined when it is well shaped and real, or not a date-time at all.
 */
export function missingDay(text: string, clock: Clock): string | undefined {
  const trimmed = text.trim();
  const w = (parseIso(trimmed) ?? parseRfc5322(trimmed) ?? parseGerman(trimmed, clock))?.wall;
  if (!w || w.year < 1970 || w.day < 1) return undefined;
  if (w.month < 1 || w.month > 12) return `a year has 12 months, not ${w.month}`;
  const days = daysInMonth(w.year, w.month);
  return w.day > days ? `${MONTH_NAMES[w.month - 1]} ${w.year} has ${days} days` : undefined;
}

/** The instant `text` names, or undefined when it is no date-time in a form above. */
export function parseDateTime(text: string, clock: Clock): Date | undefined {
  const trimmed = text.trim();
  const stamp = parseIso(trimmed) ?? parseRfc5322(trimmed)
    ?? parseGerman(trimmed, clock) ?? parseRelative(trimmed, clock);
  if (!stamp || !isValidWall(stamp.wall)) return undefined;
  if (stamp.offsetMinutes === undefined) return zonedToInstant(stamp.wall, clock.timeZone);
  return new Date(wallAsUtc(stamp.wall) - stamp.offsetMinutes * MINUTE);
}
