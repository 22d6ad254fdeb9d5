import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SettingsStore } from '../../src/accounts/settings.js';
import { OptOutList } from '../../src/policy/optout.js';

/** The opt-out list in a real settings file: entries for every sender and per sender, side by side, and files from before. */
const L = suite('policy opt-out list', {} as { dir: string; file: string; settings: SettingsStore; list: OptOutList });

const N = '+4915112345678';
const AT = new Date('2026-11-29T12:00:00Z');

L.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-optout-'));
  ctx.file = join(ctx.dir, 'settings.json');
  ctx.settings = new SettingsStore({ file: ctx.file });
  ctx.list = new OptOutList(['+4915100000001'], ctx.settings);
});
L.after.each(async (ctx) => {
  ctx.settings.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

L('a number with several entries :: each its own scope, time and origin; removing one leaves the others', async ({ file, settings, list }) => {
  await settings.open();
  await list.add(N, AT, { via: 'sms', sender: '80888', note: 'replied "STOP" to 80888 via smsc' });
  await list.add(N, new Date(AT.getTime() + 1000), { via: 'sms', sender: 'ACME' });
  await list.add(N, new Date(AT.getTime() + 2000), { note: 'by phone' });
  assert.equal(list.entries(N).map((e) => [e.source, e.sender, e.addedAt]), [
    ['operator', undefined, '2026-11-29T12:00:02.000Z'],
    ['sms', '80888', '2026-11-29T12:00:00.000Z'],
    ['sms', 'ACME', '2026-11-29T12:00:01.000Z'],
  ]);
  assert.ok(list.blocksAll(N));
  assert.is(list.find(N, 'acme')?.sender, 'ACME', 'found in any case');
  assert.is(list.find(N)?.source, 'operator');
  const noSenders = () => {
    throw new Error('a number without entries needs no senders worked out');
  };
  assert.is(list.blocking({ to: '+4915100000009' }, noSenders), undefined);
  assert.is(await list.remove(N, 'Acme'), true);
  assert.is(await list.remove(N, 'ACME'), false);
  assert.is(await list.remove(N), true);
  assert.equal(list.entries(N).map((e) => e.sender), ['80888']);
  assert.not.ok(list.blocksAll(N));
  assert.is(await list.removeAll(N, ['80888', undefined]), 1);
  assert.equal(list.entries(N), []);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal([saved.optout, saved.optoutScoped], [{}, {}], 'a number without entries leaves nothing behind');
});

L('a settings file from before entries were scoped :: read as it is, nothing rewritten; its STOPs keep every sender away; adding one keeps them', async ({ file, settings, list }) => {
  const before = {
    version: 1, accounts: { acme: { notify: 'all' } }, users: {}, brakes: {},
    optout: { [N]: { addedAt: '2025-06-01T00:00:00.000Z', note: 'replied "STOP" to 80888 via smsc', via: 'sms' }, '+4915112345679': { addedAt: '2025-06-02T00:00:00.000Z' } },
  };
  await writeFile(file, JSON.stringify(before));
  await settings.open();
  assert.equal(JSON.parse(await readFile(file, 'utf8')), before, 'reading changes nothing');
  assert.equal(list.list().map((e) => [e.number, e.source, e.sender]), [
    ['+4915100000001', 'config', undefined], [N, 'sms', undefined], ['+4915112345679', 'operator', undefined],
  ]);
  assert.ok(list.blocksAll(N));
  assert.is(list.blocking({ to: N }, () => [{ sender: 'BANK', from: 'sms' }])?.entry.source, 'sms');
  await list.add('+4915112345679', AT, { via: 'sms', sender: '80888' });
  const after = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(after.optout, before.optout);
  assert.equal(after.accounts, before.accounts);
});

L('a settings file this version wrote :: read back the same by a fresh start', async ({ file, settings, list }) => {
  await settings.open();
  await list.add(N, AT, { via: 'sms', sender: '80888', note: 'replied "STOP" to 80888 via smsc' });
  await list.add(N, AT, { via: 'sms' });
  await list.add('+4915112345679', AT, { sender: '+4930901820', note: 'letter' });
  const written = list.list();
  const again = new SettingsStore({ file });
  await again.open();
  try {
    assert.equal(new OptOutList(['+4915100000001'], again).list(), written);
    assert.equal(written.map((e) => [e.number, e.source, e.sender]), [
      ['+4915100000001', 'config', undefined], [N, 'sms', undefined], [N, 'sms', '80888'], ['+4915112345679', 'operator', '+4930901820'],
    ]);
  } finally {
    again.close();
  }
});

L.run();
