import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { FINAL_STATUSES, latencyMs, type SmsMessage } from '../../store/types.js';
import { acceptedAt } from './query.js';

/**
 * Statistics as sums that can be added up: per (accepted day, account,
 * status, connector, destination country) the messages, segments and a
 * histogram of delivery times. Sums of archive files are kept and only
 * recomputed when a file grows; the live messages are summed per query.
 */
export interface Agg {
  messages: number;
  segments: number;
  /** Delivered only: latency bucket → count (see bucketOf). */
  latency?: Record<number, number>;
}
export type Aggs = Record<string, Agg>;

const SEP = '\t';

// Delivery times in buckets growing by 10 % from 100 ms: p50/p95 are read
// as the bucket's upper bound, so they are at most 10 % above the truth,
// and a day's histogram stays a few dozen numbers whatever the volume.
const BASE_MS = 100;
const GROWTH = 1.1;
export const bucketOf = (ms: number) => (ms <= BASE_MS ? 0 : Math.ceil(Math.log(ms / BASE_MS) / Math.log(GROWTH)));
export const bucketUpperMs = (b: number) => Math.round(BASE_MS * GROWTH ** b);

/** The final event's connector, else the one that took it. */
function connectorOf(m: SmsMessage): string {
  for (let i = m.history.length - 1; i >= 0; i--) if (m.history[i].connector) return m.history[i].connector!;
  return '';
}

/** Calendar days and countries, memoised: both are asked once per message and repeat endlessly. */
export class Labels {
  private readonly days = new Map<string, string>();
  private readonly countries = new Map<string, string>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** YYYY-MM-DD of an ISO instant in the time zone (zones change offset at whole minutes). */
  day(iso: string): string {
    const minute = iso.slice(0, 16);
    let d = this.days.get(minute);
    if (d === undefined) {
      if (this.days.size > 200_000) this.days.clear();
      d = this.fmt.format(new Date(iso));
      this.days.set(minute, d);
    }
    return d;
  }

  /** ISO 3166 country of an E.164 number; numbers sharing their first 7 digits share a country. */
  country(e164: string): string {
    const prefix = e164.slice(0, 8);
    let c = this.countries.get(prefix);
    if (c === undefined) {
      c = parsePhoneNumberFromString(e164)?.country ?? '';
      this.countries.set(prefix, c);
    }
    return c;
  }
}

export function addMessage(aggs: Aggs, m: SmsMessage, labels: Labels): void {
  const key = [labels.day(acceptedAt(m)), m.account, m.status, connectorOf(m), labels.country(m.to)].join(SEP);
  const a = (aggs[key] ??= { messages: 0, segments: 0 });
  a.messages++;
  a.segments += m.segments;
  if (m.status === 'delivered') {
    const b = bucketOf(latencyMs(m, m.history.at(-1)!.at));
    (a.latency ??= {})[b] = (a.latency[b] ?? 0) + 1;
  }
}

export interface Counts {
  messages: number;
  segments: number;
  delivered: number;
  /** failed, expired or rejected */
  failed: number;
  /** not final yet: queued, scheduled, in flight */
  pending: number;
  /** delivered / (delivered + failed); null before anything was final */
  deliveryRate: number | null;
}

export interface Stats {
  from: string;
  to: string;
  timeZone: string;
  totals: Counts;
  byDay: Array<Counts & { day: string }>;
  byStatus: Array<{ status: string; messages: number; segments: number }>;
  byAccount: Array<Counts & { account: string }>;
  byConnector: Array<Counts & { connector: string }>;
  byCountry: Array<Counts & { country: string }>;
  /** From due (send time or acceptance) to delivered; p50/p95 at most 10 % high. */
  latency: { delivered: number; p50Ms: number | null; p95Ms: number | null };
}

const zero = (): Counts => ({ messages: 0, segments: 0, delivered: 0, failed: 0, pending: 0, deliveryRate: null });

function count(c: Counts, status: string, a: Agg): void {
  c.messages += a.messages;
  c.segments += a.segments;
  if (status === 'delivered') c.delivered += a.messages;
  else if (!FINAL_STATUSES.has(status as SmsMessage['status'])) c.pending += a.messages;
  else if (status !== 'cancelled') c.failed += a.messages;
}

const rate = <T extends Counts>(c: T): T => ({ ...c, deliveryRate: c.delivered + c.failed ? c.delivered / (c.delivered + c.failed) : null });

function percentile(hist: Map<number, number>, total: number, p: number): number | null {
  if (!total) return null;
  let seen = 0;
  for (const b of [...hist.keys()].sort((x, y) => x - y)) {
    seen += hist.get(b)!;
    if (seen >= p * total) return bucketUpperMs(b);
  }
  return null;
}

/** Every day from `from` to `to` (YYYY-MM-DD), inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && out.length < 3660; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Folds sums into the statistics of days [from, to] (local days), optionally of one account. */
export function summarize(parts: Aggs[], range: { from: string; to: string; account?: string; timeZone: string }): Stats {
  const days = new Map(daysBetween(range.from, range.to).map((d) => [d, zero()]));
  const groups = { status: new Map<string, Counts>(), account: new Map<string, Counts>(), connector: new Map<string, Counts>(), country: new Map<string, Counts>() };
  const totals = zero();
  const hist = new Map<number, number>();
  for (const aggs of parts) {
    for (const [key, a] of Object.entries(aggs)) {
      const [day, account, status, connector, country] = key.split(SEP);
      if (!days.has(day) || (range.account !== undefined && account !== range.account)) continue;
      count(totals, status, a);
      count(days.get(day)!, status, a);
      for (const [g, k] of [['status', status], ['account', account], ['connector', connector], ['country', country]] as const) {
        const map = groups[g];
        if (!map.has(k)) map.set(k, zero());
        count(map.get(k)!, status, a);
      }
      for (const [b, n] of Object.entries(a.latency ?? {})) hist.set(Number(b), (hist.get(Number(b)) ?? 0) + n);
    }
  }
  const list = <K extends string>(name: K, map: Map<string, Counts>) =>
    [...map].sort((x, y) => y[1].messages - x[1].messages).map(([k, c]) => ({ [name]: k, ...rate(c) }) as Counts & Record<K, string>);
  const delivered = [...hist.values()].reduce((x, y) => x + y, 0);
  return {
    from: range.from, to: range.to, timeZone: range.timeZone,
    totals: rate(totals),
    byDay: [...days].map(([day, c]) => ({ day, ...rate(c) })),
    byStatus: [...groups.status].map(([status, c]) => ({ status, messages: c.messages, segments: c.segments })),
    byAccount: list('account', groups.account),
    byConnector: list('connector', groups.connector),
    byCountry: list('country', groups.country),
    latency: { delivered, p50Ms: percentile(hist, delivered, 0.5), p95Ms: percentile(hist, delivered, 0.95) },
  };
}
