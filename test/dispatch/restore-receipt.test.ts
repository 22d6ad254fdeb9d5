import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { holdCommand } from '../../src/cli/hold.js';
import { receiptDate } from '../../src/connectors/smpp/receipt-build.js';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { splitSegments } from '../../src/sms/segments.js';
import { writeRestoreMarker } from '../../src/store/restore-marker.js';
import type { SmsMessage } from '../../src/store/types.js';
import { confirmationMails, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

/**
 * After a restore, an SMPP receipt for an SMS the backup caught being handed over names only the SMSC's id,
 * which went to the old bridge: the restored bridge recognises the SMS by the receipt's number, submit date and
 * text, settles it as sent by the old bridge with the receipt's outcome when exactly one held SMS fits, lists
 * the receipt when several do, and links it when an operator names its id (hold mark … --carrier-id). A real
 * SMPP peer (the SMSC simulator) sends the receipts over a real bind.
 */
const R = suite<{ dir: string; sim: SmscSimulator; port: number }>('dispatch :: an SMPP receipt of a restore-held SMS');
const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };

R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-restore-receipt-'));
  ctx.sim = new SmscSimulator({ ...LOGIN });
  ctx.port = (await ctx.sim.start()).port;
});
R.after.each(async (ctx) => {
  await ctx.sim.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

const backupAt = new Date(Date.now() - 60_000);
const before = new Date(backupAt.getTime() - 60_000).toISOString();
/** When the old bridge handed them over: after the backup. */
const sentAt = new Date(backupAt.getTime() + 30_000);
const TEXT = 'Mahnung: Rechnung 4711 ist seit dem 1. offen';

function sms(id: string, to: string, text = TEXT): SmsMessage {
  return {
    id, mailId: id.split('.')[0]!, account: 'default', to, text, encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: `${to}@sms.localhost`, receivedAt: before, subject: 'Mahnung' },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: before }], attempts: 0, notBefore: before, confirmations: [],
  };
}

/** What the backup copied: `caught` being handed to the SMPP connector smsc, and the marker of a finished backup. */
async function restoredWith(dir: string, caught: SmsMessage[]): Promise<void> {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  await store.accept({ messages: caught, dedupKeys: caught.map(() => undefined) });
  for (const m of caught) await store.transition(m.id, { event: { status: 'submitting', at: before, connector: 'smsc' }, attempts: 1 });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
}

const start = (dir: string, port: number, smpp: Record<string, unknown> = {}) =>
  startTestBridge({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, ...smpp } }] } as never, dir);

function capture() {
  const io = { out: '', err: '' };
  return { io, cli: { readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t) } };
}

const oldReceipt = (sim: SmscSimulator, id: string, to: string, stat: 'DELIVRD' | 'UNDELIV' = 'DELIVRD') =>
  sim.sendReceiptFor({ systemId: LOGIN.systemId, id, to, text: TEXT, submitted: sentAt, stat });

