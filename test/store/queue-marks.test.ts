import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { JournalStore } from '../../src/store/journal-store.js';
import type { StatusEvent } from '../../src/store/types.js';
import { at, openStore, sms, T0, tomorrow } from '../helpers/store.js';

/**
 * The queued SMS the dispatcher asks for by their last event — held (brake, restore), waiting for a connector — are
 * known without a walk of the queue, most of which is out of memory (spooled). A real store in a temp directory,
 * restarted where it matters.
 */
const Q = suite<{ dir: string }>('store queue-marks (held, waiting for a connector)');
Q.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'queue-marks-'));
});
Q.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** `ids` queued for tomorrow, their acceptance confirmation sent: they leave memory. */
async function queuedTomorrow(s: JournalStore, ids: string[]): Promise<void> {
  await s.accept({ messages: ids.map((id) => tomorrow(id)), dedupKeys: ids.map(() => undefined) });
  for (const id of ids) await s.confirmationSent(id, 'accepted', `/outbox/${id}.eml`, T0);
  await s.settled();
}

const hold = (kind: 'brake' | 'restore'): StatusEvent => ({ status: 'accepted', at: at(1), reason: `held (${kind})`, hold: kind });
const retry = (waitsFor?: string[]): StatusEvent => ({ status: 'accepted', at: at(2), reason: 'no connector can take it now', retryAt: at(32), ...(waitsFor ? { waitsFor } : {}) });
const OTHERS = Array.from({ length: 30 }, (_, i) => `Q${i}.1`);

Q('held :: by kind, those out of memory given as copies and left there; a later event forgets one; the same after a restart', async ({ dir }) => {
  let s = await openStore(dir);
  await queuedTomorrow(s, [...OTHERS, 'B1.1', 'B2.1', 'R.1']);
  await s.transition('B1.1', { event: hold('brake'), notBefore: at(61) });
  await s.transition('B2.1', { event: hold('brake'), notBefore: at(61) });
  await s.transition('R.1', { event: hold('restore'), notBefore: at(61) });
  await s.settled();
  assert.is(s.spooled, 33, 'all out of memory: held ones are looked at again in an hour');
  assert.equal(s.held('brake').map((m) => m.id), ['B1.1', 'B2.1']);
  assert.equal(s.held('restore').map((m) => [m.id, m.history.at(-1)!.hold]), [['R.1', 'restore']]);
  assert.is(s.spooled, 33, 'read as copies: still out of memory');
  await s.transition('B1.1', { event: { status: 'accepted', at: at(3), reason: 'released' }, notBefore: at(3) });
  await s.transition('R.1', { event: { status: 'cancelled', at: at(3), reason: 'cancelled' } });
  assert.equal(s.held('brake').map((m) => m.id), ['B2.1']);
  assert.equal(s.held('restore'), []);
  await s.close();
  s = await openStore(dir);
  assert.equal(s.held('brake').map((m) => m.id), ['B2.1'], 'rebuilt from the snapshot and the journal');
  assert.equal(s.held('restore'), []);
  await s.close();
});

Q('waiting for a connector :: a retry with waitsFor is filed by its route with its history\'s length; a retry without, a hold or a handover forgets it; the same after a restart', async ({ dir }) => {
  let s = await openStore(dir);
  await queuedTomorrow(s, [...OTHERS, 'W1.1', 'W2.1', 'W3.1', 'T.1']);
  await s.transition('W1.1', { event: retry(['smsc', 'kannel']), notBefore: at(32), attempts: 1 });
  await s.transition('W2.1', { event: retry(['kannel', 'smsc']), notBefore: at(32), attempts: 1 });
  await s.transition('W3.1', { event: retry(['kannel']), notBefore: at(32), attempts: 1 });
  await s.transition('T.1', { event: retry(), notBefore: at(32), attempts: 1 });
  const waits = () => s.connectorWaits().map((g) => [g.connectors, [...g.ids]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.equal(waits(), [[['kannel'], [['W3.1', 2]]], [['kannel', 'smsc'], [['W1.1', 2], ['W2.1', 2]]]]);
  await s.settled();
  assert.is(s.spooled, 34, 'asking read none back');
  await s.transition('W2.1', { event: hold('brake'), notBefore: at(61) });
  await s.transition('W3.1', { event: retry(), notBefore: at(40), attempts: 2 });
  assert.equal(waits(), [[['kannel', 'smsc'], [['W1.1', 2]]]]);
  await s.close();
  s = await openStore(dir);
  assert.equal(waits(), [[['kannel', 'smsc'], [['W1.1', 2]]]], 'rebuilt from the snapshot and the journal');
  await s.transition('W1.1', { event: { status: 'submitting', at: at(5), connector: 'smsc' }, attempts: 2 });
  assert.equal(waits(), []);
  await s.close();
});

Q('restore :: opened under a restore\'s hold, the SMS accepted before the backup\'s end are indexed with their numbers, hold event or not; handed over ones apart; final or later ones not; the same after a restart; nothing once released', async ({ dir }) => {
  const before = at(30);
  const open = () => openStore(dir, undefined, undefined, { restoreHeldBefore: before });
  let s = await open();
  await queuedTomorrow(s, [...OTHERS, 'S.1', 'D.1']);
  const late = sms('L.1', { to: '+4915199999999', mail: { ...sms('L.1').mail, receivedAt: at(31) } });
  await s.accept({ messages: [late], dedupKeys: [undefined] });
  await s.transition('S.1', { event: { status: 'submitting', at: at(1), connector: 'smsc' } });
  await s.transition('D.1', { event: { status: 'submitting', at: at(1), connector: 'smsc' } });
  await s.transition('D.1', { event: { status: 'delivered', at: at(2), connector: 'smsc' } });
  await s.settled();
  const expect = (store: JournalStore) => {
    const held = store.restoreHeld()!;
    assert.equal([...held.to.keys()].sort(), [...OTHERS, 'S.1'].sort());
    assert.is(held.to.get('S.1'), sms('S.1').to);
    assert.equal([...held.handed], ['S.1']);
  };
  expect(s);
  await s.close();
  s = await open();
  try {
    expect(s);
    s.restoreReleased();
    assert.is(s.restoreHeld(), undefined);
  } finally {
    await s.close();
  }
  s = await openStore(dir);
  assert.is(s.restoreHeld(), undefined, 'not opened under a hold: nothing indexed');
  await s.close();
});

Q.run();
