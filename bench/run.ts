/**
 * `npm run bench [-- --quick] [-- --scale] [-- --peer smpp] [-- --rounds N] [-- --profile]`
 *
 * Starts a throwaway Postfix on loopback as the reference and the bridge as
 * users run it, drives both with smtp-source and bench/loadgen.ts, prints a
 * table with same-run ratios, writes the JSON to bench/out/ and the table to
 * bench/RESULTS.md (only a full run: not --quick, --only, --parts, --scale-only,
 * --profile or --node-args). --quick: fewer mails and one round, for trying it.
 * --scale: also the scale targets (bench/scale.ts), which take minutes.
 * --profile: the bridge and the SMSC simulator peer run with --cpu-prof (profiles in bench/out/profiles).
 * --only accept,alone,latency,e2e,e2e-smpp: a subset of the basic figures (for profiling one);
 *   e2e-smpp is end to end once more over the SMPP peer (skipped when --peer smpp made e2e that already).
 * --parts history,queued: a subset of the scale figures.
 * --node-args=A,B: extra node options for the bridge process (e.g. V8 heap flags to try).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acceptance, acceptanceOnly, endToEnd, floorAcceptance, latency, type BenchContext, type EndToEnd } from './cases.js';
import { sourceFile } from './mail.js';
import { startPeer, type PeerKind } from './peer.js';
import { startPostfix } from './postfix.js';
import { table, writeResults, type Row, type RunInfo } from './report.js';
import { scale } from './scale.js';
import { explanations, type RunFigures } from './explanations.js';
import { stages } from './stages.js';
import { stallRow } from './stalls.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const POSTFIX_PORT = 26025;
/** Every basic figure: what a run without --only measures, and what RESULTS.md needs. */
const ALL_BASIC = 'accept,alone,latency,e2e,e2e-smpp';

/** The commit the run measures, and whether the working tree differed from it (then the figures are not that commit's). */
function codeMeasured(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: HERE }).toString().trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '../src', '../templates', '../package-lock.json') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function busyCores(ms: number): Promise<number> {
  const read = async () => (await readFile('/proc/stat', 'utf8')).split('\n')[0].split(/\s+/).slice(1).map(Number);
  const a = await read();
  await new Promise((r) => setTimeout(r, ms));
  const b = await read();
  const d = b.map((x, i) => x - a[i]);
  const total = d.reduce((s, x) => s + x, 0);
  const idle = d[3] + d[4];
  return ((total - idle) / total) * cpus().length;
}

