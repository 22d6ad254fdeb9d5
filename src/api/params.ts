import type { FastifyRequest } from 'fastify';
import { wallTimeIn, zonedToInstant } from '../mail/dates.js';
import { normalizeNumber } from '../policy/optout.js';
import type { SmsStatus } from '../store/types.js';
import type { Principal } from './auth.js';
import type { MessageQuery } from './history/query.js';
import { Problem } from './problems.js';
import { SearchRefused } from './search-refusals.js';

/** The principal of a request, or 401. A cookie session never authorises a change here: forms check CSRF themselves. */
export function who(req: FastifyRequest, opts: { change?: boolean } = {}): Principal {
  if (!req.principal) throw new Problem(401, 'Unauthorized', notLoggedIn(req.headers.authorization));
  if (opts.change && req.authBy === 'cookie') throw new Problem(403, 'Forbidden', 'changes through the API need an Authorization header (Bearer token or Basic), not the portal cookie');
  return req.principal;
}

/**
 * Why a request has no principal, by the credentials it came with: a
 * program whose password was changed or whose token expired is told that,
 * not to log in (it did). Whether the user exists is not told.
 */
function notLoggedIn(authorization: string | undefined): string {
  const scheme = authorization?.split(' ', 1)[0] ?? '';
  if (/^basic$/i.test(scheme)) return 'user name or password not accepted (HTTP Basic): check both; a password changed with mail2sms users passwd applies at once';
  if (/^bearer$/i.test(scheme)) return 'the token is unknown or has expired (after api.sessionHours without use, a logout or a removed user): log in again with POST /api/v1/login for a new one';
  return 'log in first: POST /api/v1/login for a token, or HTTP Basic with a user of this gateway';
}

/**
 * YYYY-MM-DD → start of that day in the zone; a date-time with offset as it
 * is. A day the calendar lacks (2026-11-31, 2026-13-01) is refused, as
 * /stats refuses it: Date.parse and zonedToInstant would roll it into the
 * next month, and the search would answer for days nobody asked about.
 */
export function parseInstant(text: string, timeZone: string, field: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    realDay(text, field);
    return zonedToInstant({ year: +day[1], month: +day[2], day: +day[3], hour: 0, minute: 0, second: 0 }, timeZone).toISOString();
  }
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) && isDay(text.slice(0, 10)) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new SearchRefused({ code: 'not-a-date', field, text });
  return new Date(t).toISOString();
}

/** The local day (YYYY-MM-DD) of an instant. */
export function localDay(at: Date, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** A YYYY-MM-DD that names a day of the calendar (not 2026-13-01 or 2026-02-30), or a 400 naming the field. */
export function realDay(text: string, field: string): string {
  if (!isDay(text)) throw new SearchRefused({ code: 'not-a-day', field, text });
  return text;
}

function isDay(text: string): boolean {
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

/** The day after/before a YYYY-MM-DD. */
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export interface SearchParams {
  to?: string;
  status?: string[] | string;
  from?: string;
  until?: string;
  reference?: string;
  billingCode?: string;
  sender?: string;
  senderId?: string;
  account?: string;
  id?: string;
  /** uncertain: only SMS a restored backup caught while they were being handed over (MessageQuery.backupUncertain). */
  backup?: string;
}

export const STATUSES: SmsStatus[] = ['accepted', 'submitting', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled'];

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * A number to search for as the sender wrote it: a whole number written
 * with + or 00 or nationally (015112345678, in the account's country) is
 * read as submit reads it (normalizeNumber: spaces, - . / ( ), and the
 * "(0)" of "+49 (0)151 …"), so that it finds the stored +49…; anything
 * else (a few digits, a beginning like +49151) is searched as digits, a
 * part of the number. A "+" that arrived unencoded in the query string is
 * a space by then; bare digits are never read as a whole number, so they
 * stay a part.
 */
export function searchNumber(v: string, country: string): string {
  if (!/^\s*[+0]/.test(v)) return v;
  const n = normalizeNumber(v, country);
  return 'e164' in n ? n.e164 : v;
}

/**
 * `to` as given, when it has a digit to look for: the search matches the
 * numbers that contain its digits, so one without any ("abc") would match
 * every SMS, and a CSV export of it would hand out the whole history.
 */
export function searchableNumber(v: string): string {
  if (/\d/.test(v)) return v;
  throw new SearchRefused({ code: 'no-digits', text: v });
}

/** Search parameters (API query or portal form) → a query a user may run: users are held to their account. */
export function toQuery(p: SearchParams, principal: Principal, where: { timeZone: string; country: string }): MessageQuery {
  const { timeZone } = where;
  const account = blank(p.account);
  if (account && principal.role !== 'admin' && account !== principal.account) {
    throw new SearchRefused({ code: 'other-account', own: principal.account });
  }
  const status = (Array.isArray(p.status) ? p.status : blank(p.status)?.split(',') ?? []).map((s) => s.trim()).filter(Boolean);
  const unknown = status.filter((s) => !(STATUSES as string[]).includes(s));
  if (unknown.length) throw new SearchRefused({ code: 'unknown-status', unknown, known: STATUSES });
  const q: MessageQuery = {};
  if (principal.role !== 'admin') q.account = principal.account;
  else if (account) q.account = account;
  if (status.length) q.status = status as SmsStatus[];
  for (const k of ['to', 'reference', 'billingCode', 'sender', 'senderId', 'id'] as const) {
    const v = blank(p[k]);
    if (v) q[k] = k === 'to' ? searchNumber(searchableNumber(v), where.country) : v;
  }
  const backup = blank(p.backup);
  if (backup && backup !== 'uncertain') throw new SearchRefused({ code: 'unknown-backup', text: backup });
  if (backup) q.backupUncertain = true;
  const from = blank(p.from);
  const until = blank(p.until);
  if (from) q.from = parseInstant(from, timeZone, 'from');
  // A bare day as the end means "up to and including that day".
  if (until) q.until = /^\d{4}-\d{2}-\d{2}$/.test(until) ? parseInstant(addDays(realDay(until, 'until'), 1), timeZone, 'until') : parseInstant(until, timeZone, 'until');
  // An empty list would read as "no SMS then"; the range was written the wrong way round (as /stats answers it).
  if (q.from && q.until && q.from >= q.until) throw new SearchRefused({ code: 'range-reversed', from: from!, until: until! });
  return q;
}
