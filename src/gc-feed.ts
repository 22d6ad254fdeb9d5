import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** A garbage collection pause, in the monotonic clock's milliseconds (performance.now()). */
export interface GcPause { start: number; ms: number; major: boolean }

/** Calls `fn` with each garbage collection pause until the returned function is called. */
export type OnGc = (fn: (p: GcPause) => void) => () => void;

/**
 * The process's garbage collections, from one PerformanceObserver for all
 * who listen (the heap growth after a full collection, the stall watch's
 * pauses): main.ts makes one and hands it to both. It observes only while
 * someone listens.
 */
export class GcFeed {
  private readonly listeners = new Set<(p: GcPause) => void>();
  private observer?: PerformanceObserver;

  readonly on: OnGc = (fn) => {
    // Each call gets its own entry, so one function listening twice is also stopped twice.
    const listener = (p: GcPause) => fn(p);
    this.listeners.add(listener);
    this.observer ??= this.observe();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      this.observer?.disconnect();
      this.observer = undefined;
    };
  };

  private observe(): PerformanceObserver {
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        const pause = { start: e.startTime, ms: e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR };
        for (const l of this.listeners) l(pause);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    return observer;
  }
}
