import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { archiveLines, listArchive } from '../../store/archive.js';
import { replaceFile } from '../../store/durable.js';
import { addMessage, Labels, summarize, type Aggs, type Stats } from './aggregate.js';
import type { HistorySource } from './search.js';
import { archivedMessage, SkippedLines } from './archived.js';

export interface StatsIndexOptions {
  source: HistorySource;
  /** A derived file (rebuilt when missing or of another format); the archive stays the truth. */
  cacheFile: string;
  /** The zone whose local days a query gets unless it names another. */
  timeZone: string;
  /** Most days between acceptance and final status (see daysFor). */
  lagDays: number;
  log?: (evt: string, data: Record<string, unknown>) => void;
  /** Reports lines that are no message, each once (shared with the search); else its own, on log. */
  skipped?: SkippedLines;
}

interface FileSums {
  /** Bytes of complete lines summed; a file that grew is summed again. */
  size: number;
  aggs: Aggs;
}

/**
 * The cache's format and what its sums mean: raised whenever aggregate.ts
 * counts differently (2: a fraud-brake hold is taken out of the latency; 3:
 * sums per time zone), so that a cache of the old figures is recomputed from
 * the archive, not served.
 */
const CACHE_VERSION = 3;

interface Cache {
  version: number;
  /** Per time zone (a day is a local day), per archive day file. */
  zones: Record<string, Record<string, FileSums>>;
}

const DAY_MS = 86_400_000;

/**
 * Statistics over the whole history without holding it: sums per archive day
 * file, kept in memory and in a cache file beside the archive, recomputed for
 * a file only when it grew (compaction appends); the live messages are summed
 * per query. So a query reads no archive file that did not change, and a
 * restart reads none at all while the cache file is there.
 */
export class StatsIndex {
  private cache?: Cache;
  private running: Promise<unknown> = Promise.resolve();
  private readonly labels = new Map<string, Labels>();
  private readonly skipped: SkippedLines;

  constructor(private readonly o: StatsIndexOptions) {
    this.skipped = o.skipped ?? new SkippedLines(o.log);
  }

  /**
   * Statistics of the local days [from, to] of `timeZone` (else the index's), optionally of one account. One query at
   * a time. Each zone has sums of its own: an account's users read days in the account's zone, and a day's sums in
   * one zone cannot be cut into another's.
   */
  stats(range: { from: string; to: string; account?: string; timeZone?: string }): Promise<Stats> {
    const next = this.running.then(() => this.compute(range));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async compute(range: { from: string; to: string; account?: string; timeZone?: string }): Promise<Stats> {
    const timeZone = range.timeZone ?? this.o.timeZone;
    const labels = this.labelsIn(timeZone);
    const sums = ((await this.load()).zones[timeZone] ??= {});
    // Local days may start up to a day before the UTC day; final statuses come up to lagDays after acceptance.
    const first = new Date(Date.parse(range.from) - DAY_MS).toISOString().slice(0, 10);
    const last = new Date(Date.parse(range.to) + (this.o.lagDays + 1) * DAY_MS).toISOString().slice(0, 10);
    const files = (await listArchive(this.o.source.archiveDir)).filter((f) => f.day >= first && f.day <= last);
    // A message being archived right now can be in a file just summed and still live: it counts once, as archived.
    const live = [...this.o.source.liveMessages()];
    const liveIds = new Set(live.map((m) => m.id));
    let changed = false;
    for (const f of files) {
      const name = basename(f.file);
      if (sums[name]?.size === f.size) continue;
      sums[name] = await this.sumFile(f.file, liveIds, labels);
      changed = true;
    }
    const liveAggs: Aggs = {};
    for (const m of live) if (liveIds.has(m.id)) addMessage(liveAggs, m, labels);
    if (changed) await this.save(this.cache!);
    const parts = files.map((f) => sums[basename(f.file)].aggs);
    return summarize([...parts, liveAggs], { ...range, timeZone });
  }

  private labelsIn(timeZone: string): Labels {
    let l = this.labels.get(timeZone);
    if (!l) this.labels.set(timeZone, (l = new Labels(timeZone)));
    return l;
  }

  /** Sums one day file; ids of `live` found in it are taken out of `live`. */
  private async sumFile(file: string, live: Set<string>, labels: Labels): Promise<FileSums> {
    const aggs: Aggs = {};
    const seen = new Set<string>();
    const end = { end: 0 };
    for await (const line of archiveLines(file, end)) {
      const m = archivedMessage(line);
      if (m === 'torn') continue;
      if ('problem' in m) {
        await this.skipped.report(file, line, m.problem);
        continue;
      }
      if (seen.has(m.id)) continue; // archived twice after a crash during compaction
      seen.add(m.id);
      live.delete(m.id);
      addMessage(aggs, m, labels);
    }
    return { size: end.end, aggs };
  }

  private async load(): Promise<Cache> {
    if (this.cache) return this.cache;
    const empty: Cache = { version: CACHE_VERSION, zones: {} };
    try {
      const c = JSON.parse(await readFile(this.o.cacheFile, 'utf8')) as Cache;
      this.cache = c.version === CACHE_VERSION && c.zones && typeof c.zones === 'object' ? c : empty;
    } catch {
      this.cache = empty; // missing or unreadable: it is only derived data
    }
    return this.cache;
  }

  private async save(cache: Cache): Promise<void> {
    await replaceFile(this.o.cacheFile, JSON.stringify(cache)).catch((e: Error) => this.o.log?.('stats-cache-failed', { error: e.message }));
  }
}
