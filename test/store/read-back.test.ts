import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { JournalStoreOptions } from '../../src/store/journal-store.js';
import { readBack } from '../../src/store/read-back.js';
import { Snapshot, type SnapshotData } from '../../src/store/snapshot.js';
import type { SmsMessage } from '../../src/store/types.js';
import { call } from '../helpers/api.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { at, dispatch, json, openStore, sms, T0, tomorrow } from '../helpers/store.js';

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

/** What the journal holds of each of them: accepted for tomorrow, its acceptance confirmation sent. */
const durable = (id: string) => json({ ...tomorrow(id), confirmations: [{ stage: 'accepted', attempts: 0, notBefore: T0.toISOString(), sentAt: T0.toISOString(), where: `/outbox/${id}.eml` }] });

/** Sixty SMS for tomorrow whose acceptance confirmations went out: all in the spool, each with its journal history. */
async function spooledStore(dir: string, log: Array<Record<string, unknown>>, more: Partial<JournalStoreOptions> = {}) {
  const clock = { now: T0 };
  const s = await openStore(dir, clock, (evt, data) => log.push({ evt, ...data }), more);
  const ids = Array.from({ length: 60 }, (_, i) => `M${i}.1`);
  await s.accept({ messages: ids.map(tomorrow), dedupKeys: ids.map(() => undefined) });
  for (const id of ids) await s.confirmationSent(id, 'accepted', `/outbox/${id}.eml`, T0);
  await s.settled();
  assert.is(s.spooled, 60);
  const before = new Map(ids.map((id) => [id, durable(id)]));
  return { s, clock, ids, before, spool: join(dir, 'spool', '0.jsonl') };
}

const events = (log: Array<Record<string, unknown>>, evt: string) => log.filter((e) => e.evt === evt);

R('get :: the spool page came back as zeros :: the message as the journal has it, all spooled ones back in memory, logged once', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const { s, before, spool } = await spooledStore(dir, log);
  await writeFile(spool, Buffer.alloc((await stat(spool)).size));
  assert.equal(json(s.get('M7.1')), before.get('M7.1'));
  const failed = events(log, 'store-spool-read-failed');
  assert.is(failed.length, 1);
  assert.is(failed[0].msgId, 'M7.1');
  assert.match(String(failed[0].error), /damaged/);
  assert.is(failed[0].readBack, 60);
  assert.is(s.spooled, 0, 'the spool is not trusted any more: every spooled one was read back');
  for (const [id, m] of before) assert.equal(json(s.get(id)), m, id);
  assert.is(events(log, 'store-spool-read-failed').length, 1);
  await s.close();
});

R('get :: bytes of an entry overwritten and still JSON (Freitag → Samstag) :: the durable text, never the damaged one', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const { s, before, spool } = await spooledStore(dir, log);
  const text = await readFile(spool, 'latin1');
  const where = text.indexOf('Erinnerung M7.1: bitte zahlen Sie bis Freitag');
  assert.ok(where > 0);
  const fh = await open(spool, 'r+');
  await fh.write('Samstag', where + 'Erinnerung M7.1: bitte zahlen Sie bis '.length);
  await fh.close();
  assert.is(s.get('M7.1')!.text, 'Erinnerung M7.1: bitte zahlen Sie bis Freitag.');
  assert.equal(json(s.get('M7.1')), before.get('M7.1'));
  assert.is(events(log, 'store-spool-read-failed').length, 1);
  await s.close();
});

R('change :: the spool file cut short when a cancel comes :: the cancel applies once to the durable copy, the store goes on, the restart agrees', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const fatal: Error[] = [];
  const { s, clock, before, spool } = await spooledStore(dir, log, { onFatal: (e: Error) => fatal.push(e) });
  await truncate(spool, 100);
  await s.transition('M3.1', { event: { status: 'cancelled', at: at(1), by: 'reply from clerk@acme.test' }, confirm: true });
  assert.equal(fatal, [], 'the store does not stop');
  const m = s.get('M3.1')!;
  assert.equal(m.history.map((e) => e.status), ['accepted', 'cancelled'], 'the change once');
  assert.equal(json({ ...m, history: m.history.slice(0, 1), status: 'accepted', confirmations: m.confirmations.slice(0, 1) }), before.get('M3.1'));
  assert.match(String(events(log, 'store-spool-read-failed')[0].error), /cut short/);
  // It takes and sends new mail.
  await s.accept({ messages: [sms('N.1')], dedupKeys: [undefined] });
  const sent: string[] = [];
  await dispatch(s, T0, sent);
  assert.equal(sent, ['N.1']);
  await s.close();
  const again = await openStore(dir, clock);
  assert.equal(json(again.get('M3.1')), json(m));
  assert.is(again.get('N.1')!.status, 'submitted');
  assert.is(again.counts().accepted, 59);
  await again.close();
});

