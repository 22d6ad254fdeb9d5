/**
 * The benchmark's measurements against a fresh bridge each (its own store,
 * so one case's backlog never slows the next) and the same load against the
 * Postfix reference in the same round, so every figure has a same-moment
 * ratio. Each bridge first gets a short warm-up, as a long-running server is
 * warm.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf, startBridge, treeCpuMs, type BridgeRun } from './bridge.js';
import { percentile, runClosed, runOpen, type MailSpec } from './loadgen.js';
import { customerAddress, FROM, mailBody, TO } from './mail.js';
import type { Peer } from './peer.js';
import type { PostfixInstance } from './postfix.js';
import { runSmtpSource, type SourceCase } from './smtp-source.js';
import { overlaps, STALL_MS, startStallWatchers, toStall, who, within, type StallWatchers, type WhoStalled } from './stalls.js';

export interface BenchContext {
  quick: boolean;
  rounds: number;
  work: string;
  sourceFile: string;
  peer: Peer;
  postfix?: PostfixInstance;
  /** Extra node options for the bridge process (e.g. --cpu-prof). */
  nodeArgs: string[];
  /** --cpu-prof options when profiling (--profile), also for a peer's own process; else empty. */
  profileArgs: string[];
  /** Config merged over the bench defaults (e.g. another store dir layout). */
  say(msg: string): void;
}

export interface Fresh { run: BridgeRun; dir: string; done(): Promise<void> }

const WARM_UP = 300;

/**
 * The account limits an operator sets for a bulk sender (an ERP's month-end
 * run): the defaults (120 SMS a minute, 10 per number an hour, 5,000 segments
 * a day, the fraud brake) are for clerks and would stop the benchmark at once.
 * Likewise smtp.maxConnectionsPerIp (20 by default) is raised for the load
 * generators' 100 sessions from one address, as for a relay that sends so.
 */
export const BULK_LIMITS = { messagesPerMinute: 0, segmentsPerDay: 0, segmentsPerMonth: 0, perNumberPerHour: 0, brake: { newNumbersPerWindow: 0, failureRatio: 0 } };

/** A bridge as users run it (all defaults) on a new store, with the bench's peer. */
export async function freshBridge(ctx: BenchContext, over: { store?: Record<string, unknown>; dir?: string; peer?: Peer } = {}): Promise<Fresh> {
  const dir = over.dir ?? (await mkdtemp(join(ctx.work, 'bridge-')));
  const run = await startBridge(dir, {
    // The API (on by default) on a free port, so no fixed port can clash.
    // Stalls are logged from STALL_MS instead of 500 ms, for the latency case to count (bench/stalls.ts); the watcher's cost is the same, only lines are more.
    smtp: { port: 0, maxConnectionsPerIp: 1000 }, api: { port: 0 }, store: { dir: join(dir, 'data'), ...over.store }, connectors: [(over.peer ?? ctx.peer).connector],
    log: { level: 'info', eventLoopStallMs: STALL_MS },
    limits: BULK_LIMITS,
  }, ctx.nodeArgs);
  return {
    run, dir,
    /**
     * Stops the bridge; its directory stays until the run ends (run.ts removes ctx.work).
     * Deleting it here made the next case slower: ext4 without a journal (as on this
     * project's machines) passes over every recently freed inode of the group at each
     * file creation (recently_deleted() under ext4_create in `perf`), so the thousands
     * of files one case deleted cost the next case's outbox ~0.3 ms of system time per SMS.
     */
    async done() {
      await run.stop();
    },
  };
}

/**
 * Mails with their own Message-IDs; `manyNumbers`: each to its own customer's
 * number (a month-end run), else all to the one number of smtp-source's file.
 */
