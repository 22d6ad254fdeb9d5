/**
 * The portal's read model on a large history: `node --import tsx bench/read-model.ts [messages]`
 * (default 1,000,000). Writes an archive of that many finished messages over
 * 60 days into a temp folder, then measures, in the same run:
 *   - search by reference over the whole history: ours (substring test
 *     before JSON.parse) against the reference way (parse every line);
 *   - lookup by id (the id names its days) and a one-day search;
 *   - statistics cold (every day file summed) and warm (the cache);
 *   - the process's peak RSS, to show the history is never held in memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMessage, searchMessages, type HistorySource } from '../src/api/history/search.js';
import { StatsIndex } from '../src/api/history/stats.js';
import { appendToArchive, archiveLines, listArchive } from '../src/store/archive.js';
import { newMailId } from '../src/store/ids.js';
import type { SmsMessage } from '../src/store/types.js';

// `--write <dir> <n>`: only write the archive (run as a child, so the reading process starts with a fresh heap).
const writeOnly = process.argv[2] === '--write';
const N = Number(writeOnly ? process.argv[4] : process.argv[2] ?? 1_000_000);
const DAYS = 60;
const DAY = 86_400_000;

let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

async function timed<T>(what: string, fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  const ms = performance.now() - t;
  process.stdout.write(`${what.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms\n`);
  return [r, ms];
}

function message(i: number, start: number): SmsMessage {
  const at = start + Math.floor((i / N) * DAYS * DAY);
  const mailId = newMailId(new Date(at), () => Buffer.from(i.toString(16).padStart(10, '0'), 'hex'));
  const iso = (t: number) => new Date(t).toISOString();
  const status = i % 29 === 0 ? 'failed' : 'delivered';
  return {
    id: `${mailId}.1`, mailId, account: i % 3 ? 'acme' : 'acme-logistics', to: `+49151${String(10_000_000 + (i % 5_000_000)).padStart(8, '0')}`,
    text: 'Guten Tag, Ihre Rechnung ist seit dem 20.11. fällig. Bitte überweisen Sie den Betrag bis Freitag. ACME Buchhaltung', encoding: 'GSM7', segments: 1,
    reference: `INV-${i}`, mail: { envelopeFrom: 'erp@acme.test', rcptTo: 'x@sms.localhost', receivedAt: iso(at), messageId: `<${i}@erp.acme.test>`, subject: 'Zahlungserinnerung' },
    notify: 'final', status, attempts: 1, notBefore: iso(at), confirmations: [{ stage: status, attempts: 0, notBefore: iso(at + 5000), sentAt: iso(at + 5100), where: 'outbox' }],
    history: [
      { status: 'accepted', at: iso(at) }, { status: 'submitting', at: iso(at + 100) },
      { status: 'submitted', at: iso(at + 200), connector: 'smpp-a', connectorMessageId: i.toString(16) },
      { status, at: iso(at + 4000), connector: 'smpp-a' },
    ],
  };
}

const start = Date.parse('2026-09-01T00:00:00Z');
async function writeArchive(archiveDir: string): Promise<void> {
  for (let i = 0; i < N; i += 10_000) await appendToArchive(archiveDir, Array.from({ length: Math.min(10_000, N - i) }, (_, k) => message(i + k, start)));
}

if (writeOnly) {
  await writeArchive(join(process.argv[3], 'archive'));
  clearInterval(sample);
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'mail2sms-bench-read-'));
try {
  const src: HistorySource & { get(id: string): SmsMessage | undefined } = { archiveDir: join(dir, 'archive'), liveMessages: () => [][Symbol.iterator](), get: () => undefined };
  await timed(`write ${N} messages over ${DAYS} days (child process)`, async () => {
    execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--write', dir, String(N)], { stdio: 'inherit' });
  });
  peak = process.memoryUsage().rss;
  process.stdout.write(`RSS before reading: ${mb(peak)}\n`);
  const files = await listArchive(src.archiveDir);
  process.stdout.write(`archive: ${files.length} day files, ${mb(files.reduce((s, f) => s + f.size, 0))}\n`);
  const target = message(Math.floor(N * 0.37), start);
  const lag = 35;
  const [found, ours] = await timed('search reference, whole history (ours)', () => searchMessages(src, { reference: target.reference }, { limit: 50 }, lag));
  const [naive, ref] = await timed('search reference, whole history (parse every line)', async () => {
    const out: SmsMessage[] = [];
    for (const f of files) for await (const l of archiveLines(f.file)) { const m = JSON.parse(l) as SmsMessage; if (m.reference === target.reference) out.push(m); }
    return out;
  });
  if (found.items.length !== 1 || naive.length !== 1) throw new Error('search found the wrong messages');
  process.stdout.write(`  ratio parse-every-line / ours: ${(ref / ours).toFixed(1)}\n`);
  await timed('lookup by id (days named by the id)', async () => { if ((await findMessage(src, target.id, lag))?.id !== target.id) throw new Error('not found'); });
  await timed('newest 50 of one account, no other filter', () => searchMessages(src, { account: 'acme' }, { limit: 50 }, lag));
  const day = new Date(Date.parse(target.mail.receivedAt)).toISOString().slice(0, 10);
  await timed('one day, status failed', () => searchMessages(src, { status: ['failed'], from: `${day}T00:00:00.000Z`, until: `${day}T23:59:59.999Z` }, { limit: 500 }, lag));
  const idx = new StatsIndex({ source: src, cacheFile: join(dir, 'stats-cache.json'), timeZone: 'Europe/Berlin', lagDays: lag });
  const range = { from: '2026-09-01', to: '2026-10-31' }; // the last UTC evening is the 31st in Berlin
  const [cold] = await timed('statistics, 60 days, cold (every file summed)', () => idx.stats(range));
  await timed('statistics, 60 days, warm (cache)', () => idx.stats(range));
  const restarted = new StatsIndex({ source: src, cacheFile: join(dir, 'stats-cache.json'), timeZone: 'Europe/Berlin', lagDays: lag });
  await timed('statistics after a restart (cache file)', () => restarted.stats(range));
  if (cold.totals.messages !== N) throw new Error(`statistics counted ${cold.totals.messages}`);
  process.stdout.write(`peak RSS while reading: ${mb(peak)}\n`);
} finally {
  clearInterval(sample);
  await rm(dir, { recursive: true, force: true });
}