R('due :: spool files that read as zeros from the start (/dev/zero) :: every scheduled SMS goes out at its time with its own text, once, through a restart', async ({ dir }) => {
  await mkdir(join(dir, 'spool'));
  for (const f of ['0.jsonl', '1.jsonl']) await symlink('/dev/zero', join(dir, 'spool', f)); // writes vanish, every read gives zeros
  const log: Array<Record<string, unknown>> = [];
  const { s, clock, ids, before } = await spooledStore(dir, log);
  clock.now = new Date(at(24 * 60));
  const due = s.due(clock.now, 100);
  assert.equal(due.map((m) => m.id).sort(), [...ids].sort());
  for (const m of due) assert.equal(json(m), before.get(m.id), m.id);
  const sent: string[] = [];
  await dispatch(s, clock.now, sent);
  await dispatch(s, clock.now, sent);
  assert.is(events(log, 'store-spool-read-failed').length, 1, 'one read-back for all of them');
  await s.close();
  const again = await openStore(dir, clock);
  await again.settled();
  await dispatch(again, clock.now, sent);
  await again.close();
  assert.equal([...sent].sort(), [...ids].sort(), 'each once');
});

R('listing :: a damaged spool :: the read models see every live message once, with its durable content', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const { s, before, spool } = await spooledStore(dir, log);
  await s.accept({ messages: [sms('H.1')], dedupKeys: [undefined] }); // due now: in memory
  await writeFile(spool, Buffer.alloc((await stat(spool)).size));
  const listed = [...s.liveMessages()];
  assert.equal(listed.map((m) => m.id).sort(), [...before.keys(), 'H.1'].sort());
  for (const m of listed) if (m.id !== 'H.1') assert.equal(json(m), before.get(m.id), m.id);
  assert.equal(s.inStatus('accepted').length, 61);
  await s.close();
});

R('snapshot :: its cut meets a damaged spool entry :: the durable copy goes in, the old journal segments go, the restart has each message once', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const { s, clock, before, spool } = await spooledStore(dir, log, { segmentBytes: 64 * 1024 });
  await writeFile(spool, Buffer.alloc((await stat(spool)).size));
  const journal = join(dir, 'journal');
  const segments = await readdir(journal);
  // New mail until the segment rolls over: a compaction, whose snapshot carries the spooled ones.
  for (let i = 0; (await readdir(journal)).length === segments.length; i++) await s.accept({ messages: [sms(`B${i}.1`)], dedupKeys: [undefined] });
  for (let i = 0; (await readdir(journal)).includes(segments[0]) && !events(log, 'store-compact-failed').length; i++) {
    if (i === 500) assert.unreachable('no compaction within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  await s.close();
  assert.equal(events(log, 'store-compact-failed'), []);
  assert.not.ok((await readdir(journal)).includes(segments[0]), 'the segments before the snapshot are deleted');
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SnapshotData;
  const inSnap = new Map(snap.messages.map((m) => [m.id, m]));
  assert.is(inSnap.size, snap.messages.length, 'no message twice');
  for (const [id, m] of before) assert.equal(inSnap.get(id), m, id);
  const again = await openStore(dir, clock);
  for (const [id, m] of before) assert.equal(json(again.get(id)), m, id);
  await again.close();
});

R('read-back fails too (a journal line destroyed) :: the store stops as before, and says why', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const fatal: Error[] = [];
  const { s, spool } = await spooledStore(dir, log, { onFatal: (e: Error) => fatal.push(e) });
  await writeFile(spool, '');
  const [seg] = await readdir(join(dir, 'journal'));
  const fh = await open(join(dir, 'journal', seg), 'r+');
  await fh.write('#', 0); // the first record cannot be parsed any more
  await fh.close();
  await s.transition('M3.1', { event: { status: 'cancelled', at: at(1) } });
  assert.is(fatal.length, 1);
  assert.match(fatal[0].message, /corrupted at line 1/);
  assert.equal(log.map((e) => String(e.evt)).filter((e) => e.startsWith('store-spool') || e === 'store-broken'), ['store-spool-read-failed', 'store-broken']);
  try {
    await s.accept({ messages: [sms('B.1')], dedupKeys: [undefined] });
    assert.unreachable('a stopped store takes nothing more');
  } catch (e) {
    assert.match((e as Error).message, /^the store has stopped: /);
  }
  await s.close();
});