export function uniqueMails(run: string, extra: (i: number) => string[] = () => [], manyNumbers = false): MailSpec {
  return { from: FROM, to: manyNumbers ? customerAddress : TO, body: (i) => mailBody(i, run, extra(i)) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export interface Paired { bridge: number; postfix?: number; ratio?: number; rounds: Array<{ bridge: number; postfix?: number }> }

/** Medians over the rounds; the ratio is the median of each round's own ratio. */
export function paired(rounds: Array<{ bridge: number; postfix?: number }>): Paired {
  const withRef = rounds.filter((r) => r.postfix);
  return {
    bridge: median(rounds.map((r) => r.bridge)),
    postfix: withRef.length ? median(withRef.map((r) => r.postfix!)) : undefined,
    ratio: withRef.length ? median(withRef.map((r) => r.bridge / r.postfix!)) : undefined,
    rounds,
  };
}

/** A server under test for one acceptance round: where it listens, its process, and how to check and stop it. */
interface Measured {
  port: number;
  pid: number;
  /** Throws when the server did not take every mail it answered 250 (`mails`: warm-up included). */
  check?(mails: number): Promise<void>;
  peakMb(): Promise<number>;
  done(): Promise<void>;
}

export type Acceptance = Paired & { peakMb: number; cpuPerMail: { bridge: number; postfix?: number } };

/** smtp-source against Postfix and against a fresh bridge, `rounds` times; msg/s. */
export function acceptance(ctx: BenchContext, c: SourceCase): Promise<Acceptance> {
  return acceptanceOf(ctx, c, 'bridge', async () => {
    const b = await freshBridge(ctx);
    return {
      port: b.run.port, pid: b.run.pid, done: () => b.done(), peakMb: async () => (await b.run.memory()).peakMb,
      async check(mails) {
        const accepted = await b.run.count('sms-accepted');
        if (accepted !== mails) throw new Error(`bridge logged ${accepted} accepted SMS for ${mails} mails`);
      },
    };
  });
}

/** The same against the issue's calibration pipeline alone (bench/floor-server.ts) instead of the bridge. */
export function floorAcceptance(ctx: BenchContext, c: SourceCase): Promise<Acceptance> {
  return acceptanceOf(ctx, c, 'calibration pipeline', async () => {
    const dir = await mkdtemp(join(ctx.work, 'floor-'));
    const child = spawn(process.execPath, ['--import', 'tsx', FLOOR, join(dir, 'journal.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(Number(JSON.parse(d.toString()).port)));
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    return {
      port, pid: child.pid!, peakMb: async () => (await memoryOf(child.pid!)).peakMb,
      async done() {
        child.kill('SIGTERM');
        await exited;
      },
    };
  });
}

const FLOOR = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

async function acceptanceOf(ctx: BenchContext, c: SourceCase, label: string, start: () => Promise<Measured>): Promise<Acceptance> {
  const rounds: Array<{ bridge: number; postfix?: number }> = [];
  const cpu: { bridge: number[]; postfix: number[] } = { bridge: [], postfix: [] };
  let peakMb = 0;
  /** The measured run, and the CPU all processes of the server under test used meanwhile, per mail. */
  const measured = async (port: number, pid: number) => {
    const before = await treeCpuMs(pid);
    const rate = (await runSmtpSource(c, ctx.sourceFile, FROM, TO, port)).perSecond;
    return { rate, cpuMs: ((await treeCpuMs(pid)) - before) / c.messages };
  };
  const reference = async () => {
    if (!ctx.postfix) return undefined;
    await runSmtpSource({ ...c, messages: WARM_UP }, ctx.sourceFile, FROM, TO, ctx.postfix.port);
    const m = await measured(ctx.postfix.port, ctx.postfix.pid);
    cpu.postfix.push(m.cpuMs);
    return m.rate;
  };
  const underTest = async () => {
    const server = await start();
    try {
      await runSmtpSource({ ...c, messages: WARM_UP }, ctx.sourceFile, FROM, TO, server.port);
      const { rate, cpuMs } = await measured(server.port, server.pid);
      cpu.bridge.push(cpuMs);
      await server.check?.(WARM_UP + c.messages);
      peakMb = Math.max(peakMb, await server.peakMb());
      return rate;
    } finally {
      await server.done();
    }
  };
  for (let r = 0; r < ctx.rounds; r++) {
    // Alternate which goes first, so a change in the machine's load does not favour one side.
    let postfix: number | undefined;
    let rate: number;
    if (r % 2 === 0) {
      postfix = await reference();
      rate = await underTest();
    } else {
      rate = await underTest();
      postfix = await reference();
    }
    rounds.push({ bridge: rate, postfix });
    ctx.say(`  ${c.keep ? 'kept' : 'new'} -s ${c.sessions}: ${label} ${rate.toFixed(0)}/s${postfix ? `, postfix ${postfix.toFixed(0)}/s` : ''}`);
  }
  return { ...paired(rounds), peakMb, cpuPerMail: { bridge: median(cpu.bridge), ...(cpu.postfix.length ? { postfix: median(cpu.postfix) } : {}) } };
}

type Percentiles = { p50: number; p99: number; afterDotP50: number; afterDotP99: number };

export interface LatencyFigure {
  maxRate: number;
  offeredRate: number;
  bridge: Percentiles;
  postfix?: Percentiles;
  /** Event-loop stalls of thresholdMs or more during each open-loop run (bench/stalls.ts). */
  stalls: { thresholdMs: number; bridgeRun: WhoStalled; postfixRun?: WhoStalled };
}

/** The open-loop run against `port`, and when it began and ended (epoch ms). */
async function openLoop(port: number, rate: number, count: number, tag: string): Promise<{ stats: Percentiles; from: number; to: number }> {
  const from = Date.now();
  const r = await runOpen(port, rate, count, 20, uniqueMails(tag));
  const to = Date.now();
  if (r.refused) throw new Error(`refused during the latency run: ${r.errors.join(' | ')}`);
  return { from, to, stats: { p50: percentile(r.total, 50), p99: percentile(r.total, 99), afterDotP50: percentile(r.afterDot, 50), afterDotP99: percentile(r.afterDot, 99) } };
}

/** Each watcher's stalls that overlap [from, to]. */
async function whoStalled(run: BridgeRun, watchers: StallWatchers, w: { from: number; to: number }): Promise<WhoStalled> {
  const lines = await run.lines('event-loop-stalled');
  const bridge = lines.map(toStall);
  return {
    bridge: within(bridge, w.from, w.to), loadgen: within(watchers.loadgen(), w.from, w.to), probe: within(watchers.probe(), w.from, w.to),
    bridgeLines: lines.filter((_, i) => overlaps(bridge[i], w.from, w.to)),
  };
}

/** Max rate (20 kept sessions, closed loop), then an open-loop run at half of it against both servers, with who stalled meanwhile. */
export async function latency(ctx: BenchContext, seconds: number): Promise<LatencyFigure> {
  const b = await freshBridge(ctx);
  let watchers: StallWatchers | undefined;
  try {
    watchers = await startStallWatchers(STALL_MS);
    await runClosed(b.run.port, 20, WARM_UP, uniqueMails('warm'));
    const max = await runClosed(b.run.port, 20, ctx.quick ? 2000 : 6000, uniqueMails('max'));
    const maxRate = (max.sent * 1000) / max.elapsedMs;
    const offeredRate = maxRate / 2;
    const count = Math.round(offeredRate * seconds);
    const bridge = await openLoop(b.run.port, offeredRate, count, 'half');
    const postfix = ctx.postfix ? await openLoop(ctx.postfix.port, offeredRate, count, 'pf-half') : undefined;
    // A stall is logged one watcher tick (100 ms) after it ends: the last ones of the window come in meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    const stalls = { thresholdMs: STALL_MS, bridgeRun: await whoStalled(b.run, watchers, bridge), ...(postfix ? { postfixRun: await whoStalled(b.run, watchers, postfix) } : {}) };
    ctx.say(`  latency at ${offeredRate.toFixed(0)}/s: bridge p50 ${bridge.stats.p50.toFixed(1)} ms p99 ${bridge.stats.p99.toFixed(1)} ms${postfix ? `; postfix p50 ${postfix.stats.p50.toFixed(1)} p99 ${postfix.stats.p99.toFixed(1)}` : ''}`);
    ctx.say(`  stalls of ${STALL_MS} ms or more in the bridge's run: ${who(stalls.bridgeRun)}${stalls.postfixRun ? `; in Postfix's run: ${who(stalls.postfixRun)}` : ''}`);
    return { maxRate, offeredRate, bridge: bridge.stats, postfix: postfix?.stats, stalls };
  } finally {
    await watchers?.stop();
    await b.done();
  }
}

type Cpu = { user: number; sys: number; total: number };
const cpuPer = (a: Cpu, b: Cpu, n: number) => ({ cpuMsPerSms: (b.total - a.total) / n, sysMsPerSms: (b.sys - a.sys) / n });

export interface EndToEnd {
  mails: number; acceptPerSecond: number; smsPerSecond: number; submittedPerSecond: number; peakMb: number;
  /** Bridge CPU time (user + system) per SMS over the whole path: the figure to compare optimisations by on a busy machine. */
  cpuMsPerSms: number;
  /** The system-call part of it. */
  sysMsPerSms: number;
  /** CPU time per SMS of the peer's own process (the SMSC simulator), which shares the machine's cores with the bridge. */
  peerCpuMsPerSms?: number;
  /** The system-call part of it. */
  peerSysMsPerSms?: number;
}

/** Mail in → connector → report → confirmation written, for `mails` mails sent as fast as accepted; `peer` instead of ctx.peer. */
export async function endToEnd(ctx: BenchContext, mails: number, peer = ctx.peer): Promise<EndToEnd> {
  const b = await freshBridge(ctx, { peer });
  try {
    const peer0 = await peer.cpuMs?.();
    const cpu0 = await b.run.cpuMs();
    const t0 = Date.now();
    const r = await runClosed(b.run.port, 20, mails, uniqueMails('e2e', undefined, true));
    if (r.sent !== mails) throw new Error(`e2e: only ${r.sent} of ${mails} accepted: ${r.errors.join(' | ')}`);
    await b.run.waitFor('confirmation-sent', mails, 600_000);
    const seconds = ((await b.run.lastAt('confirmation-sent'))! - t0) / 1000;
    const submitted = ((await b.run.lastAt('sms-submitted'))! - t0) / 1000;
    const peer1 = await peer.cpuMs?.();
    const out: EndToEnd = {
      mails, acceptPerSecond: (mails * 1000) / r.elapsedMs, smsPerSecond: mails / seconds,
      submittedPerSecond: mails / submitted, peakMb: (await b.run.memory()).peakMb, ...cpuPer(cpu0, await b.run.cpuMs(), mails),
      ...(peer0 && peer1 ? { peerCpuMsPerSms: (peer1.total - peer0.total) / mails, peerSysMsPerSms: (peer1.sys - peer0.sys) / mails } : {}),
    };
    const peerCpu = out.peerCpuMsPerSms === undefined ? '' : `, ${out.peerCpuMsPerSms.toFixed(2)} ms ${peer.kind} peer CPU per SMS (${out.peerSysMsPerSms!.toFixed(2)} system)`;
    ctx.say(`  end to end (${peer.kind}): ${out.smsPerSecond.toFixed(0)} SMS/s confirmed (${out.acceptPerSecond.toFixed(0)}/s accepted, ${out.submittedPerSecond.toFixed(0)}/s submitted), ${out.cpuMsPerSms.toFixed(2)} ms bridge CPU per SMS (${out.sysMsPerSms.toFixed(2)} system)${peerCpu}, peak RSS ${out.peakMb} MB`);
    return out;
  } finally {
    await b.done();
  }
}

/**
 * The acceptance path alone: the same kept-connection load from bench/loadgen.ts,
 * each mail scheduled for tomorrow (X-SMS-Send-At), so the bridge only accepts
 * and stores while measured, as Postfix only queues. Alternating rounds, msg/s.
 */
export async function acceptanceOnly(ctx: BenchContext, mails: number): Promise<Paired> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const spec = (tag: string) => uniqueMails(tag, () => [`X-SMS-Send-At: ${tomorrow}`]);
  const rate = async (port: number, tag: string) => {
    await runClosed(port, 20, WARM_UP, spec(`warm-${tag}`));
    const r = await runClosed(port, 20, mails, spec(tag));
    if (r.refused) throw new Error(`refused: ${r.errors.join(' | ')}`);
    return (r.sent * 1000) / r.elapsedMs;
  };
  const bridge = async (r: number) => {
    const b = await freshBridge(ctx);
    try {
      return await rate(b.run.port, `only-${r}`);
    } finally {
      await b.done();
    }
  };
  const rounds: Array<{ bridge: number; postfix?: number }> = [];
  for (let r = 0; r < ctx.rounds; r++) {
    const pf = () => (ctx.postfix ? rate(ctx.postfix.port, `pf-only-${r}`) : Promise.resolve(undefined));
    const pair = r % 2 === 0 ? { postfix: await pf(), bridge: await bridge(r) } : { bridge: await bridge(r), postfix: await pf() };
    rounds.push(pair);
    ctx.say(`  accept only, kept -s 20: bridge ${pair.bridge.toFixed(0)}/s${pair.postfix ? `, postfix ${pair.postfix.toFixed(0)}/s` : ''}`);
  }
  return paired(rounds);
}
