/**
 * The scale targets, measured on the real process:
 * - acceptance with a long history (bench/history.ts) against an empty store,
 *   alternating, same load (20 kept sessions, unique Message-IDs);
 * - memory with many SMS queued (scheduled for tomorrow, accepted over SMTP);
 * - a restart with that many queued and due: time until the first submit.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freshBridge, paired, uniqueMails, type BenchContext, type Paired } from './cases.js';
import { compactStore, growHistory } from './history.js';
import { runClosed } from './loadgen.js';
import type { Row } from './report.js';

const WINDOW_HOURS = 72; // the default store.duplicateWindowHours

export interface ScaleFigures {
  history: Paired & { archived: number; dedupKeys: number; startSeconds: number; peakMb: number };
  queued: { count: number; acceptPerSecond: number; rssMb: number; peakMb: number };
  restart: { count: number; startedSeconds: number; firstSubmitSeconds: number; rssMb: number };
}

export async function scale(ctx: BenchContext, parts = new Set(['history', 'queued'])): Promise<{ figures: Partial<ScaleFigures>; rows: Row[]; notes: string[] }> {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const days = 30;
  const queuedCount = ctx.quick ? 10_000 : 100_000;
  const rows: Row[] = [];
  const notes: string[] = [];
  const figures: Partial<ScaleFigures> = {};
  if (parts.has('history')) {
    const history = (figures.history = await withHistory(ctx, total, days));
    rows.push({ what: `accepted msg/s with ${total.toLocaleString('en')} in the history vs empty store (20 kept sessions)`, bridge: `${history.bridge.toFixed(0)} vs ${history.postfix!.toFixed(0)} msg/s`, ratio: history.ratio, target: '≥ 0.9 ×', met: history.ratio! >= 0.9 });
    notes.push(`History: ${total.toLocaleString('en')} finished messages over ${days} days (bench/history.ts: copies of a real seed run's archive, ` +
      `${history.dedupKeys.toLocaleString('en')} duplicate-detection keys inside the ${WINDOW_HOURS} h window); the bridge opened it in ${history.startSeconds.toFixed(1)} s. ` +
      'In the history row the "Postfix" column holds the empty-store figure of the same run.');
  }
  if (parts.has('queued')) {
    const { queued, restart } = await queuedAndRestart(ctx, queuedCount);
    Object.assign(figures, { queued, restart });
    rows.push(
      { what: `RSS with ${queuedCount.toLocaleString('en')} SMS queued (scheduled for tomorrow), settled / peak`, bridge: `${queued.rssMb} MB / ${queued.peakMb} MB`, target: '< 300 MB', met: queued.rssMb < 300 },
      { what: `restart with ${queuedCount.toLocaleString('en')} queued: first SMS handed over after`, bridge: `${restart.firstSubmitSeconds.toFixed(2)} s (listening after ${restart.startedSeconds.toFixed(2)} s)`, target: '< 3 s', met: restart.firstSubmitSeconds < 3 },
    );
    notes.push(`Queued: ${queuedCount.toLocaleString('en')} mails accepted over SMTP with X-SMS-Send-At tomorrow at ${queued.acceptPerSecond.toFixed(0)} msg/s; ` +
      `RSS read ${SETTLE_S} s after the last one (settled) and at its highest (peak, VmHWM). For the restart their send time in the store's journal and snapshot ` +
      'was moved to the past (the only edit), so all of them are due when the bridge comes back.');
  }
  return { figures, rows, notes };
}

/** Seconds between the last queued mail and reading memory: V8's memory reducer starts after 8 s of quiet. */
const SETTLE_S = 15;

