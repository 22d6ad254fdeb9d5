import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { archiveLines, linesContaining } from '../../src/store/archive.js';

/** Reading day files in 1 MiB chunks: lines and characters that straddle a chunk boundary stay whole. */
const R = suite<{ dir: string }>('store archive reading');

R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-archive-'));
});
R.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

R('chunks :: every line whole (umlauts across the boundary), the needle found wherever it falls, an unfinished last line left out', async ({ dir }) => {
  const file = join(dir, '2026-11-23.jsonl');
  const lines: string[] = [];
  // About 3.8 MB of 1.2 KB lines, many of them two-byte characters: the three chunk ends fall inside lines.
  for (let i = 0; i < 3200; i++) lines.push(JSON.stringify({ i, text: `${'ä'.repeat(200)}${i % 700 === 3 ? 'NEEDLE' : ''}`.padEnd(i % 700 === 3 ? 974 : 980, 'x') }));
  await writeFile(file, lines.join('\n') + '\n{"i":"unfinished NEEDLE');
  const all: string[] = [];
  for await (const l of archiveLines(file)) all.push(l);
  assert.equal(all, lines);
  const hits: string[] = [];
  for await (const l of linesContaining(file, 'NEEDLE')) hits.push(l);
  assert.equal(hits, lines.filter((l) => l.includes('NEEDLE')));
  assert.is(hits.length, 5);
  const umlauts: string[] = [];
  for await (const l of linesContaining(file, 'ää"')) umlauts.push(l);
  assert.is(umlauts.length, 0, 'no line has umlauts right before a quote');
});

R('missing file :: nothing, no error', async ({ dir }) => {
  for await (const l of linesContaining(join(dir, 'none.jsonl'), 'x')) assert.unreachable(l);
  for await (const l of archiveLines(join(dir, 'none.jsonl'))) assert.unreachable(l);
});

R.run();
