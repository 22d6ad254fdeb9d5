import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { GcFeed, type GcPause, type OnGc } from './gc-feed.js';
import type { LogFn } from './log.js';

/**
 * Notices when the event loop stopped answering: a timer due every TICK_MS
 * that runs much later than due means nothing else ran meanwhile either (a
 * long garbage collection, a synchronous read, a big JSON parse, or a machine
 * that gave the process no CPU). Each such stall is logged once as
 * `event-loop-stalled` with cheap context that tells the causes apart: the
 * CPU the process used meanwhile (little: it was not running at all) and the
 * garbage collection pauses inside the window.
 *
 * A timer every 100 ms and a GC observer are all it costs; nothing per mail.
 * The length reported is how much later than due the timer ran: the loop was
 * blocked at least that long, and at most TICK_MS longer.
 */
export const TICK_MS = 100;

export type { GcPause } from './gc-feed.js';

/** A stall found at one tick and reported at the next (see watchStalls). */
interface Stall { from: number; to: number; ms: number; cpuMs: number; heapUsed: number }

export interface StallWatchDeps {
  /** Monotonic milliseconds, in the time base of performance entries. */
  now?: () => number;
  /** Wall clock (epoch ms), for the time the stall ended. */
  wallNow?: () => number;
  /** Calls `fn` every `ms` until the returned function is called; must not keep the process alive. */
  every?: (ms: number, fn: () => void) => () => void;
  /** The process's collections (main.ts shares one feed with the heap growth); a feed of its own if not given. */
  onGc?: OnGc;
  /** CPU time the process used so far (every thread), ms. */
  cpuMs?: () => number;
  heapUsed?: () => number;
}

/** How much later than due a tick ran, when that is at least `thresholdMs`; else undefined. */
export function lateBy(previousTick: number, tick: number, thresholdMs: number, everyMs = TICK_MS): number | undefined {
  const late = tick - previousTick - everyMs;
  return late >= thresholdMs ? late : undefined;
}

/** The garbage collection inside [from, to]: the time its pauses took there, and how many were full (major) collections. */
export function gcWithin(pauses: GcPause[], from: number, to: number): { gcMs: number; gcMajor: number } {
  let gcMs = 0;
  let gcMajor = 0;
  for (const p of pauses) {
    if (p.start > to || p.start + p.ms < from) continue;
    gcMs += Math.min(to, p.start + p.ms) - Math.max(from, p.start);
    if (p.major) gcMajor++;
  }
  return { gcMs, gcMajor };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The log line's data for a stall. */
export function stallLine(s: Stall, pauses: GcPause[], thresholdMs: number, endedAt: number): Record<string, unknown> {
  const gc = gcWithin(pauses, s.from, s.to);
  return {
    ms: Math.round(s.ms), thresholdMs, endedAt: new Date(endedAt).toISOString(), cpuMs: Math.round(s.cpuMs),
    gcMs: round1(gc.gcMs), gcMajor: gc.gcMajor, heapUsedMb: round1(s.heapUsed / 2 ** 20),
  };
}

/**
 * Starts watching; returns the stop function. A stall is logged at the tick
 * after the one that found it: garbage collection pauses reach the observer
 * asynchronously, and a pause inside the stall may not have arrived yet when
 * the late tick runs. Stopping reports a stall still waiting.
 */
export function watchStalls(thresholdMs: number, log: LogFn, deps: StallWatchDeps = {}): () => void {
  const d = { ...DEFAULT_DEPS, ...deps };
  let pauses: GcPause[] = [];
  let pending: Stall | undefined;
  let last = { at: d.now(), cpu: d.cpuMs() };
  const report = () => {
    if (!pending) return;
    const s = pending;
    pending = undefined;
    log('event-loop-stalled', stallLine(s, pauses, thresholdMs, d.wallNow() - (d.now() - s.to)));
  };
  const stopGc = d.onGc((p) => pauses.push(p));
  const stopTicks = d.every(TICK_MS, () => {
    const at = d.now();
    const cpu = d.cpuMs();
    report();
    const ms = lateBy(last.at, at, thresholdMs);
    if (ms !== undefined) pending = { from: last.at, to: at, ms, cpuMs: cpu - last.cpu, heapUsed: d.heapUsed() };
    // Only pauses that can still fall inside a window to report are kept.
    const keepFrom = pending?.from ?? at;
    pauses = pauses.filter((p) => p.start + p.ms >= keepFrom);
    last = { at, cpu };
  });
  return () => {
    stopTicks();
    stopGc();
    report();
  };
}

const DEFAULT_DEPS: Required<StallWatchDeps> = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  onGc: (fn) => new GcFeed().on(fn),
  cpuMs: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  heapUsed: () => getHeapStatistics().used_heap_size,
};
