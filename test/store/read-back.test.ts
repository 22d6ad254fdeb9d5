import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readBack } from '../../src/store/read-back.js';
import { Snapshot, type SnapshotData } from '../../src/store/snapshot.js';
import { at, sms, T0 } from '../helpers/store.js';

/**
 * The spool (live.ts) is an unsynced cache of queued SMS that wait far ahead.
 * When an entry cannot be read back (lost page, cut short, overwritten), the
 * messages come back from the journal and the snapshot, exactly as they are
 * durably, and the store goes on: nothing lost, nothing applied or sent twice.
 */
const R = suite<{ dir: string }>('store read-back (durable copies of live messages)');
R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'read-back-'));
});
R.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** A snapshot up to record 3 and journal records around it, as the store writes them. */
async function durableState(dir: string): Promise<{ snapshot: string; journal: string }> {
  const snapshot = join(dir, 'state.json');
  const journal = join(dir, 'journal');
  const data: SnapshotData = { version: 1, seq: 3, savedAt: T0.toISOString(), messages: [sms('A.1'), sms('B.1')], dedup: [] };
  await new Snapshot(snapshot).write(data);
  await mkdir(journal);
  const lines = [
    { seq: 2, t: 'status', id: 'A.1', event: { status: 'cancelled', at: at(1) } }, // in the snapshot already
    { seq: 4, t: 'accept', msgs: [sms('C.1')], keys: [null], until: 0 },
    { seq: 5, t: 'status', id: 'A.1', event: { status: 'accepted', at: at(2), until: at(90) }, notBefore: at(90), confirm: true },
    { seq: 6, t: 'conf', id: 'A.1', stage: 'accepted', at: at(3), where: '/outbox/A.eml' },
  ];
  await writeFile(join(journal, '000002.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
  const later = { seq: 7, t: 'status', id: 'C.1', event: { status: 'cancelled', at: at(4) } };
  await writeFile(join(journal, '000003.jsonl'), JSON.stringify(later) + '\n{"seq":8,"t":"sta'); // a torn last line: never acknowledged
  return { snapshot, journal };
}

R('readBack :: the snapshot copy with the journal records after it, up to the record asked for; others untouched', async ({ dir }) => {
  const files = await durableState(dir);
  const got = readBack(files, ['A.1', 'C.1'], 6);
  assert.equal([...got.keys()].sort(), ['A.1', 'C.1']);
  const a = got.get('A.1')!;
  assert.equal(a.history.map((e) => e.status), ['accepted', 'accepted'], 'record 2 is in the snapshot already: not applied again');
  assert.is(a.notBefore, at(90));
  assert.equal(a.confirmations, [{ stage: 'accepted', attempts: 0, notBefore: at(2), sentAt: at(3), where: '/outbox/A.eml' }]);
  assert.is(got.get('C.1')!.status, 'accepted', 'record 7 is after the one asked for');
  assert.is(readBack(files, ['C.1'], 7).get('C.1')!.status, 'cancelled');
});

R('readBack :: a message in neither, a snapshot newer than asked for, a broken journal line :: an error, no guess', async ({ dir }) => {
  const files = await durableState(dir);
  assert.throws(() => readBack(files, ['A.1', 'X.1'], 6), /X\.1 is in neither the snapshot nor the journal/);
  assert.throws(() => readBack(files, ['A.1'], 2), /snapshot .* record 3.* record 2/);
  const seg = join(files.journal, '000002.jsonl');
  await writeFile(seg, 'garbage\n' + (await readFile(seg, 'utf8')));
  assert.throws(() => readBack(files, ['A.1'], 6), /corrupted at line 1/);
});

R('readBack :: without a snapshot, from the journal alone', async ({ dir }) => {
  const files = await durableState(dir);
  await rm(files.snapshot);
  assert.is(readBack(files, ['C.1'], 7).get('C.1')!.status, 'cancelled');
});

R.run();
