import { GcFeed, type OnGc } from './gc-feed.js';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 may grow its heap before the next full collection, chosen from
 * what is live after each one: room of a fixed size rather than a fixed share.
 *
 * V8 on its own lets the heap grow to about twice what is live while the
 * allocation rate is high, and keeps it: with 100,000 SMS queued the process
 * settled at ~550 MB RSS. A flat 20 % held it near 260 MB, but then a small
 * heap under a burst of mail is collected again after every few megabytes,
 * and the marking competes with the event loop for the cores (p99 accept
 * latency 37-79 ms against 24-30 ms at 100 % in paired bench runs). A
 * fixed room (32 MB) is 100 % for a heap of 32 MB and less (an idle bridge
 * has ~31 MB live), and shrinks as a share as the heap grows: 45 % with
 * 100,000 SMS queued (~67 MB live), never below 20 %.
 */
export const MIN_PERCENT = 20;
export const MAX_PERCENT = 100;

/** The growth (percent) that gives `roomBytes` over `liveBytes`, within MIN..MAX_PERCENT, in steps of 5. */
export function growthPercent(liveBytes: number, roomBytes: number): number {
  if (!(liveBytes > 0)) return MAX_PERCENT;
  const p = Math.floor((100 * roomBytes) / liveBytes / 5) * 5;
  return Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, p));
}

export interface HeapGrowthDeps {
  /** Bytes in use on the heap: right after a full collection, what is live. */
  used?: () => number;
  setFlags?: (flags: string) => void;
  /** The process's collections (main.ts shares one feed with the stall watch); a feed of its own if not given. */
  onGc?: OnGc;
}

/**
 * Sets the growth now and after every full collection; returns a stop function.
 * V8 reads the flag whenever it computes the next limit (after a collection),
 * so a change applies from the collection after the one that caused it.
 */
export function adaptHeapGrowth(roomBytes: number, deps: HeapGrowthDeps = {}): () => void {
  const used = deps.used ?? (() => getHeapStatistics().used_heap_size);
  const setFlags = deps.setFlags ?? setFlagsFromString;
  let current = 0;
  const update = () => {
    const p = growthPercent(used(), roomBytes);
    if (p === current) return;
    current = p;
    setFlags(`--heap-growing-percent=${p}`);
  };
  update();
  const onGc = deps.onGc ?? new GcFeed().on;
  // Only a full collection tells what is live; a scavenge leaves old garbage counted.
  return onGc((p) => {
    if (p.major) update();
  });
}
