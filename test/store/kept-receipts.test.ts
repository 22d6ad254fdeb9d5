import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { KEPT_RECEIPTS, KeptReceipts, type KeptReceipt } from '../../src/store/kept-receipts.js';

const K = suite<{ dir: string }>('store :: SMPP receipts kept while a restore\'s hold lasts');
K.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-kept-'));
});
K.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** The message of the error `p` rejects with ('' when it resolves). */
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: Error) => e.message);

let clock = Date.parse('2026-11-30T10:00:00.000Z');
const now = () => new Date(clock);
const receipt = (id: string, over: Partial<KeptReceipt> = {}): KeptReceipt => ({ connector: 'smsc', id, status: 'delivered', at: now().toISOString(), ...over });

K('kept on disk for the restore it is of :: read back after a restart with the same start of the hold; another restore starts afresh; nothing without a hold', async ({ dir }) => {
  const a = new KeptReceipts({ dir, now, keepHours: 48 });
  await a.open('2026-11-30T09:00:00.000Z');
  const since = a.heldSince;
  assert.is(await a.keep(receipt('1')), true);
  assert.is(await a.keep(receipt('1')), false, 'a repeat is not kept twice');
  assert.is(await a.keep(receipt('1', { status: 'enroute' })), true, 'another state of the same id is');
  await a.assign('smsc', ['1'], 'S.1');
  clock += 60_000;
  const b = new KeptReceipts({ dir, now, keepHours: 48 });
  await b.open('2026-11-30T09:00:00.000Z');
  assert.equal([b.heldSince, b.receipts.map((k) => [k.id, k.status, k.sms])], [since, [['1', 'delivered', 'S.1'], ['1', 'enroute', 'S.1']]]);
  const c = new KeptReceipts({ dir, now, keepHours: 48 });
  await c.open('2026-12-01T09:00:00.000Z');
  assert.equal([c.heldSince, c.receipts], [now().toISOString(), []]);
  const none = new KeptReceipts({ dir, now, keepHours: 48 });
  await none.open(undefined);
  assert.equal([none.heldSince, await none.keep(receipt('2'))], [undefined, false]);
  await c.forget();
  assert.match(await failure(readFile(join(dir, KEPT_RECEIPTS), 'utf8')), /ENOENT/, 'removed at the release');
});

K('the release :: only the receipts of SMS still open stay, read back without a hold; none left, the file goes; a new restore of the same backup starts afresh', async ({ dir }) => {
  const backup = '2026-11-30T09:00:00.000Z';
  const a = new KeptReceipts({ dir, now, keepHours: 48 });
  await a.open(backup);
  for (const id of ['1', '2', '3']) await a.keep(receipt(id));
  await a.assign('smsc', ['1'], 'S.1');
  await a.assign('smsc', ['2'], 'S.2');
  await a.keepOnly((sms) => sms === 'S.1');
  assert.equal([a.released, a.receipts.map((k) => k.id)], [true, ['1']], 'S.2 is decided, receipt 3 was nobody\'s');
  const b = new KeptReceipts({ dir, now, keepHours: 48 });
  await b.open(undefined);
  assert.equal([b.released, b.heldSince, b.receipts.map((k) => k.id)], [true, a.heldSince, ['1']]);
  const again = new KeptReceipts({ dir, now, keepHours: 48 });
  clock += 60_000;
  await again.open(backup);
  assert.equal([again.released, again.heldSince, again.receipts], [false, now().toISOString(), []]);
  await again.keep(receipt('4'));
  await again.keepOnly(() => true);
  assert.match(await failure(readFile(join(dir, KEPT_RECEIPTS), 'utf8')), /ENOENT/, 'nothing found to be an SMS\'s: removed');
  assert.is(again.heldSince, undefined);
});

K('bounded :: the oldest go past the most kept, and those older than keepHours at the next keep', async ({ dir }) => {
  const k = new KeptReceipts({ dir, now, keepHours: 2, max: 3 });
  await k.open('2026-11-30T09:00:00.000Z');
  for (const id of ['1', '2', '3', '4']) await k.keep(receipt(id));
  assert.equal(k.receipts.map((r) => r.id), ['2', '3', '4']);
  clock += 3 * 3600_000;
  await k.keep(receipt('5'));
  assert.equal(k.receipts.map((r) => r.id), ['5']);
});

K('a receipt that could not be written is not kept :: its copy, sent again, is written then; an unreadable file is started afresh', async ({ dir }) => {
  const k = new KeptReceipts({ dir, now, keepHours: 48 });
  await k.open('2026-11-30T09:00:00.000Z');
  // A directory where the file goes: the write fails, even for root.
  await rm(join(dir, KEPT_RECEIPTS));
  await mkdir(join(dir, KEPT_RECEIPTS, 'x'), { recursive: true });
  assert.ok(await failure(k.keep(receipt('7'))));
  await rm(join(dir, KEPT_RECEIPTS), { recursive: true });
  assert.is(await k.keep(receipt('7')), true, 'not taken for a repeat');
  assert.equal(JSON.parse(await readFile(join(dir, KEPT_RECEIPTS), 'utf8')).receipts.map((r: KeptReceipt) => r.id), ['7']);
  await writeFile(join(dir, KEPT_RECEIPTS), '{"version":1,');
  const again = new KeptReceipts({ dir, now, keepHours: 48 });
  await again.open('2026-11-30T09:00:00.000Z');
  assert.equal(again.receipts, []);
});

K.run();
