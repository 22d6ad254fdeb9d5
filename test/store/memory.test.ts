import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { listArchive } from '../../src/store/archive.js';
import type { JournalStore } from '../../src/store/journal-store.js';
import type { SmsMessage, StatusEvent } from '../../src/store/types.js';
import { at, awaitingReport, HOURS_72, json, openStore, sms, T0, tomorrow, type StoreLog } from '../helpers/store.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Review finding L5: an SMS failed as not confirmed by a connector whose
 * reports name our id is kept live for 72 h so that a late report can
 * correct it (StatusEvent.answerableUntil). Once its mail is out nothing
 * else is owed to it, and a gateway that hangs through a peak makes
 * thousands: they leave memory for the spool as queued SMS that wait far
 * ahead do (memory.ts coolable), the journal and the snapshot stay the
 * truth, and the compaction finds them when their window has passed.
 */
const S = suite<{ dir: string }>('store memory :: failed as not confirmed, awaiting a late report, out of memory');
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'awaiting-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** The late report's correction, as late-answer.ts records it. */
const correction = (id: string): StatusEvent => ({ status: 'submitted', at: at(90), connector: 'kannel', connectorMessageId: id, late: 'correction', reason: 'the carrier confirmed late that it took the SMS' });

S('leaves memory only once its mail is sent; listed and counted as failed; a late correction reads it back, changes it and it stays in memory', async ({ dir }) => {
  const s = await openStore(dir, { now: new Date(at(5)) });
  await awaitingReport(s, ['A.1', 'B.1'], false);
  assert.is(s.spooled, 0, 'its mail is owed');
  await s.confirmationSent('A.1', 'failed', '/outbox/A.eml', new Date(at(3)));
  await s.confirmationSent('B.1', 'failed', '/outbox/B.eml', new Date(at(3)));
  await s.settled();
  assert.is(s.spooled, 2);
  assert.equal([s.counts().failed, s.counts().accepted], [2, 0]);
  assert.equal(s.inStatus('failed').map((m) => m.id).sort(), ['A.1', 'B.1']);
  assert.equal(s.inStatus('accepted'), []);
  assert.is(s.spooled, 2, 'listing leaves them out of memory');
  const before = json(s.get('B.1')) as SmsMessage;
  assert.equal(before.history.map((e) => e.status), ['accepted', 'submitting', 'failed']);
  await s.transition('A.1', { event: correction('A.1'), confirm: true });
  const a = s.get('A.1')!;
  assert.equal([a.status, a.history.at(-1)!.late, a.confirmations.filter((c) => !c.sentAt).map((c) => c.stage)], ['submitted', 'correction', ['submitted']]);
  await waitFor('B.1, only looked at, out of memory again', async () => {
    await s.settled();
    return s.spooled === 1;
  });
  assert.is(s.hotCount, 1, 'A.1, corrected and owing its correction mail, stays in memory');
  await s.close();
});

