import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { listArchive } from '../../src/store/archive.js';
import type { JournalStore } from '../../src/store/journal-store.js';
import type { SmsMessage } from '../../src/store/types.js';
import { at, awaitingReport, HOURS_72, json, openStore, sms } from '../helpers/store.js';

/**
 * A month-end run's SMS failed as not confirmed wait out their 72 h report
 * windows out of memory (memory.ts coolable), and the windows end together.
 * The compaction archives them in batches (compaction.ts ARCHIVE_BATCH),
 * reading each batch back only when it comes up: it never holds more than a
 * batch of them whole, and archives every one of them, once, in one pass.
 */
const S = suite<{ dir: string }>('store compaction :: archives in batches');
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'compaction-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const BATCH = 3;

async function archivedIds(s: JournalStore): Promise<string[]> {
  const days = await listArchive(s.archiveDir);
  const text = (await Promise.all(days.map((d) => readFile(d.file, 'utf8')))).join('');
  return text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as SmsMessage).id);
}

/** Runs a compaction and the largest number of SMS the store held whole in memory meanwhile, at each turn of the event loop. */
async function compactWatching(s: JournalStore): Promise<number> {
  let peak = s.hotCount;
  let done = false;
  const look = () => {
    peak = Math.max(peak, s.hotCount);
    if (!done) setImmediate(look);
  };
  look();
  await s.compact();
  done = true;
  return peak;
}

S('windows ended out of memory, more than a batch :: one compaction archives each once, holding at most a batch read back; the rest unchanged, after a restart too', async ({ dir }) => {
  const clock = { now: new Date(at(5)) };
  const log: string[] = [];
  let s = await openStore(dir, clock, (evt, d) => log.push(`${evt} ${JSON.stringify(d)}`), { archiveBatch: BATCH });
  const ids = Array.from({ length: 10 }, (_, i) => `U${i}.1`);
  await awaitingReport(s, ids);
  await s.accept({ messages: [sms('A.1'), sms('Q.1', { notBefore: at(HOURS_72 * 2) })], dedupKeys: [undefined, undefined] });
  await s.settled();
  assert.equal([s.spooled, s.hotCount], [11, 1], 'the ten and Q.1 out of memory, A.1 (due) in it');
  // Listed, not got: a get would read Q.1 back into memory for a while.
  const others = json([...s.liveMessages()].filter((m) => !ids.includes(m.id)));

  clock.now = new Date(at(2 + HOURS_72 + 1));
  const peak = await compactWatching(s);
  assert.is(peak, 1 + BATCH, 'A.1 and one batch read back at a time');
  const archived = await archivedIds(s);
  assert.equal([...archived].sort(), [...ids].sort(), 'each once');
  assert.ok(log.includes('store-compacted {"archived":10,"live":2}'), log.join('\n'));
  assert.equal(json([...s.liveMessages()]), others, 'the others as they were');
  assert.equal([s.counts().failed, s.counts().accepted], [0, 2]);

  await s.close();
  s = await openStore(dir, clock, undefined, { archiveBatch: BATCH });
  await s.compact();
  assert.equal([...s.liveMessages()].map((m) => m.id).sort(), ['A.1', 'Q.1'], 'none back after a restart');
  assert.equal(await archivedIds(s), archived, 'none archived again');
  await s.close();
});

S('finished SMS in memory, more than a batch :: archived each once in the same compaction, in batches', async ({ dir }) => {
  const clock = { now: new Date(at(5)) };
  const s = await openStore(dir, clock, undefined, { archiveBatch: BATCH });
  const ids = Array.from({ length: 7 }, (_, i) => `D${i}.1`);
  await s.accept({ messages: [...ids.map((id) => sms(id)), sms('A.1')], dedupKeys: [...ids.map(() => undefined), undefined] });
  for (const id of ids) await s.transition(id, { event: { status: 'delivered', at: at(4), connector: 'sim' } });
  await s.compact();
  assert.equal((await archivedIds(s)).sort(), ids.sort());
  assert.equal([...s.liveMessages()].map((m) => m.id), ['A.1']);
  await s.close();
});

S.run();