R('read-back fails, then a segment rolls over :: the stopped store takes no snapshot, the segment with the record it could not apply stays', async ({ dir }) => {
  const log: Array<Record<string, unknown>> = [];
  const fatal: Error[] = [];
  let intact = Buffer.alloc(0);
  // The spool is readable again at once (a passing fault): memory without the record could now be snapshotted.
  const onFatal = (e: Error) => {
    fatal.push(e);
    writeFileSync(spool, intact);
  };
  const { s, spool } = await spooledStore(dir, log, { onFatal, segmentBytes: 256 * 1024 });
  intact = await readFile(spool);
  await writeFile(spool, Buffer.alloc(intact.length));
  const journal = join(dir, 'journal');
  const [seg] = await readdir(journal);
  const fh = await open(join(journal, seg), 'r+');
  await fh.write('#', 0); // the first record cannot be parsed any more: the read-back fails too
  await fh.close();
  // A cancel long enough to fill the segment: it rolls over, which starts a compaction.
  await s.transition('M3.1', { event: { status: 'cancelled', at: at(1), by: 'reply from clerk@acme.test', reason: 'x'.repeat(256 * 1024) } });
  assert.is(fatal.length, 1);
  await waitFor('the compaction failure logged', () => events(log, 'store-compact-failed').length > 0);
  assert.match(String(events(log, 'store-compact-failed')[0]?.error), /^no snapshot: the store has stopped \(/);
  assert.ok((await readdir(journal)).includes(seg), 'the segment holding the cancel is kept');
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SnapshotData;
  assert.equal([snap.seq, snap.messages], [0, []], 'only the snapshot of the start');
  await s.close();
});

R.run();

const B = suite('store read-back (the bridge with a damaged spool)');

/**
 * The whole path: a mail scheduled an hour ahead leaves memory for the spool,
 * the spool file loses its page, and at its time the SMS still goes out,
 * once, with its text; the bridge takes and sends mail afterwards and after
 * a restart, and the metric counts the read-back.
 */
B('scheduled mail, spool page lost :: sent at its time with its own text, once; new mail goes out, also after a restart', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  let b = await startTestBridge({}, undefined, { now });
  const dir = b.dir;
  try {
    const send = (text: string, headers: Record<string, string> = {}) =>
      mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345671@sms.localhost', subject: 'Mahnung', text, headers });
    const idOf = (r: string) => `${queuedAs(r)}.1`;
    const sendAt = new Date(Math.ceil(now().getTime() / 1000) * 1000 + 3600_000);
    const later = idOf((await send('Bitte zahlen Sie bis Freitag.', { 'X-SMS-Send-At': sendAt.toISOString().replace('.000Z', 'Z') })).response);
    await waitFor('the scheduled SMS in the spool', () => b.store.spooled === 1);
    const spool = join(dir, 'spool', '0.jsonl');
    await writeFile(spool, Buffer.alloc((await stat(spool)).size));

    clock.offset += 3601_000;
    const sent = await waitFor('the scheduled SMS', () => b.sim.sent.find((m) => m.id === later));
    assert.is(sent.text, 'Bitte zahlen Sie bis Freitag.');
    assert.equal(b.events.filter((e) => e.evt === 'store-spool-read-failed').map((e) => e.msgId), [later]);
    assert.match(String((await call(b, 'GET', '/metrics')).body), /^mail2sms_store_spool_read_failures_total 1$/m);

    const next = idOf((await send('Jetzt.')).response);
    await waitFor('a new SMS', () => b.sim.sent.find((m) => m.id === next));
    await waitFor('both delivered', () => ['delivered', 'delivered'].join() === [later, next].map((id) => b.store.get(id)?.status).join());
    await b.stop();
    b = await startTestBridge({}, dir, { now });
    const after = idOf((await send('Nach dem Neustart.')).response);
    await waitFor('the SMS after the restart', () => b.sim.sent.find((m) => m.id === after));
    assert.equal(b.sim.sent.map((m) => m.id), [after], 'nothing sent again');
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

B.run();
