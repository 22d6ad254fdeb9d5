import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { JournalStore } from '../../src/store/journal-store.js';
import type { SmsStatus } from '../../src/store/types.js';
import { at, awaitingReport, HOURS_72, openStore, sms } from '../helpers/store.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The gauge of SMS by status (api/metrics.ts) reads counts() at every scrape;
 * the counts are kept as records are applied (status-counts.ts) rather than
 * counted by walking every SMS then. Here they must equal what a walk of
 * every live SMS, in memory or out of it, gives, at every step of a real
 * store's life: accepting, changes, moving out of memory and back, a restart
 * from the journal and one from the snapshot, and archiving.
 */
const S = suite<{ dir: string }>('store status counts :: kept as records apply, equal to a walk of the live SMS');
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'counts-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

function walk(s: JournalStore): Record<SmsStatus, number> {
  const c: Record<SmsStatus, number> = { accepted: 0, submitting: 0, submitted: 0, delivered: 0, failed: 0, expired: 0, rejected: 0, cancelled: 0 };
  for (const m of s.liveMessages()) c[m.status]++;
  return c;
}

/** The counts equal the walk, and the walk has these (statuses not named: none). */
function same(s: JournalStore, expected: Partial<Record<SmsStatus, number>>, when: string): void {
  const walked = walk(s);
  assert.equal(s.counts(), walked, `${when}: counts() as the walk`);
  assert.equal(Object.fromEntries(Object.entries(walked).filter(([, n]) => n)), expected, `${when}: the walk`);
}

const tick = (s: JournalStore, id: string, status: SmsStatus) => s.transition(id, { event: { status, at: at(4), connector: 'sim' } });

/** Closes `s` and opens the store again; resolves once the start's compaction archived something (as each call here expects). */
async function reopenArchiving(s: JournalStore, dir: string, clock: { now: Date }): Promise<JournalStore> {
  await s.close();
  const log: string[] = [];
  const next = await openStore(dir, clock, (evt) => log.push(evt));
  await waitFor('the start\'s compaction', () => log.includes('store-compacted') || log.includes('store-compact-failed'));
  assert.not.ok(log.includes('store-compact-failed'));
  await next.settled();
  return next;
}

S('accept, changes, out of memory and back, restarts, archiving: the counts equal a walk at every step', async ({ dir }) => {
  const clock = { now: new Date(at(5)) };
  let s = await openStore(dir, clock);
  const tomorrow = (id: string) => sms(id, { notBefore: at(24 * 60) });
  const cancelled = sms('D.1', { status: 'cancelled', history: [{ status: 'cancelled', at: at(0) }] });
  await s.accept({ messages: [sms('A.1'), sms('A.2'), sms('A.3'), tomorrow('Q1.1'), tomorrow('Q2.1'), cancelled], dedupKeys: [undefined, undefined, undefined, undefined, undefined, undefined] });
  await awaitingReport(s, ['U1.1', 'U2.1']);
  assert.is(s.spooled, 4, 'queued for tomorrow and awaiting a late report: out of memory');
  same(s, { accepted: 5, failed: 2, cancelled: 1 }, 'accepted');

  await tick(s, 'A.1', 'submitting');
  await tick(s, 'A.1', 'submitted');
  await tick(s, 'A.1', 'delivered');
  await tick(s, 'A.2', 'submitting');
  await tick(s, 'A.2', 'failed');
  await tick(s, 'A.3', 'submitting');
  await tick(s, 'Q1.1', 'cancelled'); // read back from the spool to be changed
  await s.transition('U1.1', { event: { status: 'submitted', at: at(90), connector: 'kannel', late: 'correction' } });
  await s.settled();
  assert.is(s.spooled, 2, 'Q2.1 and U2.1 still out of memory');
  same(s, { submitting: 1, delivered: 1, failed: 2, cancelled: 2, accepted: 1, submitted: 1 }, 'changed');

  // The start's compaction archives what is final and owes nothing: A.1, A.2, Q1.1, D.1 (U2.1 waits for its report).
  s = await reopenArchiving(s, dir, clock);
  assert.is(s.get('A.1'), undefined, 'archived');
  same(s, { submitting: 1, failed: 1, accepted: 1, submitted: 1 }, 'after a restart and archiving');
  assert.is(s.spooled, 2);

  await tick(s, 'A.3', 'submitted');
  await s.close();
  s = await openStore(dir, clock); // from the snapshot and the journal's tail
  await s.settled();
  same(s, { failed: 1, accepted: 1, submitted: 2 }, 'replayed from snapshot and journal');

  // U2.1's window passes while it is out of memory: the start's compaction reads it back and archives it.
  clock.now = new Date(at(2 + HOURS_72 + 1));
  s = await reopenArchiving(s, dir, clock);
  assert.is(s.get('U2.1'), undefined, 'archived');
  same(s, { accepted: 1, submitted: 2 }, 'after its window passed');
  await s.close();
});

S.run();
