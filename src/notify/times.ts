/**
 * Times as a clerk reads them in a confirmation: always with the zone, so
 * nobody has to guess which clock is meant. English keeps the ISO-like form
 * with the UTC offset; German uses the German date and the zone's German
 * abbreviation where it has a well-known one (MEZ/MESZ), else the offset.
 */
import { wallTimeIn, type WallTime } from '../mail/dates.js';

interface Reading {
  wall: WallTime;
  /** Minutes the zone is ahead of UTC at that instant. */
  offset: number;
}

/** The wall clock and offset of `iso` in `timeZone`; undefined for an unparseable timestamp. Throws RangeError for an unknown zone. */
function readingOf(iso: string, timeZone: string): Reading | undefined {
  const date = new Date(iso);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  // The zone's offset from the same wall-clock reading (to the second, as Intl gives it): one Intl call, not two.
  const wall = timeZone === 'UTC' ? utcWall(date) : wallTimeIn(date, timeZone);
  const offset = Math.round((Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(ms / 1000) * 1000) / 60_000);
  return { wall, offset };
}

function utcWall(d: Date): WallTime {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "UTC" or "UTC+01:00" / "UTC-05:00". */
function offsetName(offset: number): string {
  if (offset === 0) return 'UTC';
  return `UTC${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

const clock = (w: WallTime) => `${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;

/**
 * "2026-11-23 14:05:09 UTC", or with the offset spelled out for other zones
 * ("2026-11-23 15:05:09 UTC+01:00"). An unparseable timestamp is shown as
 * stored. Throws a RangeError for an unknown IANA zone: that is a configuration error.
 */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  const r = readingOf(iso, timeZone);
  if (!r) return iso;
  const { wall: w } = r;
  return `${w.year}-${two(w.month)}-${two(w.day)} ${clock(w)} ${offsetName(r.offset)}`;
}

/** "23.11.2026 15:05:09 MEZ", "01.07.2026 01:30:00 MESZ", "23.11.2026 09:05:09 UTC-05:00". */
export function formatTimeGerman(iso: string, timeZone = 'UTC'): string {
  const r = readingOf(iso, timeZone);
  if (!r) return iso;
  return `${germanWall(r.wall)} ${germanZoneName(iso, timeZone, r.offset)}`;
}

/** "23.11.2026 15:05:09" without its zone: how German Excel reads a date and time in a cell (a CSV for it). */
export function formatWallGerman(iso: string, timeZone = 'UTC'): string {
  const r = readingOf(iso, timeZone);
  return r ? germanWall(r.wall) : iso;
}

const germanWall = (w: WallTime) => `${two(w.day)}.${two(w.month)}.${w.year} ${clock(w)}`;

/**
 * ICU's German short name of the zone at that offset when it is a real
 * abbreviation (MEZ, MESZ, OEZ, WEZ, …), else the offset: ICU answers
 * "GMT-5" for zones German has no name for, which reads like a typo of
 * UTC. Remembered per zone and offset, so a confirmation costs no Intl
 * call beyond the one for the wall clock.
 */
const zoneNames = new Map<string, string>();
const deFormatters = new Map<string, Intl.DateTimeFormat>();

function germanZoneName(iso: string, timeZone: string, offset: number): string {
  if (offset === 0) return 'UTC';
  const key = `${timeZone} ${offset}`;
  let name = zoneNames.get(key);
  if (name === undefined) {
    let f = deFormatters.get(timeZone);
    if (!f) deFormatters.set(timeZone, (f = new Intl.DateTimeFormat('de-DE', { timeZone, timeZoneName: 'short' })));
    const short = f.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    name = /^[A-Z]{2,5}$/.test(short) ? short : offsetName(offset);
    zoneNames.set(key, name);
  }
  return name;
}

/** "UTC+01:00" for `timeZone` at the instant `iso`; undefined for a zone this ICU does not know or a bad time. */
export function zoneOffsetAt(iso: string, timeZone: string): string | undefined {
  try {
    const r = readingOf(iso, timeZone);
    return r && offsetName(r.offset);
  } catch {
    return undefined;
  }
}
