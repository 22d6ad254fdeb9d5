import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bucketOf, bucketUpperMs } from '../../../src/api/history/aggregate.js';
import { daysFor, exportMessages, findMessage, searchMessages, type HistorySource } from '../../../src/api/history/search.js';
import { StatsIndex } from '../../../src/api/history/stats.js';
import { appendToArchive } from '../../../src/store/archive.js';
import { acceptedAtOfId, newMailId } from '../../../src/store/ids.js';
import type { SmsMessage, SmsStatus } from '../../../src/store/types.js';

/** The read model over a real archive folder: search, lookups and statistics without loading the history. */
const H = suite<{ dir: string; live: SmsMessage[]; src: HistorySource & { get(id: string): SmsMessage | undefined } }>('history read model');

H.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-history-'));
  ctx.live = [];
  ctx.src = { archiveDir: join(ctx.dir, 'archive'), liveMessages: () => ctx.live.values(), get: (id) => ctx.live.find((m) => m.id === id) };
});
H.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

let n = 0;
/** A message accepted at `at`, in status `status` reached `afterMs` later (submitted halfway). */
function msg(at: string, status: SmsStatus, o: { afterMs?: number; account?: string; to?: string; reference?: string; segments?: number } = {}): SmsMessage {
  const t = Date.parse(at);
  const mailId = newMailId(new Date(t), () => Buffer.from((++n).toString(16).padStart(10, '0'), 'hex'));
  const after = o.afterMs ?? 2000;
  const history = [{ status: 'accepted' as const, at }];
  if (status !== 'accepted') history.push({ status: 'submitted' as never, at: new Date(t + after / 2).toISOString(), connector: 'sim', connectorMessageId: `C${n}` } as never);
  if (status !== 'accepted' && status !== 'submitted') history.push({ status: status as never, at: new Date(t + after).toISOString(), connector: 'sim' } as never);
  return {
    id: `${mailId}.1`, mailId, account: o.account ?? 'acme', to: o.to ?? '+4915112345678', text: 'x', encoding: 'GSM7', segments: o.segments ?? 1,
    ...(o.reference ? { reference: o.reference } : {}),
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: 'x', receivedAt: at }, notify: 'none', status, history, attempts: 1, notBefore: at, confirmations: [],
  };
}

H('ids :: a mail id tells when it was accepted; foreign ids tell nothing', () => {
  const at = new Date('2026-11-23T10:00:00.123Z');
  assert.equal(acceptedAtOfId(`${newMailId(at, () => Buffer.alloc(5, 0xab))}.3`), at);
  assert.is(acceptedAtOfId('hello.1'), undefined);
});

