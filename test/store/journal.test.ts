import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { Journal, JournalCorruptError, type JournalRecord } from '../../src/store/journal.js';

const J = suite<{ dir: string }>('store journal');
J.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
J.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const journal = (dir: string, batches: JournalRecord[][] = [], segmentBytes = 1 << 20) =>
  new Journal({ dir, segmentBytes, onDurable: (r) => batches.push(r) });

J('group commit :: 500 concurrent appends share far fewer writes, in order, all durable', async ({ dir }) => {
  const batches: JournalRecord[][] = [];
  const j = journal(dir, batches);
  await j.start();
  await Promise.all(Array.from({ length: 500 }, (_, i) => j.append([{ seq: i + 1, v: 'x' }])));
  await j.close();
  assert.ok(batches.length < 50, `${batches.length} writes for 500 appends`);
  assert.equal(batches.flat().map((r) => r.seq), Array.from({ length: 500 }, (_, i) => i + 1));
  const { records } = await journal(dir).replay();
  assert.is(records.length, 500);
});

J('start :: every start opens a new segment, never appends to an old one', async ({ dir }) => {
  const a = journal(dir);
  await a.start();
  await a.append([{ seq: 1 }]);
  await a.close();
  const b = journal(dir);
  await b.start();
  await b.append([{ seq: 2 }]);
  await b.close();
  assert.equal((await readdir(dir)).sort(), ['000001.jsonl', '000002.jsonl']);
});

J('replay :: a torn last line (crash mid-write) is skipped, not fatal', async ({ dir }) => {
  const a = journal(dir);
  await a.start();
  await a.append([{ seq: 1 }, { seq: 2 }]);
  await a.close();
  await appendFile(join(dir, '000001.jsonl'), '{"seq":3,"t":"acc');
  const { records, tornLines } = await journal(dir).replay();
  assert.equal(records.map((r) => r.seq), [1, 2]);
  assert.is(tornLines, 1);
});

J('replay :: a corrupted line in the middle stops the start with the file and line named, file untouched', async ({ dir }) => {
  const bad = '{"seq":1}\nGARBAGE\n{"seq":3}\n';
  await writeFile(join(dir, '000001.jsonl'), bad);
  try {
    await journal(dir).replay();
    assert.unreachable('replay should fail');
  } catch (e) {
    assert.instance(e, JournalCorruptError);
    assert.match((e as Error).message, /000001\.jsonl is corrupted at line 2/);
  }
  assert.is(await readFile(join(dir, '000001.jsonl'), 'utf8'), bad);
});

J('rotation :: a full segment rolls over to the next one', async ({ dir }) => {
  let rotations = 0;
  const j = new Journal({ dir, segmentBytes: 100, onDurable: () => undefined, onRotate: () => rotations++ });
  await j.start();
  for (let i = 1; i <= 10; i++) await j.append([{ seq: i, pad: 'x'.repeat(20) }]);
  await j.close();
  assert.ok(rotations >= 2, `rotations: ${rotations}`);
  const { records, segments } = await journal(dir).replay();
  assert.is(records.length, 10);
  assert.ok(segments.length >= 3);
});

J.run();
