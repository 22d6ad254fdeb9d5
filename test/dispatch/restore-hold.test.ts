import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { holdCommand } from '../../src/cli/hold.js';
import { buildConfig } from '../../src/config/load.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { writeRestoreMarker } from '../../src/store/restore-marker.js';
import type { SmsMessage } from '../../src/store/types.js';
import { outboxFiles, startTestBridge, waitFor } from '../helpers/bridge.js';
import { UnsureSimulator } from '../helpers/connectors.js';

/**
 * A store restored from a backup that caught SMS being handed over
 * (`submitting`): the old bridge got the carrier's answer, the copy did not.
 * They stay unsettled while the hold lasts (no confirmation, nothing in their
 * history), `mail2sms hold` lists them apart, and the release settles them as
 * their connector's onUncertain says.
 */
const H = suite<{ dir: string }>('dispatch restore hold :: submitting at backup time');
H.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-restore-hold-'));
});
H.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const backupAt = new Date(Date.now() - 60_000);
const before = new Date(backupAt.getTime() - 60_000).toISOString();

function sms(id: string, to: string): SmsMessage {
  return {
    id, mailId: id.split('.')[0], account: 'default', to, text: 'Mahnung', encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: `${to}@sms.localhost`, receivedAt: before },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: before }], attempts: 0, notBefore: before, confirmations: [],
  };
}

/** What the backup copied: each SMS in `submitting` at the connector named, and the marker of a finished backup. */
async function restoredWith(dir: string, submitting: Record<string, string>): Promise<void> {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  const ids = Object.keys(submitting);
  await store.accept({ messages: ids.map((id, i) => sms(id, `+49151123456${70 + i}`)), dedupKeys: ids.map(() => undefined) });
  for (const [id, connector] of Object.entries(submitting)) await store.transition(id, { event: { status: 'submitting', at: before, connector }, attempts: 1 });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
}

function capture() {
  const io = { out: '', err: '' };
  return { io, cli: { readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t) } };
}

