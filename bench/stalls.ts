/**
 * Who stalled during a latency run. A few stalls of some hundred ms are
 * enough to make an open-loop p99 (mails keep coming due while nothing
 * answers), and on a shared machine they may be the machine's. Three
 * watchers, the same code (src/stall-watch.ts) at the same threshold:
 *
 * - the bridge's own `event-loop-stalled` log lines;
 * - the load generator's: the bench process times every mail, and a stall
 *   there delays sending and reading replies, whichever server is measured;
 * - an otherwise idle probe process (bench/stall-probe.ts): a stall it sees
 *   is the machine's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { watchStalls } from '../src/stall-watch.js';
import { pollFor } from './bridge.js';
import type { Row } from './report.js';

/** Stalls of this length or more are counted: each alone is twice the accept-latency p99 target (50 ms). */
export const STALL_MS = 100;

/** One stall, from a watcher's line: its length, when it ended (epoch ms), and the CPU its process used meanwhile. */
export interface StallLine { ms: number; endedAt: number; cpuMs?: number }
export interface StallCount { count: number; longestMs: number }
export interface WhoStalled {
  bridge: StallCount; loadgen: StallCount; probe: StallCount;
  /** The bridge's own log lines of those stalls (CPU, garbage collection and heap in each), for the JSON. */
  bridgeLines: Array<Record<string, unknown>>;
}

export function toStall(line: Record<string, unknown>): StallLine {
  return { ms: Number(line.ms), endedAt: Date.parse(String(line.endedAt)), cpuMs: Number(line.cpuMs) };
}

/** Whether the stall overlaps [from, to] (epoch ms). */
export const overlaps = (s: StallLine, from: number, to: number) => s.endedAt >= from && s.endedAt - s.ms <= to;

/** The stalls that overlap [from, to]: how many, and the longest. */
export function within(stalls: StallLine[], from: number, to: number): StallCount {
  const hit = stalls.filter((s) => overlaps(s, from, to));
  return { count: hit.length, longestMs: Math.max(0, ...hit.map((s) => s.ms)) };
}

export interface StallWatchers {
  probePid: number;
  /** The load generator's (this process's) and the probe's stalls so far. */
  loadgen(): StallLine[];
  probe(): StallLine[];
  stop(): Promise<void>;
}

const PROBE = fileURLToPath(new URL('./stall-probe.ts', import.meta.url));

/** Starts the watcher in this process and the probe process; the bridge watches itself (bench/cases.ts sets its threshold). */
export async function startStallWatchers(thresholdMs = STALL_MS): Promise<StallWatchers> {
  const own: StallLine[] = [];
  const probe: StallLine[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', PROBE, '--threshold-ms', String(thresholdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready = false;
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (l.startsWith('{')) probe.push(toStall(JSON.parse(l) as Record<string, unknown>));
      else if (l === 'stall-probe ready') ready = true;
    }
  });
  const stopOwn = watchStalls(thresholdMs, (_evt, data) => own.push(toStall(data)));
  const stop = async () => {
    stopOwn();
    child.kill('SIGTERM');
    await exited;
  };
  await pollFor(async () => ready, 20_000, 'the stall probe').catch(async (e: Error) => {
    await stop();
    throw e;
  });
  return { probePid: child.pid!, loadgen: () => own, probe: () => probe, stop };
}

const fmt = (c: StallCount) => (c.count ? `${c.count} (longest ${c.longestMs} ms)` : '0');
/** "bridge 1 (longest 412 ms); load generator 0; idle probe 0". */
export const who = (w: WhoStalled) => `bridge ${fmt(w.bridge)}; load generator ${fmt(w.loadgen)}; idle probe ${fmt(w.probe)}`;

/** The row under the latency rows: stalls during the bridge's run (mail2sms column) and during Postfix's (Postfix column). */
export function stallRow(s: { thresholdMs: number; bridgeRun: WhoStalled; postfixRun?: WhoStalled }): Row {
  return {
    what: `event-loop stalls of ${s.thresholdMs} ms or more during those latency runs, count (longest): the bridge's own, the load generator's, an idle probe process's (the machine's)`,
    bridge: who(s.bridgeRun), postfix: s.postfixRun && who(s.postfixRun),
  };
}
