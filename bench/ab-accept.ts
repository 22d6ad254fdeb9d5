/**
 * A/B of the accept path's CPU per mail, for judging one change without a full
 * bench run: `node --import tsx bench/ab-accept.ts [--rounds 3] [--mails 4000]
 * [--profile DIR] [--strace DIR] A/dist/src/main.js B/dist/src/main.js ... [floor]`.
 * Each round starts every build in turn (the order rotates from round to round,
 * so a change in the machine's load favours none) on a fresh store with the
 * bench's bulk limits, sends 300 mails to warm it up, then `--mails` over 20
 * kept sessions, each scheduled for tomorrow (the "nothing to send yet" row:
 * accepted, stored and confirmed, nothing sent), and reads the CPU time of the
 * process tree around the measured mails. `floor` is bench/floor-server.ts.
 * CPU per mail, not msg/s, is the figure: other work on the machine moves
 * wall time far more than CPU time. The main thread's share (the event loop,
 * where SMTP is answered) is given apart. --profile: CPU profiles of each run
 * (bench/profile-window.ts reads them over the measured mails only); --strace:
 * system call counts over the measured mails (`strace -c`). Writes nothing else
 * outside its temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBridge, treeCpuMs } from './bridge.js';
import { BULK_LIMITS, uniqueMails } from './cases.js';
import { runClosed } from './loadgen.js';

const FLOOR = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

interface Server { port: number; pid: number; stop(): Promise<unknown> }

async function startFloor(dir: string, nodeArgs: string[]): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', FLOOR, join(dir, 'journal.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(JSON.parse(d.toString()).port)));
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  return { port, pid: child.pid!, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** CPU time (user + system, ms) of each thread of a process, by thread id, with its name. */
async function threadCpu(pid: number): Promise<Map<string, { name: string; ms: number; sys: number }>> {
  const out = new Map<string, { name: string; ms: number; sys: number }>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime in ticks of 10 ms (USER_HZ 100, as in bridge.ts).
    out.set(tid, { name: tid === String(pid) ? 'main' : name, ms: (Number(f[11]) + Number(f[12])) * 10, sys: Number(f[12]) * 10 });
  }
  return out;
}

async function startOne(target: string, dir: string, nodeArgs: string[]): Promise<Server> {
  if (target === 'floor') return startFloor(dir, nodeArgs);
  const run = await startBridge(dir, {
    smtp: { port: 0, maxConnectionsPerIp: 1000 }, api: { port: 0 }, store: { dir: join(dir, 'data') },
    connectors: [{ name: 'simulator', type: 'simulator' }], log: { level: 'info' }, limits: BULK_LIMITS,
  }, nodeArgs, target);
  return { port: run.port, pid: run.pid, stop: () => run.stop() };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' }, mails: { type: 'string', default: '4000' }, profile: { type: 'string' }, strace: { type: 'string' } },
});
const rounds = Number(values.rounds);
const mails = Number(values.mails);
if (!positionals.length) throw new Error('usage: ab-accept.ts [--rounds N] [--mails N] [--profile DIR] [--strace DIR] main.js|floor ...');
const work = await mkdtemp(join(tmpdir(), 'ab-accept-'));
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cpu = new Map<string, number[]>(positionals.map((t) => [t, []]));
/** The main thread's share: the event loop, where SMTP is answered (the rest: confirmation thread, GC helpers, file system calls on the pool). */
const mainCpu = new Map<string, number[]>(positionals.map((t) => [t, []]));
try {
  for (let r = 0; r < rounds; r++) {
    const order = positionals.map((_, i) => positionals[(i + r) % positionals.length]);
    for (const [i, target] of order.entries()) {
      const dir = await mkdtemp(join(work, `r${r}-`));
      // One folder per run: a process with worker threads (tsx's loader, the confirmation thread) writes one profile per thread.
      const profDir = values.profile ? join(values.profile, `r${r}-${positionals.indexOf(target)}`) : '';
      if (profDir) await mkdir(profDir, { recursive: true });
      const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
      const s = await startOne(target, dir, nodeArgs);
      try {
        const spec = (tag: string) => uniqueMails(`ab-${r}-${i}-${tag}`, () => [`X-SMS-Send-At: ${tomorrow}`]);
        await runClosed(s.port, 20, 300, spec('warm'));
        const before = await treeCpuMs(s.pid);
        const threadsBefore = await threadCpu(s.pid);
        // Monotonic clock, the one V8 stamps profile samples with: the measured mails' window in a profile.
        const from = process.hrtime.bigint() / 1000n;
        const tracer = values.strace ? spawn('strace', ['-c', '-f', '-p', String(s.pid), '-o', join(values.strace, `r${r}-${positionals.indexOf(target)}.strace`)], { stdio: 'ignore' }) : undefined;
        if (tracer) await new Promise((done) => setTimeout(done, 1000)); // attached before the first mail
        const res = await runClosed(s.port, 20, mails, spec('run'));
        if (tracer) {
          tracer.kill('SIGINT');
          await new Promise((done) => tracer.once('exit', done));
        }
        const to = process.hrtime.bigint() / 1000n;
        const perMail = ((await treeCpuMs(s.pid)) - before) / mails;
        if (profDir) await writeFile(join(profDir, 'window.json'), JSON.stringify({ fromUs: Number(from), toUs: Number(to), mails }));
        if (res.refused) throw new Error(`${target} refused ${res.refused}: ${res.errors.join(' | ')}`);
        cpu.get(target)!.push(perMail);
        const threadsAfter = await threadCpu(s.pid);
        const used = [...threadsAfter].map(([tid, t]) => ({ tid, name: t.name, ms: (t.ms - (threadsBefore.get(tid)?.ms ?? 0)) / mails, sys: (t.sys - (threadsBefore.get(tid)?.sys ?? 0)) / mails }));
        mainCpu.get(target)!.push(used.find((t) => t.name === 'main')?.ms ?? NaN);
        console.log(`  threads, ms per mail (of it system): ${used.filter((t) => t.ms > 0.005).sort((a, b) => b.ms - a.ms).map((t) => `${t.name}/${t.tid} ${t.ms.toFixed(3)} (${t.sys.toFixed(3)})`).join(', ')}`);
        console.log(`round ${r + 1} ${target}: ${perMail.toFixed(3)} ms CPU per mail, ${((res.sent * 1000) / res.elapsedMs).toFixed(0)} msg/s`);
      } finally {
        await s.stop();
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [what, m] of [['process', cpu], ['main thread', mainCpu]] as const) {
  for (const [t, xs] of m) console.log(`${what} ${t}: median ${median(xs).toFixed(3)} ms per mail, range ${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}`);
  const [a] = positionals;
  for (const b of positionals.slice(1)) {
    const ratios = m.get(a)!.map((x, i) => x / m.get(b)![i]);
    console.log(`${what} ${a} / ${b} per round: ${ratios.map((x) => x.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`);
  }
}