S('through a restart (the spool emptied): out of memory again, whole, and a late correction still applies once', async ({ dir }) => {
  const clock = { now: new Date(at(5)) };
  let s = await openStore(dir, clock);
  await awaitingReport(s, ['A.1', 'B.1']);
  assert.is(s.spooled, 2);
  const before = json(s.get('A.1'));
  await s.close();

  s = await openStore(dir, clock);
  await s.settled();
  assert.is(s.spooled, 2, 'the start moves them out of memory again');
  assert.equal(json(s.get('A.1')), before);
  await s.transition('A.1', { event: correction('A.1'), confirm: true });
  await s.close();

  s = await openStore(dir, clock);
  await s.settled();
  assert.equal(s.get('A.1')!.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted'], 'the correction once');
  assert.is(s.spooled, 1, 'B.1 only: A.1 owes its correction mail');
  await s.close();
});

S('its window passed while out of memory :: the next compaction archives it, as one in memory, and nothing else', async ({ dir }) => {
  const clock = { now: new Date(at(5)) };
  const log: Array<Record<string, unknown>> = [];
  const record: StoreLog = (evt, data) => log.push({ evt, ...data });
  const s = await openStore(dir, clock, record, { segmentBytes: 16 * 1024 });
  await awaitingReport(s, ['A.1', 'B.1']);
  await s.transition('B.1', { event: correction('B.1') }); // in memory, submitted: not final
  assert.is(s.spooled, 1);
  clock.now = new Date(at(2 + HOURS_72 + 1));
  // New SMS until the journal's segment rolls over: a compaction.
  const journal = join(dir, 'journal');
  const segments = await readdir(journal);
  for (let n = 0; (await readdir(journal)).length === segments.length; n++) {
    assert.ok(n < 1000, 'no rotation');
    await s.accept({ messages: [sms(`F${n}.1`, { notBefore: at(HOURS_72 * 2) })], dedupKeys: [undefined] });
  }
  await waitFor('a compaction that archived', () => log.some((e) => e.evt === 'store-compacted' || e.evt === 'store-compact-failed'));
  assert.is(log.find((e) => e.evt === 'store-compacted')!.archived, 1);
  assert.is(s.get('A.1'), undefined, 'archived');
  assert.is(s.get('B.1')?.status, 'submitted', 'live');
  const days = await listArchive(s.archiveDir);
  const lines = (await Promise.all(days.map((d) => readFile(d.file, 'utf8')))).join('').split('\n').filter(Boolean);
  assert.equal(lines.map((l) => (JSON.parse(l) as SmsMessage).id), ['A.1']);
  assert.equal((JSON.parse(lines[0]) as SmsMessage).history.at(-1)!.uncertain, true, 'whole, as it was');
  assert.equal(s.counts().failed, 0);
  await s.close();
});

S('3,000 awaiting a late report :: none is held whole in memory; the snapshot holds each once, as queued ones spooled', async ({ dir }) => {
  const ids = Array.from({ length: 3000 }, (_, i) => `U${i}.1`);
  const clock = { now: new Date(at(5)) };
  let s = await openStore(dir, clock);
  await awaitingReport(s, ids);
  // What the store holds whole in memory is its live count less its spooled count: none of these.
  assert.is(s.spooled, 3000);
  assert.is(s.hotCount, 0);
  assert.equal([s.counts().failed, s.counts().accepted], [3000, 0]);
  await s.close();
  s = await openStore(dir, clock); // the start compacts: a snapshot of them
  await s.settled();
  assert.is(s.hotCount, 0, 'out of memory again after the start');
  await s.close();
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { messages: SmsMessage[] };
  assert.equal(snap.messages.map((m) => m.id).sort(), [...ids].sort(), 'each once');
  assert.ok(snap.messages.every((m) => m.history.at(-1)!.uncertain && m.confirmations[0].sentAt), 'whole');
});

S.run();

/** An SMS an attempt is under way for (MessageStore.inUse) is not moved to the spool, whatever its notBefore says. */
const U = suite<{ dir: string }>('store memory :: in use');
U.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'in-use-'));
});
U.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

U('in use :: an SMS an attempt is under way for stays in memory though it waits far ahead (the object the attempt holds is the store\'s); it leaves once the attempt ends', async ({ dir }) => {
  const s = await openStore(dir);
  await s.accept({ messages: [tomorrow('A.1')], dedupKeys: [undefined] });
  await s.confirmationSent('A.1', 'accepted', '/outbox/A.eml', T0);
  await s.settled();
  assert.is(s.spooled, 1);
  const m = s.get('A.1')!;
  let end!: () => void;
  s.inUse('A.1', new Promise<void>((resolve) => (end = resolve)));
  // Longer than a look at an SMS keeps it in memory (live.ts lookedAt, 1 s): after it, an SMS that may leave is spooled.
  await new Promise((r) => setTimeout(r, 1500));
  await s.settled();
  assert.is(s.spooled, 0, 'in memory while in use');
  assert.ok(s.get('A.1') === m, 'the same object');
  // A change that leaves it waiting far ahead (as a hold or a retry written by the attempt) offers it to the spool again.
  await s.transition('A.1', { event: { status: 'accepted', at: at(1), reason: 'held', hold: 'brake' }, notBefore: at(61) });
  await s.settled();
  assert.is(s.spooled, 0, 'in memory after a change while in use');
  assert.ok(s.get('A.1') === m && m.history.at(-1)!.hold === 'brake', 'the same object, changed');
  end();
  await new Promise((r) => setImmediate(r));
  await s.settled();
  assert.is(s.spooled, 1, 'out of memory again once the attempt ended');
  await s.close();
});

U.run();
