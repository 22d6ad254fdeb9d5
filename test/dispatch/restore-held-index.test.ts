import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { StrayReceipt } from '../../src/connectors/types.js';
import { Recorder } from '../../src/dispatch/record.js';
import { ReportBook } from '../../src/dispatch/report-book.js';
import { RestoreReceipts } from '../../src/dispatch/restore-receipts.js';
import type { JournalStore } from '../../src/store/journal-store.js';
import { KeptReceipts } from '../../src/store/kept-receipts.js';
import { RestoreHold } from '../../src/dispatch/restore-hold.js';
import type { MessageStore, SmsMessage } from '../../src/store/types.js';
import { openStore, restoredStore, sms, T0 } from '../helpers/store.js';

/**
 * The held SMS a stray receipt may be about are found once per hold, and each receipt reads only those to its
 * number: a large queue held after a restore, mostly out of memory (spooled), is not read back per receipt.
 * A real store; its reads are counted, not replaced.
 */
const H = suite<{ dir: string }>('dispatch :: the held SMS a stray receipt may be about');
H.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-held-index-'));
});
H.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const min = (n: number) => new Date(T0.getTime() + n * 60_000);
const finishedAt = min(10);
const TEXT = 'Mahnung: Rechnung 4711 ist offen';
const QUEUED = 40;

/**
 * The store after a restore, opened under its hold as the bridge opens it: QUEUED held queued SMS to as many numbers,
 * due in an hour (so spooled), and C.1 caught at smsc. `withoutHold`: those not come due since the restore, so without a hold event yet.
 */
async function held(dir: string, clock: { now: Date }, withoutHold: string[] = []): Promise<JournalStore> {
  const queued = Array.from({ length: QUEUED }, (_, i) => sms(`Q${i}.1`, { to: `+49151123400${String(i).padStart(2, '0')}`, text: TEXT }));
  await restoredStore(dir, { queued, submitting: [sms('C.1', { to: '+4915112340000', text: TEXT })], connector: 'smsc', finishedAt });
  const store = await openStore(dir, clock, undefined, { restoreHeldBefore: finishedAt.toISOString() });
  const hold = { status: 'accepted' as const, at: clock.now.toISOString(), reason: 'held after a restore', hold: 'restore' as const };
  for (const m of queued.filter((q) => !withoutHold.includes(q.id))) await store.transition(m.id, { event: hold, notBefore: min(80).toISOString() });
  await store.settled();
  return store;
}