R('a receipt under an id the restored bridge never saw fits one caught SMS :: settled as sent by the old bridge, delivered, the clerk told so; nothing sent, not at the release either', async ({ dir, sim, port }) => {
  await restoredWith(dir, [sms('S.1', '+4915112340001'), sms('S.2', '+4915112340002')]);
  const b = await start(dir, port);
  try {
    const receipt = oldReceipt(sim, '000BEEF1', '+4915112340001');
    await waitFor('the receipt acknowledged', () => receipt.acked);
    const m = await waitFor('S.1 delivered', () => (b.store.get('S.1')?.status === 'delivered' ? b.store.get('S.1') : undefined));
    assert.equal(m.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
    const verdict = m.history[2]!;
    assert.equal([verdict.backup, verdict.connector, verdict.connectorMessageId], ['sent', 'smsc', 'beef1']);
    assert.is(verdict.by, 'this bridge, from smsc\'s delivery receipt (delivered, id beef1)');
    assert.match(verdict.reason!, /^handed to the carrier through smsc by the bridge the backup was taken of, as smsc's delivery receipt .* for \+4915112340001, taken by the SMSC at .* shows; not sent again$/);
    assert.is(b.store.get('S.2')!.status, 'submitting', 'the other held SMS is left as it was');
    assert.match((await confirmationMails(b, 'S.1', 1)).get('delivered')?.subject ?? '', /^SMS delivered to \+4915112340001/);
    assert.ok(b.events.some((e) => e.evt === 'sms-backup-verdict' && e.msgId === 'S.1' && e.was === 'caught'));

    assert.is(await holdCommand(['release'], b.config, capture().cli), 0);
    await waitFor('S.2 settled at the release', () => b.store.get('S.2')?.status === 'failed');
    assert.is(b.store.get('S.1')!.status, 'delivered');
    assert.equal(sim.received, [], 'nothing handed to the SMSC again');
  } finally {
    await b.stop();
  }
});

R('an SMSC in Europe/Berlin writes the submit date in its local time :: read in the connector\'s receiptTimeZone, the receipt fits and settles the SMS', async ({ dir, sim, port }) => {
  // Read as UTC, a Berlin submit date lies an hour or two after the first start on the restored store: it would fit nothing.
  sim.set({ receiptTimeZone: 'Europe/Berlin' });
  await restoredWith(dir, [sms('Z.1', '+4915112340009')]);
  const b = await start(dir, port, { receiptTimeZone: 'Europe/Berlin' });
  try {
    const receipt = oldReceipt(sim, '7E57', '+4915112340009');
    assert.match(receipt.text, new RegExp(`submit date:${receiptDate(sentAt, 'Europe/Berlin')} `), 'the SMSC wrote its local time');
    await waitFor('the receipt acknowledged', () => receipt.acked);
    const m = await waitFor('Z.1 delivered', () => (b.store.get('Z.1')?.status === 'delivered' ? b.store.get('Z.1') : undefined));
    assert.is(m.history.at(-2)!.connectorMessageId, '7e57');
    assert.match(m.history.at(-2)!.reason!, new RegExp(`taken by the SMSC at ${new Date(Math.floor(sentAt.getTime() / 60_000) * 60_000).toISOString()}, shows`));
  } finally {
    await b.stop();
  }
});

R('a receipt that fits two caught SMS :: neither settled, hold lists the receipt with both; mark --carrier-id settles the one named with that receipt\'s outcome, and a later receipt finds one linked before it came', async ({ dir, sim, port }) => {
  const to = '+4915112340003';
  await restoredWith(dir, [sms('T.1', to), sms('T.2', to), sms('T.3', '+4915112340004', 'Termin morgen um 9')]);
  const first = await start(dir, port);
  try {
    const receipt = oldReceipt(sim, '00C0FFEE', to, 'UNDELIV');
    await waitFor('the receipt acknowledged', () => receipt.acked);
    await waitFor('kept', () => first.events.some((e) => e.evt === 'restore-receipt-kept'));
    assert.equal(['T.1', 'T.2'].map((id) => first.store.get(id)!.status), ['submitting', 'submitting'], 'nothing settled');
  } finally {
    await first.stop();
  }
  // Acknowledged, the SMSC never sends it again: it was kept on disk, and a restart still has it.
  const b = await start(dir, port);
  try {

    const shown = capture();
    assert.is(await holdCommand([], b.config, shown.cli), 0, shown.io.err);
    assert.match(shown.io.out, /\ndelivery receipts that fit more than one held SMS \(none settled;/);
    assert.match(shown.io.out, /\nreceipt c0ffee from smsc \(failed: UNDELIV[^)]*\)\) for \+4915112340003, submitted \S+ text "Mahnung: Rechnung 47": fits T\.(1, T\.2|2, T\.1)\n/);
    assert.match(shown.io.err, /1 delivery receipts fit more than one held SMS/);

    const marked = capture();
    assert.is(await holdCommand(['mark', 'T.2', 'sent', '--carrier-id', 'C0FFEE'], b.config, marked.cli), 0, marked.io.err);
    assert.match(marked.io.out, /marked sent: not sent again; its receipts under the carrier's id C0FFEE settle it/);
    const t2 = b.store.get('T.2')!;
    assert.equal(t2.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'failed']);
    assert.match(t2.history.at(-1)!.reason!, /^UNDELIV/);
    assert.is(b.store.get('T.1')!.status, 'submitting');

    // Linked before its receipt came: the receipt, under the id in another form (decimal), settles it.
    assert.is(await holdCommand(['mark', 'T.3', 'sent', '--carrier-id', '0A1B2C'], b.config, capture().cli), 0);
    assert.is(b.store.get('T.3')!.status, 'submitted');
    // Its text fits no part of T.3: only the link finds it.
    const later = sim.sendReceiptFor({ systemId: LOGIN.systemId, id: '662316', to: '+4915112340004', text: 'anders', submitted: sentAt });
    await waitFor('T.3 delivered', () => b.store.get('T.3')?.status === 'delivered');
    await waitFor('acknowledged', () => later.acked);

    const refused = capture();
    assert.is(await holdCommand(['mark', 'T.1', 'not-sent', '--carrier-id', 'X'], b.config, refused.cli), 2, 'a carrier id goes with sent only');
    assert.equal(sim.received, []);
  } finally {
    await b.stop();
  }
});

R('a long SMS caught being handed over :: its first part\'s receipt settles it as sent, the second part\'s (fitting by that part\'s start) decides it delivered', async ({ dir, sim, port }) => {
  const long = `${'Erste Mahnung. '.repeat(11)}Zweiter Teil: bitte zahlen Sie bis Freitag.`;
  await restoredWith(dir, [{ ...sms('L.1', '+4915112340005', long), segments: 2 }]);
  const b = await start(dir, port);
  try {
    const first = sim.sendReceiptFor({ systemId: LOGIN.systemId, id: 'AA01', to: '+4915112340005', text: long, submitted: sentAt });
    await waitFor('part 1 acknowledged', () => first.acked);
    const settled = await waitFor('settled as sent', () => (b.store.get('L.1')?.status === 'submitted' ? b.store.get('L.1') : undefined));
    assert.equal([settled.history.at(-1)!.backup, settled.history.at(-1)!.connectorMessageId], ['sent', 'aa01']);
    const second = sim.sendReceiptFor({ systemId: LOGIN.systemId, id: 'AA02', to: '+4915112340005', text: long.slice(153), submitted: sentAt });
    await waitFor('delivered', () => b.store.get('L.1')?.status === 'delivered');
    // Answered once stored: the deliver_sm_resp reaches the SMSC a moment after the store has it (it failed once under load when read at once).
    await waitFor('part 2 acknowledged', () => second.acked);
    assert.equal(sim.received, []);
  } finally {
    await b.stop();
  }
});

R('a receipt kept, then the bridge stopped before it settled the SMS and answered :: the SMSC\'s repeat settles it', async ({ dir, sim, port }) => {
  const to = '+4915112340007';
  await restoredWith(dir, [sms('K.1', to)]);
  // What a bridge stopped between keeping the receipt and writing the verdict left: the receipt, on no SMS.
  const minute = new Date(Math.floor(sentAt.getTime() / 60_000) * 60_000).toISOString();
  const receipt = { connector: 'smsc', id: '4b1d', status: 'delivered', at: new Date().toISOString(), handset: to, submittedAt: minute, excerpt: [TEXT.slice(0, 20)] };
  await writeFile(join(dir, 'restore-receipts.json'), `${JSON.stringify({ version: 1, restoredFrom: backupAt.toISOString(), heldSince: new Date().toISOString(), receipts: [receipt] })}\n`);
  const b = await start(dir, port);
  try {
    const again = oldReceipt(sim, '4B1D', to);
    await waitFor('K.1 delivered', () => b.store.get('K.1')?.status === 'delivered');
    await waitFor('the repeat acknowledged', () => again.acked);
    assert.is(b.store.get('K.1')!.history.at(-2)!.connectorMessageId, '4b1d');
  } finally {
    await b.stop();
  }
});

R('a long SMS settled by its first part\'s receipt :: the other parts\' receipts, after the release and after a restart, still find it: delivered, not "sent, no delivery report"', async ({ dir, sim, port }) => {
  const long = `${'Dritte Mahnung. '.repeat(10)}Teil zwei folgt hier, ${'und noch mehr Text. '.repeat(7)}Teil drei: bitte zahlen Sie bis Freitag.`;
  const to = '+4915112340006';
  await restoredWith(dir, [{ ...sms('P.1', to, long), segments: 3 }]);
  const part = (n: number) => splitSegments(long, 'GSM7')[n - 1]!;
  const send = (id: string, n: number) => sim.sendReceiptFor({ systemId: LOGIN.systemId, id, to, text: part(n), submitted: sentAt });
  const b = await start(dir, port);
  try {
    const first = send('BB01', 1);
    await waitFor('part 1 acknowledged', () => first.acked);
    await waitFor('settled as sent', () => b.store.get('P.1')?.status === 'submitted');
    assert.is(await holdCommand(['release'], b.config, capture().cli), 0);
    await waitFor('the release seen', () => b.events.some((e) => e.evt === 'dispatch-released'));
    const second = send('BB02', 2);
    await waitFor('part 2 acknowledged', () => second.acked);
    assert.is(b.store.get('P.1')!.status, 'submitted', 'part 3 is still outstanding');
    const kept = JSON.parse(await readFile(join(dir, 'restore-receipts.json'), 'utf8')) as { released?: boolean; receipts: Array<{ id: string; sms?: string }> };
    assert.equal([kept.released, kept.receipts.map((k) => [k.id, k.sms])], [true, [['bb01', 'P.1'], ['bb02', 'P.1']]], 'only the open SMS\'s receipts are kept after the release');
  } finally {
    await b.stop();
  }
  const again = await start(dir, port);
  try {
    const third = send('BB03', 3);
    await waitFor('P.1 delivered', () => again.store.get('P.1')?.status === 'delivered');
    await waitFor('part 3 acknowledged', () => third.acked);
    await waitFor('nothing kept once it is decided', () => readFile(join(dir, 'restore-receipts.json')).then(() => false, () => true));
    assert.equal(sim.received, []);
  } finally {
    await again.stop();
  }
});

R.run();
