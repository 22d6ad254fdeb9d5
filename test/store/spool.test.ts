import { mkdtemp, open, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { Spool } from '../../src/store/spool.js';

/** The spool's own file, as a real file in a temp dir: what comes back, and what is refused. */
const P = suite<{ dir: string; spool: Spool }>('store spool');
P.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'spool-'));
  ctx.spool = new Spool(ctx.dir);
  ctx.spool.open();
});
P.after.each(async (ctx) => {
  ctx.spool.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

const A = JSON.stringify({ id: 'A.1', text: 'Bitte zahlen Sie bis Freitag. Grüße 😀' });
const B = JSON.stringify({ id: 'B.1', text: 'Zweite' });

async function two(spool: Spool) {
  const a = spool.append(A)!;
  const b = spool.append(B)!;
  await Promise.all([a.written, b.written]);
  return [a.loc, b.loc];
}

P('read :: each entry comes back as it went in', async ({ spool }) => {
  const [a, b] = await two(spool);
  assert.is(spool.read(a), A);
  assert.is(spool.read(b), B);
});

const cases: Array<[string, (file: string) => Promise<void>, RegExp]> = [
  ['a letter of the text changed (still JSON)', async (file) => {
    const at = (await readFile(file, 'latin1')).indexOf('Freitag');
    const fh = await open(file, 'r+');
    await fh.write('Samstag', at);
    await fh.close();
  }, /0\.jsonl:0 is damaged \(checksum\)/],
  ['its page zeroed', async (file) => {
    const fh = await open(file, 'r+');
    await fh.write(Buffer.alloc(20), 0);
    await fh.close();
  }, /0\.jsonl:0 is damaged \(checksum\)/],
  ['the file cut short', (file) => truncate(file, 30), /0\.jsonl:0 is cut short/],
];
for (const [what, damage, error] of cases) {
  P(`read :: the first entry damaged (${what}) :: refused with where it lies; the second still reads`, async ({ dir, spool }) => {
    const [a, b] = await two(spool);
    await damage(join(dir, '0.jsonl'));
    assert.throws(() => spool.read(a), error);
    if (what !== 'the file cut short') assert.is(spool.read(b), B);
  });
}

P.run();
