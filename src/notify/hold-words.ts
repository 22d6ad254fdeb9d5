/**
 * The reasons the bridge keeps as data (a quiet-hours hold, a retry), worded
 * when they are read: in the language of the confirmation, report or page,
 * with times in its reader's zone. "Europe/Paris" and "next attempt in 6 s"
 * meant nothing to a clerk, and stored as English text they stayed English
 * in a German confirmation. Events recorded before the data was kept have
 * their text in `reason`, which is shown as it is.
 */
import type { QuietHoldRecord } from '../dispatch/quiet-hours.js';
import { wallTimeIn } from '../mail/dates.js';
import type { StatusEvent } from '../store/types.js';
import { wordingFor, type Wording } from './wording/index.js';
import { zoneOffsetAt } from './times.js';

/**
 * The reason of `e` as a person reads it; `timeZone`: the reader's (times in the reason). `technical`: for operators
 * and programs (the REST timeline, status callbacks, the portal), a throttled retry keeps the connector's own words
 * (ESME_RTHROTTLED, HTTP 429 …), which a clerk's confirmation leaves out (review 8, B-L2).
 */
export function eventReason(e: StatusEvent, w: Wording = wordingFor('en'), timeZone = 'UTC', technical = false): string | undefined {
  if (e.quiet && e.until) return quietReason(e.quiet, e.until, w, timeZone);
  // Failed: a retry met rules that leave no time (dispatch/record.ts noTimeToSend).
  if (e.quiet) return noTimeReason(e.quiet, w, timeZone);
  if (e.retryAt) return retryReason(e, e.retryAt, w, timeZone, technical);
  return e.reason;
}

/**
 * When the quiet-hours hold ends that holds an SMS whose last event is `e`: a stored one (StatusEvent) or one of
 * the REST timeline (waitFields), so the portal's list and the CLI read a hold alike. Undefined for anything else.
 */
export function quietHoldEnd(e: { status: string; until?: string; quiet?: unknown } | undefined): string | undefined {
  return e?.status === 'accepted' && e.quiet && e.until ? e.until : undefined;
}

/** A hold or retry as data (StatusEvent.quiet, until, retryAt, throttled), for programs: a REST timeline entry and a status callback beside their `reason`. */
export function waitFields(e: StatusEvent): { quiet?: QuietHoldRecord; until?: string; retryAt?: string; throttled?: boolean } {
  return {
    ...(e.quiet ? { quiet: e.quiet } : {}),
    ...(e.until ? { until: e.until } : {}),
    ...(e.retryAt ? { retryAt: e.retryAt, throttled: e.throttled === true } : {}),
  };
}

/** The event is a retry's wait (a failed attempt put the SMS back in the queue), recorded either way. */
export function isRetry(e: StatusEvent): boolean {
  return e.retryAt !== undefined || (e.status === 'accepted' && e.reason !== undefined && RETRY_WAIT.test(e.reason));
}

/** The wait dispatch/record.ts added to a failed attempt's reason before `retryAt` was kept. */
export const RETRY_WAIT = /^([^]*); next attempt in (\d+) s$/;

function retryReason(e: StatusEvent, at: string, w: Wording, timeZone: string, technical: boolean): string {
  return `${retryWhy(e, w, technical)}; ${w.retry.next(w.time(at, timeZone))}`;
}

/**
 * A retry's reason as the REST timeline gives it (eventReason in English, its next attempt in UTC), with that time
 * in `timeZone`: the timeline has the reason worded, not the connector's own words to word it again from.
 * Any other text is returned as it is.
 */
export function retryReasonIn(reason: string, retryAt: string, timeZone: string): string {
  const w = wordingFor('en');
  const utc = `; ${w.retry.next(w.time(retryAt, 'UTC'))}`;
  return reason.endsWith(utc) ? `${reason.slice(0, -utc.length)}; ${w.retry.next(w.time(retryAt, timeZone))}` : reason;
}

/**
 * Why a retry waits, without when it is tried next (a delay report's headline: true when recorded, not when it goes);
 * `technical`: a throttled one with the connector's own words (eventReason).
 */
export function retryWhy(e: Pick<StatusEvent, 'throttled' | 'reason'>, w: Wording, technical = false): string {
  if (e.throttled) return technical && e.reason ? `${w.retry.slowDown} (${e.reason})` : w.retry.slowDown;
  return w.retry.failed(e.reason ?? w.noReason);
}

/** Who set the rule, what it holds (in the recipient's local time), and when the SMS goes (`until`): their clock and the reader's. */
export function quietReason(q: QuietHoldRecord, until: string, w: Wording, timeZone: string): string {
  const by = whose(q.source, w);
  const ours = w.time(until, timeZone);
  if (q.start !== undefined) return w.quiet.period({ by, from: w.time(q.start, timeZone), to: w.time(q.end ?? q.start, timeZone), ours });
  // Read in the recipient's country's zone: their clock. Else (a zone the rule names, or the account's): that zone's offset.
  if (q.zoneFrom && q.zone) return w.quiet.hold({ by, rule: ruleWords(q, w), where: zoneOffsetAt(until, q.zone) ?? q.zone, ours });
  const theirs = q.zone ? clockIn(until, q.zone) : undefined;
  return w.quiet.hold({ by, rule: ruleWords(q, w), theirs: theirs === clockIn(until, timeZone) ? undefined : theirs, ours });
}

/**
 * Rules that leave no time to send within two weeks (a mail refused for it,
 * SMTP NoTimeToSend; an SMS failed for it when a retry met them), in the
 * words the hold would have had, so that a bounce says what a confirmation
 * says; a period's times in the reader's zone.
 */
export function noTimeReason(q: QuietHoldRecord, w: Wording = wordingFor('en'), timeZone = 'UTC'): string {
  const by = whose(q.source, w);
  if (q.start !== undefined) return w.quiet.noTimePeriod({ by, from: w.time(q.start, timeZone), to: w.time(q.end ?? q.start, timeZone) });
  return w.quiet.noTime({ by, rule: ruleWords(q, w), local: !q.zoneFrom });
}

/** "20:00–08:00 and Sundays": what the rule holds, in the recipient's local time. */
function ruleWords(q: QuietHoldRecord, w: Wording): string {
  return w.quiet.list([
    q.from !== undefined && q.to !== undefined ? w.quiet.window(q.from, q.to) : undefined,
    q.days?.length ? w.quiet.days(q.days) : undefined,
    q.dates?.length ? w.quiet.dates(q.dates) : undefined,
  ].filter((x): x is string => x !== undefined));
}

/** quietRulesFor's sources ("account acme", "country FR", "your mail") in the reader's words. */
function whose(source: string, w: Wording): string {
  const [kind, name] = [source.slice(0, source.indexOf(' ')), source.slice(source.indexOf(' ') + 1)];
  if (source === 'your mail') return w.quiet.mail;
  if (kind === 'account') return w.quiet.account(name);
  if (kind === 'country') return w.quiet.country(countryName(name, w.language));
  return source;
}

const regionNames = new Map<string, Intl.DisplayNames>();

/** "France", "Frankreich" (ICU's names); the code itself for one ICU does not know. */
function countryName(code: string, language: string): string {
  let names = regionNames.get(language);
  if (!names) regionNames.set(language, (names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' })));
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

const two = (n: number) => String(n).padStart(2, '0');

function clockIn(iso: string, zone: string): string | undefined {
  try {
    const w = wallTimeIn(new Date(iso), zone);
    return `${two(w.hour)}:${two(w.minute)}`;
  } catch {
    return undefined; // a zone this ICU does not know (data written elsewhere): the reader's time alone
  }
}