/** The acceptance, latency and end-to-end figures as table rows (the JSON goes into `result`). */
async function basic(ctx: BenchContext, only: Set<string>, result: Record<string, unknown>): Promise<Row[]> {
  const n = (full: number, q: number) => (ctx.quick ? q : full);
  const rate = (x: number) => `${x.toFixed(0)} msg/s`;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const rows: Row[] = [];
  const peaks: number[] = [];
  if (only.has('accept')) {
    ctx.say('acceptance with smtp-source (msg/s):');
    const kept = await acceptance(ctx, { sessions: 20, keep: true, messages: n(8000, 2000) });
    const new20 = await acceptance(ctx, { sessions: 20, keep: false, messages: n(2000, 600) });
    const new100 = await acceptance(ctx, { sessions: 100, keep: false, messages: n(5000, 1500) });
    ctx.say('the issue\'s calibration pipeline alone (bench/floor-server.ts), same load as kept:');
    const floor = await floorAcceptance(ctx, { sessions: 20, keep: true, messages: n(8000, 2000) });
    Object.assign(result, { kept, new20, new100, floor });
    peaks.push(kept.peakMb, new20.peakMb, new100.peakMb);
    const pf = (x?: number) => (x ? rate(x) : undefined);
    rows.push(
      { what: 'accepted, kept connections (smtp-source -d -s 20)', bridge: rate(kept.bridge), postfix: pf(kept.postfix), ratio: kept.ratio, target: '≥ 1.5 ×', met: kept.ratio !== undefined ? kept.ratio >= 1.5 : undefined },
      { what: 'accepted, new connection per mail (-s 20)', bridge: rate(new20.bridge), postfix: pf(new20.postfix), ratio: new20.ratio },
      { what: 'accepted, new connection per mail (-s 100)', bridge: rate(new100.bridge), postfix: pf(new100.postfix), ratio: new100.ratio, target: '≥ 1 ×', met: new100.ratio !== undefined ? new100.ratio >= 1 : undefined },
    );
    // Why the rates differ: CPU each side spends per mail (all processes and threads; the bridge's includes sending and confirming).
    const cpuRow = (what: string, x: typeof kept) => ({
      what, bridge: `${x.cpuPerMail.bridge.toFixed(2)} ms`, postfix: x.cpuPerMail.postfix !== undefined ? `${x.cpuPerMail.postfix.toFixed(2)} ms` : undefined,
      ratio: x.cpuPerMail.postfix ? x.cpuPerMail.bridge / x.cpuPerMail.postfix : undefined,
    });
    rows.push(
      cpuRow('CPU per accepted mail in the kept-connections run (every process and thread of the server; the bridge also sends and confirms meanwhile)', kept),
      cpuRow('CPU per accepted mail, new connection per mail (-s 100), same', new100),
      // Not the product: what acceptance costs at its least here, so the gap to Postfix can be split (explanations.ts).
      { what: 'calibration pipeline alone, kept connections (-d -s 20): smtp-server + mailparser + fdatasynced JSON-lines append, nothing else (bench/floor-server.ts); not the product', bridge: rate(floor.bridge), postfix: pf(floor.postfix), ratio: floor.ratio },
      { ...cpuRow('CPU per accepted mail, calibration pipeline alone, same', floor) },
    );
  }
  if (only.has('alone')) {
    ctx.say('acceptance alone (bench/loadgen.ts, every mail scheduled for tomorrow):');
    const alone = await acceptanceOnly(ctx, n(8000, 2000));
    result.acceptanceAlone = alone;
    rows.push({ what: 'accepted, kept connections, nothing to send yet (loadgen -s 20, scheduled for tomorrow)', bridge: rate(alone.bridge), postfix: alone.postfix ? rate(alone.postfix) : undefined, ratio: alone.ratio });
  }
  if (only.has('latency')) {
    ctx.say('accept latency (bench/loadgen.ts, 20 kept sessions, open loop):');
    const lat = await latency(ctx, ctx.quick ? 4 : 10);
    result.latency = lat;
    rows.push(
      { what: `accept latency p50 at ${lat.offeredRate.toFixed(0)} msg/s (half of max ${lat.maxRate.toFixed(0)})`, bridge: ms(lat.bridge.p50), postfix: lat.postfix ? ms(lat.postfix.p50) : undefined, ratio: lat.postfix && lat.bridge.p50 / lat.postfix.p50 },
      { what: 'accept latency p99, same run', bridge: ms(lat.bridge.p99), postfix: lat.postfix ? ms(lat.postfix.p99) : undefined, ratio: lat.postfix && lat.bridge.p99 / lat.postfix.p99, target: '< 50 ms', met: lat.bridge.p99 < 50 },
      stallRow(lat.stalls),
    );
  }
  const sms = (e: EndToEnd) => `${e.smsPerSecond.toFixed(0)} SMS/s`;
  let e2e: EndToEnd | undefined;
  if (only.has('e2e')) {
    ctx.say('end to end (bench/loadgen.ts):');
    e2e = await endToEnd(ctx, n(10000, 2000));
    result.endToEnd = e2e;
    peaks.push(e2e.peakMb);
    const over = ctx.peer.kind === 'smpp' ? 'SMPP (SMSC simulator in its own process)' : 'simulator';
    rows.push({ what: `end to end: mail in → ${over} → report → confirmation written`, bridge: sms(e2e), target: '≥ 1000 SMS/s', met: e2e.smsPerSecond >= 1000 });
  }
  if (only.has('e2e-smpp') && ctx.peer.kind !== 'smpp') {
    ctx.say('end to end over SMPP (bench/peer.ts):');
    const peer = await startPeer('smpp', ctx.profileArgs);
    const smpp = await endToEnd(ctx, n(10000, 2000), peer).finally(() => peer.stop());
    result.endToEndSmpp = smpp;
    peaks.push(smpp.peakMb);
    rows.push({
      what: 'end to end over SMPP: mail in → SMPP connector → SMSC simulator (own process) → receipt → confirmation written; ratio: to the simulator row above',
      bridge: sms(smpp), ratio: e2e && smpp.smsPerSecond / e2e.smsPerSecond, target: '≥ 1000 SMS/s', met: smpp.smsPerSecond >= 1000,
    });
  }
  if (peaks.length) rows.push({ what: 'peak RSS of the bridge (acceptance and end-to-end runs)', bridge: `${Math.max(...peaks)} MB` });
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scale: { type: 'boolean', default: false },
      'scale-only': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      peer: { type: 'string', default: 'simulator' },
      profile: { type: 'boolean', default: false },
      only: { type: 'string', default: ALL_BASIC },
      parts: { type: 'string', default: 'history,queued' },
      'node-args': { type: 'string', default: '' },
    },
  });
  const quick = values.quick!;
  const t0 = Date.now();
  const out = join(HERE, 'out');
  await mkdir(out, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'mail2sms-bench-'));
  const info: RunInfo = {
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    startedAt: new Date().toISOString(), seconds: 0, node: process.version,
    postfix: execFileSync('postconf', ['-d', '-h', 'mail_version']).toString().trim(), code: codeMeasured(),
    cpus: cpus().length, loadBefore: loadavg(), loadAfter: [], busyBeforeCores: await busyCores(3000), notes: [],
  };
  const say = (m: string) => console.log(m);
  say(`mail2sms bench (${quick ? 'quick' : 'full'}); work dir ${work}; machine busy ${info.busyBeforeCores!.toFixed(2)} of ${info.cpus} cores before start`);
  // Where the CPU goes, stage by stage, on the same machine in the same run (bench/stages.ts). First,
  // before the cases, and its files stay until the end like theirs: at the end it came right after
  // the run deleted its tens of thousands of files, and on this machine's ext4 (no journal) creating
  // files then costs several times what it costs otherwise (the outbox stage: 0.77 against ~0.15 ms
  // of system time per file); deleting its own files before the cases taxed them the same way.
  const perStage = await stages(quick ? 1000 : 3000, work);
  const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(out, 'profiles')}`] : [];
  const peer = await startPeer(values.peer as PeerKind, profileArgs);
  const postfix = await startPostfix(POSTFIX_PORT, 'sms.localhost');
  const ctx: BenchContext = {
    quick, rounds: Number(values.rounds ?? (quick ? 1 : 3)), work, sourceFile: join(work, 'mail.txt'), peer, postfix, profileArgs,
    nodeArgs: [...profileArgs, ...values['node-args']!.split(/[ ,]+/).filter(Boolean)], say,
  };
  await writeFile(ctx.sourceFile, sourceFile());
  const rows: Row[] = [];
  const result: Record<string, unknown> = { info, stages: perStage };
  try {
    if (!values['scale-only']) {
      const n = (full: number, q: number) => (quick ? q : full);
      const only = new Set(values.only!.split(','));
      rows.push(...(await basic(ctx, only, result)));
    }
    if (values.scale || values['scale-only']) {
      say('scale targets:');
      const s = await scale(ctx, new Set(values.parts!.split(',')));
      result.scale = s.figures;
      rows.push(...s.rows);
      info.notes.push(...s.notes);
    }
  } finally {
    await postfix.stop();
    await peer.stop();
    await rm(work, { recursive: true, force: true });
  }
  info.seconds = (Date.now() - t0) / 1000;
  info.loadAfter = loadavg();
  if (values.peer !== 'simulator') info.notes.push(`SMS peer: ${values.peer}`);
  const stamp = info.startedAt.replace(/[:.]/g, '-');
  await writeFile(join(out, `result-${stamp}.json`), JSON.stringify({ ...result, rows }, null, 2));
  await writeFile(join(out, 'latest.json'), JSON.stringify({ ...result, rows }, null, 2));
  console.log('\n' + table(rows));
  // A profiled run is slowed by the profiler, a quick one measures too few mails, and a partial one is not the whole table: none goes into RESULTS.md.
  const complete = !values.profile && !values['node-args'] && !quick && !values['scale-only'] && values.parts === 'history,queued' && values.only === ALL_BASIC;
  if (complete) await writeResults(join(HERE, 'RESULTS.md'), info, rows, perStage, explanations(result as unknown as RunFigures));
  console.log(`\nwritten: bench/out/result-${stamp}.json${complete ? ', bench/RESULTS.md' : ''}${values.profile ? ', profiles in bench/out/profiles' : ''}`);
}

main().catch((e: Error) => {
  console.error(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
