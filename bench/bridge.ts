/**
 * The bridge as users run it: the built `dist/src/main.js` (what `npm start`
 * runs) in its own process, with a config file, logging its JSON lines at
 * info level to a file. The benchmark reads that log to count events
 * (accepted, submitted, confirmation written) and /proc for memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));

export interface BridgeRun {
  pid: number;
  port: number;
  /** When the process was spawned and when it logged `started` (epoch ms). */
  spawnedAt: number;
  startedAt: number;
  /** How many log lines with this evt so far. */
  count(evt: string): Promise<number>;
  /** Every log line with this evt so far; only for the evts in KEEP_LINES. */
  lines(evt: string): Promise<Array<Record<string, unknown>>>;
  /** Epoch ms of the first and the latest log line with this evt, if any. */
  firstAt(evt: string): Promise<number | undefined>;
  lastAt(evt: string): Promise<number | undefined>;
  waitFor(evt: string, n: number, timeoutMs: number): Promise<void>;
  /** CPU time the process used so far (user + system), in ms: less disturbed by other load than wall time. */
  cpuMs(): Promise<{ user: number; sys: number; total: number }>;
  /** Resident memory now and at its peak (VmRSS, VmHWM), in MB. */
  memory(): Promise<{ rssMb: number; peakMb: number }>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Writes `config` (merged by the caller) to dir/config.json and starts the bridge on it; `main`: another build's main.js (A/B runs). */
export async function startBridge(dir: string, config: Record<string, unknown>, extraNodeArgs: string[] = [], main = MAIN): Promise<BridgeRun> {
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config));
  const logFile = join(dir, `bridge-${Date.now()}.log`);
  const out = await open(logFile, 'w');
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, main, '--config', configFile], { stdio: ['ignore', out.fd, out.fd] });
  await out.close();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const log = new LogScanner(logFile);
  const started = await Promise.race([
    pollFor(async () => log.first('started'), 30_000, 'the bridge to start'),
    exited.then(async (code) => { throw new Error(`bridge exited with ${code}: ${(await readFile(logFile, 'utf8')).slice(-2000)}`); }),
  ]);
  const port = Number(String(started.smtp).split(':').pop());
  return {
    pid: child.pid!,
    port,
    spawnedAt,
    startedAt: Number(started.time),
    count: async (evt) => (await log.scan()).get(evt)?.n ?? 0,
    lines: async (evt) => (await log.scan()).get(evt)?.lines ?? [],
    firstAt: async (evt) => (await log.scan()).get(evt)?.first,
    lastAt: async (evt) => (await log.scan()).get(evt)?.last,
    waitFor: (evt, n, timeoutMs) => pollFor(async () => ((await log.scan()).get(evt)?.n ?? 0) >= n, timeoutMs, `${n} × ${evt}`).then(() => undefined),
    memory: () => memoryOf(child.pid!),
    cpuMs: () => cpuMsOf(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Evts whose every line is kept, not only counted: few, and read whole (bench/stalls.ts). */
const KEEP_LINES = new Set(['event-loop-stalled']);

interface EvtStats { n: number; first: number; last: number; line: Record<string, unknown>; lines?: Array<Record<string, unknown>> }

/** Reads the log incrementally: counts and first time per evt, plus the first line of each evt (every line of KEEP_LINES). */
class LogScanner {
  private offset = 0;
  private rest = '';
  private readonly stats = new Map<string, EvtStats>();

  constructor(private readonly file: string) {}

  async scan(): Promise<Map<string, EvtStats>> {
    const fh = await open(this.file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > this.offset) {
        const buf = Buffer.alloc(size - this.offset);
        await fh.read(buf, 0, buf.length, this.offset);
        this.offset = size;
        const text = this.rest + buf.toString('utf8');
        const lines = text.split('\n');
        this.rest = lines.pop() ?? '';
        for (const l of lines) this.add(l);
      }
    } finally {
      await fh.close();
    }
    return this.stats;
  }

  async first(evt: string): Promise<Record<string, unknown> | undefined> {
    await this.scan();
    return this.stats.get(evt)?.line;
  }

  private add(line: string): void {
    const m = /"evt":"([^"]+)"/.exec(line);
    if (!m) return;
    const s = this.stats.get(m[1]);
    if (s && !s.lines) {
      s.n++;
      s.last = Number(/"time":(\d+)/.exec(line)?.[1]);
      return;
    }
    const o = JSON.parse(line) as Record<string, unknown>;
    if (s) {
      s.n++;
      s.last = Number(o.time);
      s.lines!.push(o);
      return;
    }
    this.stats.set(m[1], { n: 1, first: Number(o.time), last: Number(o.time), line: o, ...(KEEP_LINES.has(m[1]) ? { lines: [o] } : {}) });
  }
}

export async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

export async function cpuMsOf(pid: number): Promise<{ user: number; sys: number; total: number }> {
  // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = (Number(f[11]) * 1000) / CLOCK_TICKS;
  const sys = (Number(f[12]) * 1000) / CLOCK_TICKS;
  return { user, sys, total: user + sys };
}

/**
 * CPU time (ms) of a process and all its descendants: each live process's
 * own time plus what its reaped children used (cutime, cstime), so that
 * Postfix's smtpd and cleanup processes that come and go during a run are
 * counted too. The difference of two readings is the tree's CPU in between.
 */
export async function treeCpuMs(root: number): Promise<number> {
  let total = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLOCK_TICKS;
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const t of tasks) {
      const kids = await readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '');
      for (const k of kids.trim().split(/\s+/).filter(Boolean)) todo.push(Number(k));
    }
  }
  return total;
}

/** USER_HZ: 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS = 100;

export async function pollFor<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