H('days :: a time range reads the days it starts on up to lagDays after it ends; an id only its own days', () => {
  assert.equal(daysFor({ from: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' }, 3), { first: '2026-11-20', last: '2026-11-24' });
  const id = `${newMailId(new Date('2026-11-05T12:00:00Z'), () => Buffer.alloc(5))}.1`;
  assert.equal(daysFor({ id }, 3), { first: '2026-11-05', last: '2026-11-08' });
});

H('search :: archive and live together, newest first, paged; a message archived twice (crash in compaction) once', async ({ src, live }) => {
  const old = msg('2026-11-20T08:00:00Z', 'delivered', { reference: 'R' });
  const later = msg('2026-11-21T08:00:00Z', 'failed', { reference: 'R' });
  const other = msg('2026-11-21T09:00:00Z', 'delivered', { reference: 'S' });
  await appendToArchive(src.archiveDir, [old, later, other]);
  await appendToArchive(src.archiveDir, [later]); // the same batch again after a crash
  const queued = msg('2026-11-22T08:00:00Z', 'accepted', { reference: 'R' });
  live.push(queued);
  const all = await searchMessages(src, { reference: 'R' }, { limit: 10 }, 3);
  assert.equal(all.items.map((m) => m.id), [queued.id, later.id, old.id]);
  const p1 = await searchMessages(src, { reference: 'R' }, { limit: 2 }, 3);
  assert.equal(p1.items.map((m) => m.id), [queued.id, later.id]);
  const p2 = await searchMessages(src, { reference: 'R' }, { limit: 2, after: p1.next }, 3);
  assert.equal(p2.items.map((m) => m.id), [old.id]);
  assert.is(p2.next, undefined);
  const failed = await searchMessages(src, { status: ['failed'] }, { limit: 10 }, 3);
  assert.equal(failed.items.map((m) => m.id), [later.id]);
});

H('search :: a message accepted one day and final days later is found by its acceptance day', async ({ src }) => {
  const slow = msg('2026-11-20T23:00:00Z', 'delivered', { afterMs: 2 * 86_400_000, reference: 'SLOW' });
  await appendToArchive(src.archiveDir, [slow]);
  const r = await searchMessages(src, { from: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' }, { limit: 10 }, 3);
  assert.equal(r.items.map((m) => m.id), [slow.id]);
  assert.is((await findMessage(src, slow.id, 3))?.status, 'delivered');
});

H('search :: a line being written (no newline yet) or torn is skipped, the rest is read', async ({ src }) => {
  const a = msg('2026-11-20T08:00:00Z', 'delivered', { reference: 'T' });
  await appendToArchive(src.archiveDir, [a]);
  await appendFile(join(src.archiveDir, '2026-11-20.jsonl'), '{"id":"torn","reference":"T"');
  assert.equal((await searchMessages(src, { reference: 'T' }, { limit: 10 }, 3)).items.map((m) => m.id), [a.id]);
});

H('export :: every match once, the archive by day then the live ones; a live message also archived (compaction running) once', async ({ src, live }) => {
  const a = msg('2026-11-20T08:00:00Z', 'delivered');
  const b = msg('2026-11-21T08:00:00Z', 'delivered');
  await appendToArchive(src.archiveDir, [b, a]);
  live.push(b, msg('2026-11-22T08:00:00Z', 'submitted'));
  const ids: string[] = [];
  for await (const m of exportMessages(src, {}, 3)) ids.push(m.id);
  assert.equal(ids, [a.id, b.id, live[1].id]);
});

H('stats :: per local day, status, account, connector, country; rate of the final ones; p50/p95 within 10 %', async ({ src, live, dir }) => {
  await appendToArchive(src.archiveDir, [
    msg('2026-11-20T10:00:00Z', 'delivered', { afterMs: 1000, segments: 2 }),
    msg('2026-11-20T11:00:00Z', 'delivered', { afterMs: 3000 }),
    msg('2026-11-20T12:00:00Z', 'failed', { account: 'other', to: '+436641234567' }),
    msg('2026-11-20T23:30:00Z', 'delivered', { afterMs: 60_000 }), // 00:30 on the 21st in Berlin
  ]);
  live.push(msg('2026-11-21T09:00:00Z', 'submitted'));
  const idx = new StatsIndex({ source: src, cacheFile: join(dir, 'stats-cache.json'), timeZone: 'Europe/Berlin', lagDays: 3 });
  const s = await idx.stats({ from: '2026-11-20', to: '2026-11-21' });
  assert.equal(s.byDay.map((d) => [d.day, d.messages, d.segments, d.delivered, d.failed, d.pending]), [['2026-11-20', 3, 4, 2, 1, 0], ['2026-11-21', 2, 2, 1, 0, 1]]);
  assert.is(s.totals.deliveryRate, 3 / 4);
  assert.equal(s.byCountry.map((c) => [c.country, c.messages]), [['DE', 4], ['AT', 1]]);
  assert.equal(s.byAccount.map((c) => [c.account, c.messages]), [['acme', 4], ['other', 1]]);
  assert.ok(s.latency.p50Ms! >= 3000 && s.latency.p50Ms! <= 3300, String(s.latency.p50Ms));
  assert.ok(s.latency.p95Ms! >= 60_000 && s.latency.p95Ms! <= 66_000, String(s.latency.p95Ms));
  const acme = await idx.stats({ from: '2026-11-20', to: '2026-11-21', account: 'other' });
  assert.is(acme.totals.messages, 1);
});

H('stats :: a day file is summed once and kept in the cache file; when it grows only it is summed again', async ({ src, dir }) => {
  await appendToArchive(src.archiveDir, [msg('2026-11-20T10:00:00Z', 'delivered')]);
  const cacheFile = join(dir, 'stats-cache.json');
  const first = new StatsIndex({ source: src, cacheFile, timeZone: 'UTC', lagDays: 3 });
  assert.is((await first.stats({ from: '2026-11-20', to: '2026-11-20' })).totals.messages, 1);
  const cached = JSON.parse(await readFile(cacheFile, 'utf8'));
  assert.is(cached.zones.UTC['2026-11-20.jsonl'].size, (await stat(join(src.archiveDir, '2026-11-20.jsonl'))).size);
  // A new index (a restart) trusts the cache: sums that only the cache has prove the file was not read again.
  cached.zones.UTC['2026-11-20.jsonl'].aggs = Object.fromEntries(Object.entries(cached.zones.UTC['2026-11-20.jsonl'].aggs).map(([k, a]) => [k, { ...(a as object), messages: 7 }]));
  await import('node:fs/promises').then((fs) => fs.writeFile(cacheFile, JSON.stringify(cached)));
  const second = new StatsIndex({ source: src, cacheFile, timeZone: 'UTC', lagDays: 3 });
  assert.is((await second.stats({ from: '2026-11-20', to: '2026-11-20' })).totals.messages, 7);
  await appendToArchive(src.archiveDir, [msg('2026-11-20T11:00:00Z', 'delivered')]);
  assert.is((await second.stats({ from: '2026-11-20', to: '2026-11-20' })).totals.messages, 2, 'the grown file is summed from the archive again');
});

H('stats :: a query names its zone: days are that zone\'s local days, each zone summed and cached on its own', async ({ src, dir }) => {
  await appendToArchive(src.archiveDir, [msg('2026-11-20T10:00:00Z', 'delivered'), msg('2026-11-20T23:30:00Z', 'delivered')]); // 00:30 on the 21st in Berlin
  const cacheFile = join(dir, 'stats-cache.json');
  const idx = new StatsIndex({ source: src, cacheFile, timeZone: 'Europe/Berlin', lagDays: 3 });
  const days = async (timeZone?: string) => (await idx.stats({ from: '2026-11-20', to: '2026-11-21', timeZone })).byDay.map((d) => [d.day, d.messages]);
  assert.equal(await days(), [['2026-11-20', 1], ['2026-11-21', 1]]);
  assert.equal(await days('UTC'), [['2026-11-20', 2], ['2026-11-21', 0]]);
  assert.equal(await days('America/New_York'), [['2026-11-20', 2], ['2026-11-21', 0]]);
  assert.equal(await days(), [['2026-11-20', 1], ['2026-11-21', 1]], 'another zone\'s query changed nothing of the first');
  assert.equal(Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')).zones).sort(), ['America/New_York', 'Europe/Berlin', 'UTC']);
});

H('latency buckets :: the upper bound is never below the value and at most 10 % above', () => {
  for (const ms of [1, 100, 101, 999, 1500, 60_000, 3_600_000, 86_400_000]) {
    const up = bucketUpperMs(bucketOf(ms));
    assert.ok(up >= ms - 1 && (ms <= 100 || up <= ms * 1.1 + 1), `${ms} → ${up}`);
  }
});

H.run();