/** Seeds a store over SMTP, grows its history, and compares acceptance against an empty store in alternating rounds. */
async function withHistory(ctx: BenchContext, total: number, days: number): Promise<ScaleFigures['history']> {
  const seedDir = await mkdtemp(join(ctx.work, 'seed-'));
  const seed = await freshBridge(ctx, { dir: seedDir });
  const seedMails = 2000;
  await runClosed(seed.run.port, 20, seedMails, uniqueMails('seed'));
  await seed.run.waitFor('confirmation-sent', seedMails, 300_000);
  await seed.done();
  await compactStore(join(seedDir, 'data'));
  ctx.say(`  growing the history to ${total.toLocaleString('en')} messages...`);
  const grown = await growHistory(join(seedDir, 'data'), { total, days, duplicateWindowHours: WINDOW_HOURS, now: Date.now() });
  const rounds: Array<{ bridge: number; postfix: number }> = [];
  let startSeconds = 0;
  let peakMb = 0;
  const n = ctx.quick ? 2000 : 6000;
  for (let r = 0; r < ctx.rounds; r++) {
    // A copy per round, so every round starts from the same big store.
    const bigDir = await mkdtemp(join(ctx.work, 'big-'));
    await cp(seedDir, bigDir, { recursive: true });
    const rate = async (b: Awaited<ReturnType<typeof freshBridge>>, tag: string) => {
      await runClosed(b.run.port, 20, 300, uniqueMails(`warm-${tag}-${r}`));
      const res = await runClosed(b.run.port, 20, n, uniqueMails(`${tag}-${r}`));
      if (res.refused) throw new Error(`refused: ${res.errors.join(' | ')}`);
      return (res.sent * 1000) / res.elapsedMs;
    };
    const withHistory = async () => {
      const big = await freshBridge(ctx, { dir: bigDir });
      try {
        startSeconds = (big.run.startedAt - big.run.spawnedAt) / 1000;
        const r = await rate(big, 'big');
        peakMb = Math.max(peakMb, (await big.run.memory()).peakMb);
        return r;
      } finally {
        await big.done();
        await rm(bigDir, { recursive: true, force: true });
      }
    };
    const emptyStore = async () => {
      const empty = await freshBridge(ctx);
      try {
        return await rate(empty, 'empty');
      } finally {
        await empty.done();
      }
    };
    // Alternate which goes first, so a change in the machine's load does not favour one side.
    if (r % 2 === 0) {
      const big = await withHistory();
      rounds.push({ bridge: big, postfix: await emptyStore() });
    } else {
      const empty = await emptyStore();
      rounds.push({ bridge: await withHistory(), postfix: empty });
    }
    ctx.say(`  history round ${r + 1}: ${rounds[r].bridge.toFixed(0)} msg/s with history, ${rounds[r].postfix.toFixed(0)} msg/s empty`);
  }
  await rm(seedDir, { recursive: true, force: true });
  return { ...paired(rounds), ...grown, startSeconds, peakMb };
}

async function queuedAndRestart(ctx: BenchContext, count: number): Promise<Pick<ScaleFigures, 'queued' | 'restart'>> {
  const dir = await mkdtemp(join(ctx.work, 'queued-'));
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const b = await freshBridge(ctx, { dir });
  let queued: ScaleFigures['queued'];
  try {
    const res = await runClosed(b.run.port, 20, count, uniqueMails('queued', () => [`X-SMS-Send-At: ${tomorrow}`]));
    if (res.sent !== count) throw new Error(`queued: ${res.sent} of ${count} accepted: ${res.errors.join(' | ')}`);
    await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
    const mem = await b.run.memory();
    queued = { count, acceptPerSecond: (count * 1000) / res.elapsedMs, ...mem };
    ctx.say(`  ${count} queued: RSS ${mem.rssMb} MB, peak ${mem.peakMb} MB`);
  } finally {
    await b.done();
  }
  const moved = await moveSendTime(join(dir, 'data'), tomorrow, new Date(Date.now() - 60_000).toISOString());
  if (moved < count) throw new Error(`moved the send time of only ${moved} of ${count} queued messages`);
  const again = await freshBridge(ctx, { dir });
  try {
    await again.run.waitFor('sms-submitted', 1, 120_000);
    const first = (await again.run.firstAt('sms-submitted'))!;
    const restart = {
      count, startedSeconds: (again.run.startedAt - again.run.spawnedAt) / 1000,
      firstSubmitSeconds: (first - again.run.spawnedAt) / 1000, rssMb: (await again.run.memory()).rssMb,
    };
    ctx.say(`  restart with ${count} due: listening after ${restart.startedSeconds.toFixed(2)} s, first submit after ${restart.firstSubmitSeconds.toFixed(2)} s`);
    return { queued, restart };
  } finally {
    await again.done();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rewrites one send time in the store's journal and snapshot; returns how many messages carried it. */
async function moveSendTime(dataDir: string, from: string, to: string): Promise<number> {
  const wanted = from.replace('Z', '.000Z'); // stored as toISOString()
  const files = [join(dataDir, 'state.json'), ...(await readdir(join(dataDir, 'journal'))).map((f) => join(dataDir, 'journal', f))];
  let count = 0;
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch(() => '');
    if (!text.includes(wanted)) continue;
    count += text.split(`"sendAt":"${wanted}"`).length - 1;
    await writeFile(f, text.split(wanted).join(to));
  }
  return count;
}