H('held while the hold lasts, listed by mail2sms hold, settled at the release as onUncertain says', async ({ dir }) => {
  await restoredWith(dir, { 'U.1': 'smpp-like', 'U.2': 'resending' });
  const unsure = new UnsureSimulator('smpp-like', { deliveryDelayMs: 3600_000 });
  const resending = new UnsureSimulator('resending', { deliveryDelayMs: 20 });
  const connectors = [{ name: 'smpp-like', type: 'simulator' as const }, { name: 'resending', type: 'simulator' as const, onUncertain: 'resend' as const }];
  const b = await startTestBridge({ connectors }, dir, { connectors: { 'smpp-like': unsure, resending } });
  try {
    // Nothing was asked or settled at start: no event, no confirmation, no callback (they follow status changes).
    assert.equal(unsure.lookups, []);
    for (const id of ['U.1', 'U.2']) {
      const m = b.store.get(id)!;
      assert.equal([m.status, m.history.length, m.confirmations.length], ['submitting', 2, 0], id);
    }
    assert.not.ok(b.events.some((e) => e.evt === 'sms-final' || e.evt === 'reconciled'));
    assert.equal(b.events.filter((e) => e.evt === 'sms-held' && e.uncertain).map((e) => e.msgId).sort(), ['U.1', 'U.2']);

    const shown = capture();
    assert.is(await holdCommand([], b.config, shown.cli), 0, shown.io.err);
    assert.match(shown.io.out, /\nuncertain since the backup \(being handed to the carrier when it was taken; the old bridge's log says whether it went/);
    assert.match(shown.io.out, /\nU\.1 {2}\+4915112345670 {2}submitting {2}at release: asked of smpp-like; if it cannot tell, failed as not confirmed, not sent again \(onUncertain fail\)\n/);
    assert.match(shown.io.out, /\nU\.2 {2}\+4915112345671 {2}submitting {2}at release: asked of resending; if it cannot tell, sent again \(onUncertain resend\)\n/);
    assert.match(shown.io.err, /2 SMS uncertain since the backup, 2 not marked: those are settled at the release/);
    assert.is((await outboxFiles(b)).size, 0, 'no confirmation while held');

    const released = capture();
    assert.is(await holdCommand(['release'], b.config, released.cli), 0, released.io.err);
    const u1 = await waitFor('U.1 settled', () => (b.store.get('U.1')!.status === 'failed' ? b.store.get('U.1') : undefined));
    const last = u1.history.at(-1)!;
    assert.ok(last.uncertain);
    assert.match(last.reason!, /^this service was restored from a backup taken while the SMS was being handed to the carrier/);
    assert.is(last.detail, 'smpp-like: being handed over when the backup this store was restored from was taken, and the connector cannot tell whether it took the SMS');
    await waitFor('U.2 sent again', () => [...unsure.sent, ...resending.sent].some((s) => s.id === 'U.2'));
    assert.match(b.store.get('U.2')!.history.find((e) => /possibly duplicated/.test(e.reason ?? ''))!.reason!, /when the backup this store was restored from was taken/);
    const order = b.events.map((e) => e.evt);
    assert.ok(order.indexOf('dispatch-released') < order.indexOf('reconciled'), 'settled only after the release');
    await waitFor('the not confirmed mail, now', async () => [...(await outboxFiles(b)).keys()].some((n) => n.startsWith('U.1.')));
  } finally {
    await b.stop();
  }
});

H('released while the bridge was down :: the held SMS goes at the next start, once, not at its hourly look', async ({ dir }) => {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  await store.accept({ messages: [sms('Q.1', '+4915112345680')], dedupKeys: [undefined] });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
  const first = await startTestBridge({}, dir);
  try {
    await waitFor('held', () => b(first).history.at(-1)?.hold === 'restore' || undefined);
    assert.is(first.sim.sent.length, 0);
  } finally {
    await first.stop();
  }
  const released = capture();
  assert.is(await holdCommand(['release'], first.config, released.cli), 0, released.io.err);
  const again = await startTestBridge({}, dir);
  try {
    await waitFor('delivered', () => b(again).status === 'delivered' || undefined);
    assert.equal(again.sim.sent.map((s) => s.id), ['Q.1']);
    assert.ok(b(again).history.some((e) => e.reason === 'the hold after a restore was released: sent now'));
  } finally {
    await again.stop();
  }
  function b(t: { store: { get(id: string): SmsMessage | undefined } }): SmsMessage {
    return t.store.get('Q.1')!;
  }
});

H('released while the bridge was down :: an SMS the backup caught being handed over is settled at the next start in the backup\'s words, not a restart\'s', async ({ dir }) => {
  await restoredWith(dir, { 'U.5': 'smpp-like' });
  const released = capture();
  assert.is(await holdCommand(['release'], buildConfig({ store: { dir } }, 'test'), released.cli), 0, released.io.err);
  const unsure = new UnsureSimulator('smpp-like', { deliveryDelayMs: 20 });
  const b = await startTestBridge({ connectors: [{ name: 'smpp-like', type: 'simulator' }] }, dir, { connectors: { 'smpp-like': unsure } });
  try {
    const last = await waitFor('settled', () => (b.store.get('U.5')!.status === 'failed' ? b.store.get('U.5')!.history.at(-1) : undefined));
    assert.equal([last.uncertain, last.backup], [true, 'unknown']);
    assert.match(last.reason!, /^this service was restored from a backup taken while the SMS was being handed to the carrier/);
    assert.is(last.detail, 'smpp-like: being handed over when the backup this store was restored from was taken, and the connector cannot tell whether it took the SMS');
    assert.equal(b.events.filter((e) => e.evt === 'reconciled').map((e) => [e.msgId, e.after]), [['U.5', 'backup']]);
  } finally {
    await b.stop();
  }
});

H('NOTIFY=DELAY :: no delay report for an SMS the hold keeps (uncertain since the backup), while one taken after the restore gets its own', async ({ dir }) => {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  const delay = { notify: ['SUCCESS', 'FAILURE', 'DELAY'] as Array<'SUCCESS' | 'FAILURE' | 'DELAY'> };
  const after = new Date(backupAt.getTime() + 30_000).toISOString();
  const taken = { ...sms('C.1', '+4915112345691'), dsn: delay, mail: { ...sms('C.1', '+4915112345691').mail, receivedAt: after }, history: [{ status: 'accepted' as const, at: after }], notBefore: after };
  await store.accept({ messages: [{ ...sms('D.1', '+4915112345690'), dsn: delay }, taken], dedupKeys: [undefined, undefined] });
  await store.transition('D.1', { event: { status: 'submitting', at: before, connector: 'smpp-like' }, attempts: 1 });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
  // Two hours on: both are far past notify.delayAfterMinutes (30); the one after the restore is with the carrier, its report outstanding.
  const unsure = new UnsureSimulator('smpp-like', { deliveryDelayMs: 3600_000 });
  const b = await startTestBridge({ connectors: [{ name: 'smpp-like', type: 'simulator' }] }, dir, { connectors: { 'smpp-like': unsure }, now: () => new Date(Date.now() + 2 * 3600_000) });
  try {
    // Both are looked at in the same pass of the delay watch: once C.1's report is owed, D.1 was decided too.
    await waitFor('the delay report of the SMS taken after the restore', () => b.store.get('C.1')!.confirmations.some((c) => c.stage === 'delayed') || undefined);
    assert.not.ok(b.store.get('D.1')!.confirmations.some((c) => c.stage === 'delayed'), 'no report saying the held SMS was not handed over');
    assert.is(b.store.get('D.1')!.status, 'submitting');
  } finally {
    await b.stop();
  }
});

H.run();