/** The store as RestoreReceipts sees it, counting the walks (inStatus) and the SMS read (get). */
function counted(store: JournalStore): { store: MessageStore; walks: string[]; reads: string[] } {
  const walks: string[] = [];
  const reads: string[] = [];
  const spy = new Proxy(store, {
    get(target, key) {
      if (key === 'inStatus') return (s: SmsMessage['status']) => (walks.push(s), target.inStatus(s));
      if (key === 'get') return (id: string) => (reads.push(id), target.get(id));
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: spy, walks, reads };
}

async function receiptsOf(dir: string, store: MessageStore, clock: { now: Date }) {
  const hold = new RestoreHold({ dir, pollMs: 0, log: () => undefined });
  await hold.open();
  const kept = new KeptReceipts({ dir, now: () => clock.now, keepHours: 48 });
  await kept.open(hold.active!.finishedAt);
  const log: Array<{ evt: string } & Record<string, unknown>> = [];
  const book = new ReportBook();
  const now = () => clock.now;
  const record = new Recorder({ store, book, wantsConfirmation: () => false, now, log: () => undefined, onEarlyReport: async () => undefined });
  const receipts = new RestoreReceipts({
    store, record, book, kept, restoreHold: (m) => hold.reason(m), exclusive: (_id, fn) => fn(), whenFree: async () => true,
    wantsConfirmation: () => false, onReport: async () => undefined, now, log: (evt, data) => log.push({ evt, ...data }),
  });
  return { receipts, log };
}

const stray = (id: string, handset: string): StrayReceipt => ({
  report: { connectorMessageId: id, status: 'delivered', at: min(20) }, handset, submittedAt: min(12), excerpt: [TEXT.slice(0, 20)],
});

H('receipts to one number :: the queue is not walked (the store indexed the held SMS, hold event or not), and only the SMS to that number (and those handed over) are read; the caught and the queued SMS it fits are both candidates, nothing settled', async ({ dir }) => {
  const clock = { now: min(20) };
  const real = await held(dir, clock);
  try {
    assert.ok(real.spooled >= QUEUED, `the held SMS are out of memory (${real.spooled})`);
    const { store, walks, reads } = counted(real);
    const { receipts, log } = await receiptsOf(dir, store, clock);
    for (let i = 0; i < 5; i++) await receipts.take('smsc', stray(`AB${i}`, '+4915112340000'));
    assert.equal(walks, [], 'no walk of the queue');
    assert.equal([...new Set(reads)].sort(), ['C.1', 'Q0.1'], 'only the SMS to the receipt\'s number, and the one handed over');
    const kept = log.filter((e) => e.evt === 'restore-receipt-kept');
    assert.is(kept.length, 5);
    assert.equal((kept[0]!.candidates as string[]).sort(), ['C.1', 'Q0.1']);
    assert.is(real.get('C.1')!.status, 'submitting', 'two fit: nothing settled');
    assert.equal(receipts.open().map((k) => k.candidates.sort()), Array(5).fill(['C.1', 'Q0.1']));
  } finally {
    await real.close();
  }
});

H('a receipt that fits the caught SMS alone :: settled as sent by the old bridge, as before; a receipt of another connector, or to another number, settles nothing', async ({ dir }) => {
  const clock = { now: min(20) };
  const real = await held(dir, clock);
  try {
    const { receipts } = await receiptsOf(dir, real, clock);
    await receipts.take('other', stray('CD1', '+4915112340000'));
    await receipts.take('smsc', stray('CD2', '+4915112349999'));
    assert.is(real.get('C.1')!.status, 'submitting');
    await receipts.take('smsc', { ...stray('CD3', '+4915112340000'), excerpt: ['anders'] });
    assert.is(real.get('C.1')!.status, 'submitting', 'its text fits neither');
    await real.transition('Q0.1', { event: { status: 'cancelled', at: clock.now.toISOString(), reason: 'went before the restore' } });
    await receipts.take('smsc', stray('cd4', '+4915112340000'));
    const m = real.get('C.1')!;
    assert.equal([m.status, m.history.at(-2)?.backup, m.history.at(-2)?.connectorMessageId], ['delivered', 'sent', 'cd4']);
  } finally {
    await real.close();
  }
});

H('a held SMS without a hold event when the first receipt came (not due since the restore) :: a candidate after it gets one too, from the index made at that receipt', async ({ dir }) => {
  const clock = { now: min(20) };
  const real = await held(dir, clock, ['Q0.1']);
  try {
    const { receipts, log } = await receiptsOf(dir, real, clock);
    await receipts.take('smsc', stray('EF1', '+4915112340001'));
    await real.transition('Q0.1', { event: { status: 'accepted', at: clock.now.toISOString(), reason: 'held after a restore', hold: 'restore' }, notBefore: min(80).toISOString() });
    await receipts.take('smsc', stray('EF2', '+4915112340000'));
    const kept = log.filter((e) => e.evt === 'restore-receipt-kept' && e.connectorMessageId === 'EF2');
    assert.equal((kept[0]?.candidates as string[] | undefined)?.sort(), ['C.1', 'Q0.1'], 'the caught and the queued one fit: nothing settled');
    assert.is(real.get('C.1')!.status, 'submitting');
  } finally {
    await real.close();
  }
});

H('regression: a held queued SMS with no hold event yet (not due since the restore; the old bridge may have sent it) :: a candidate, so a receipt that fits it and the caught one settles neither', async ({ dir }) => {
  const clock = { now: min(20) };
  const real = await held(dir, clock, ['Q0.1']);
  try {
    assert.not.ok(real.get('Q0.1')!.history.some((e) => e.hold), 'no hold event yet');
    const { receipts, log } = await receiptsOf(dir, real, clock);
    await receipts.take('smsc', stray('GH1', '+4915112340000'));
    const kept = log.filter((e) => e.evt === 'restore-receipt-kept' && e.connectorMessageId === 'GH1');
    assert.equal((kept[0]?.candidates as string[] | undefined)?.sort(), ['C.1', 'Q0.1']);
    assert.is(real.get('C.1')!.status, 'submitting', 'not settled as sent: the receipt may be the queued one\'s');
  } finally {
    await real.close();
  }
});

H('a held queued SMS an operator marked not sent :: no candidate (checked, it did not go), so a receipt that fits the caught one alone settles it', async ({ dir }) => {
  const clock = { now: min(20) };
  const real = await held(dir, clock);
  try {
    await real.transition('Q0.1', { event: { status: 'accepted', at: clock.now.toISOString(), reason: 'marked not sent', by: 'ops', backup: 'not-sent' }, notBefore: clock.now.toISOString() });
    const { receipts } = await receiptsOf(dir, real, clock);
    await receipts.take('smsc', stray('IJ1', '+4915112340000'));
    assert.equal([real.get('C.1')!.status, real.get('C.1')!.history.at(-2)?.connectorMessageId], ['delivered', 'IJ1']);
  } finally {
    await real.close();
  }
});

H.run();
