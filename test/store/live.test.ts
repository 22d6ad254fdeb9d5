import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { LiveMessages, type LiveOptions } from '../../src/store/live.js';
import type { SmsMessage } from '../../src/store/types.js';
import type { SnapshotData } from '../../src/store/snapshot.js';
import { at, dispatch, json, openStore, sms, T0, tomorrow } from '../helpers/store.js';

const S = suite<{ dir: string }>('store live (queued far ahead leave memory)');
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'live-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const open = openStore;

S('far ahead :: leaves memory only once its acceptance confirmation is sent; due soon or now it stays', async ({ dir }) => {
  const s = await open(dir);
  await s.accept({ messages: [tomorrow('A.1'), sms('B.1'), sms('C.1', { notBefore: at(10) })], dedupKeys: [undefined, undefined, undefined] });
  await s.settled();
  assert.is(s.spooled, 0, 'a confirmation is owed');
  await s.confirmationSent('A.1', 'accepted', '/outbox/A.eml', T0);
  await s.settled();
  assert.is(s.spooled, 1);
  assert.equal(s.counts().accepted, 3);
  await s.close();
});

S('siblingsOf :: the other SMS of the mail that are in memory; a far-ahead one that left memory is not read back for it', async ({ dir }) => {
  const s = await open(dir);
  await s.accept({ messages: [sms('M.1', { ofMail: 3 }), sms('M.2', { ofMail: 3 }), { ...tomorrow('M.3'), ofMail: 3 }, sms('N.1')], dedupKeys: [undefined, undefined, undefined, undefined] });
  assert.equal(s.siblingsOf(s.get('M.1')!).map((m) => m.id), ['M.2', 'M.3']);
  assert.equal(s.siblingsOf(s.get('N.1')!), [], 'alone in its mail');
  await s.confirmationSent('M.3', 'accepted', '/outbox/M.eml', T0);
  await s.settled();
  assert.is(s.spooled, 1);
  assert.equal(s.siblingsOf(s.get('M.1')!).map((m) => m.id), ['M.2']);
  assert.is(s.spooled, 1, 'still out of memory');
  await s.close();
});

S('far ahead :: read back it is the same message; listed, due at its time, changed, and all of it after a restart', async ({ dir }) => {
  const clock = { now: T0 };
  const s = await open(dir, clock);
  await s.accept({ messages: [tomorrow('A.1'), tomorrow('B.1')], dedupKeys: [undefined, undefined] });
  await s.confirmationSent('A.1', 'accepted', '/outbox/A.eml', T0);
  await s.confirmationSent('B.1', 'accepted', '/outbox/B.eml', T0);
  const listed = () => [...s.liveMessages()].map(json).find((m) => (m as SmsMessage).id === 'A.1');
  const before = listed();
  await s.settled();
  assert.is(s.spooled, 2);
  assert.equal(listed(), before, 'listed as it was (a copy)');
  assert.is(s.spooled, 2, 'listing leaves them out of memory');
  assert.equal(s.inStatus('accepted').map((m) => m.id).sort(), ['A.1', 'B.1']);
  assert.equal(s.due(new Date(at(24 * 60 - 1)), 10), [], 'not due yet');
  assert.equal(json(s.get('A.1')), before, 'read back by id');
  assert.is(s.spooled, 1);
  await s.transition('B.1', { event: { status: 'cancelled', at: at(5), by: 'reply from clerk@acme.test' }, confirm: true });
  assert.equal(s.get('B.1')!.history.map((e) => e.status), ['accepted', 'cancelled'], 'a change reads it back first');
  clock.now = new Date(at(24 * 60));
  assert.equal(s.due(clock.now, 10).map((m) => m.id), ['A.1']);
  await s.close();
  const again = await open(dir, { now: T0 });
  assert.equal(json(again.get('A.1')), before);
  assert.is(again.get('B.1')!.status, 'cancelled');
  await again.close();
});

S('far ahead :: spooled ones go into the snapshot (compaction) and come back from it', async ({ dir }) => {
  const s = await open(dir);
  const ids = Array.from({ length: 30 }, (_, i) => `Q${i}.1`);
  await s.accept({ messages: ids.map(tomorrow), dedupKeys: ids.map(() => undefined) });
  for (const id of ids) await s.confirmationSent(id, 'accepted', `/outbox/${id}.eml`, T0);
  await s.settled();
  assert.is(s.spooled, 30);
  await s.close(); // the next start compacts: the snapshot then holds them
  const b = await open(dir);
  await b.close();
  const c = await open(dir);
  assert.equal(c.inStatus('accepted').map((m) => m.id).sort(), [...ids].sort());
  assert.is(c.get('Q7.1')!.confirmations[0].where, '/outbox/Q7.1.eml');
  await c.close();
});

S('1,000 scheduled :: they leave memory, one is cancelled, and through restarts every other one is due at its time, once', async ({ dir }) => {
  const minutes = (i: number) => (i % 2 ? 24 * 60 : 48 * 60);
  const ids = Array.from({ length: 1000 }, (_, i) => `M${i}.1`);
  const clock = { now: T0 };
  let s = await open(dir, clock);
  await s.accept({ messages: ids.map((id, i) => sms(id, { sendAt: at(minutes(i)), notBefore: at(minutes(i)) })), dedupKeys: ids.map(() => undefined) });
  await s.settled();
  assert.is(s.spooled, 1000);
  await s.transition('M501.1', { event: { status: 'cancelled', at: at(1), reason: 'cancelled by reply' } });
  assert.is(s.spooled, 999, 'the cancelled one was read back to be changed');
  await s.close();
  const spoolSize = async () => (await stat(join(dir, 'spool', '0.jsonl'))).size;
  const before = await spoolSize();

  s = await open(dir, clock);
  await s.settled();
  assert.is(s.spooled, 999, 'after a restart (spool emptied, state rebuilt) they leave memory again');
  assert.ok(await spoolSize() < before, 'the spool file was emptied at the start: it holds this run\'s 999 entries only');
  assert.equal({ accepted: s.counts().accepted, cancelled: s.counts().cancelled }, { accepted: 999, cancelled: 1 });
  const sent: string[] = [];
  clock.now = new Date(at(24 * 60 - 1));
  await dispatch(s, clock.now, sent);
  assert.equal(sent, [], 'nothing before its time');
  clock.now = new Date(at(24 * 60));
  await dispatch(s, clock.now, sent);
  assert.is(sent.length, 499);
  assert.ok(sent.every((id) => Number(id.slice(1, -2)) % 2 === 1), 'only those due tomorrow');
  await dispatch(s, clock.now, sent);
  assert.is(sent.length, 499, 'handed over once');
  await s.close();

  s = await open(dir, clock);
  await dispatch(s, clock.now, sent);
  assert.is(sent.length, 499, 'not again after a restart');
  clock.now = new Date(at(48 * 60));
  await dispatch(s, clock.now, sent);
  await s.close();
  s = await open(dir, { now: new Date(at(49 * 60)) });
  await dispatch(s, new Date(at(49 * 60)), sent);
  await s.close();
  assert.is(new Set(sent).size, sent.length, 'none twice');
  assert.equal([...sent].sort(), ids.filter((id) => id !== 'M501.1').sort(), 'all but the cancelled one');
});

S('snapshot :: written while messages leave memory and change, it holds each exactly once, and a restart repeats no change', async ({ dir }) => {
  const later = Array.from({ length: 600 }, (_, i) => `F${i}.1`);
  const soon = Array.from({ length: 100 }, (_, i) => `N${i}.1`);
  const s = await open(dir);
  await s.accept({ messages: [...later.map((id) => sms(id, { notBefore: at(24 * 60) })), ...soon.map((id) => sms(id))], dedupKeys: [...later, ...soon].map(() => undefined) });
  await s.close();
  // The next start compacts (snapshot) while it moves the 600 out of memory, and changes come in meanwhile.
  const b = await open(dir);
  await Promise.all(['F7.1', 'N3.1'].map((id) => b.transition(id, { event: { status: 'cancelled', at: at(2) }, confirm: true })));
  await b.settled();
  await b.close();
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SnapshotData;
  const inSnap = snap.messages.map((m) => m.id);
  assert.is(new Set(inSnap).size, inSnap.length, 'no message twice');
  assert.equal([...inSnap].sort(), [...later, ...soon].sort(), 'none missing');
  const c = await open(dir);
  for (const id of ['F7.1', 'N3.1']) {
    assert.equal(c.get(id)!.history.map((e) => e.status), ['accepted', 'cancelled'], `${id}: its change once`);
    assert.is(c.get(id)!.confirmations.length, 1, `${id}: one confirmation owed, not two`);
  }
  assert.is(c.counts().accepted, 698);
  await c.close();
});

S('spool write fails (disk full) :: the messages stay in memory, nothing is lost, the failure is logged once', async ({ dir }) => {
  await mkdir(join(dir, 'spool'));
  for (const f of ['0.jsonl', '1.jsonl']) await symlink('/dev/full', join(dir, 'spool', f)); // every write: ENOSPC
  const logged: string[] = [];
  const clock = { now: T0 };
  const s = await open(dir, clock, (evt) => logged.push(evt));
  const ids = Array.from({ length: 50 }, (_, i) => `D${i}.1`);
  await s.accept({ messages: ids.map((id) => sms(id, { notBefore: at(24 * 60) })), dedupKeys: ids.map(() => undefined) });
  await s.settled();
  assert.is(s.spooled, 0);
  assert.is(logged.filter((e) => e === 'store-spool-failed').length, 1);
  assert.equal([...s.liveMessages()].map((m) => m.id).sort(), [...ids].sort());
  clock.now = new Date(at(24 * 60));
  assert.equal(s.due(clock.now, 100).map((m) => m.id).sort(), [...ids].sort());
  await s.close();
  const again = await open(dir);
  assert.is(again.counts().accepted, 50);
  await again.close();
});

const L = suite<{ dir: string }>('store live spool files');
L.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'spool-'));
});
L.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

/** LiveMessages on its own; `readBack` stands in for the snapshot and the journal (by default nothing may be read back). */
const liveIn = (dir: string, over: Partial<LiveOptions> = {}) => new LiveMessages({
  dir: join(dir, 'spool'), coolable: () => true, readBack: () => {
    throw new Error('nothing is to be read back');
  }, ...over,
});

/** 60 messages in a spool that rotates from 4 KB on, all of them cold. */
async function sixtySpooled(dir: string, over: Partial<LiveOptions> = {}): Promise<{ live: LiveMessages; all: SmsMessage[] }> {
  const live = liveIn(dir, { rotateBytes: 4096, ...over });
  live.open();
  const all = Array.from({ length: 60 }, (_, i) => sms(`R${i}.1`));
  for (const m of all) live.set(m);
  for (const m of all) live.consider(m);
  await live.settled();
  return { live, all };
}

L('spool :: when its file is mostly dead entries, the live ones move to the other file and the old one is emptied', async ({ dir }) => {
  const { live, all } = await sixtySpooled(dir);
  assert.is(live.coldCount, 60);
  for (const m of all.slice(0, 50)) live.delete(m.id); // sent and archived, say
  live.consider(live.get('R55.1')!); // a read back and let go again: a new entry, which starts the move
  await live.settled();
  const sizes = await Promise.all(['0.jsonl', '1.jsonl'].map(async (f) => (await stat(join(dir, 'spool', f))).size));
  assert.ok(sizes.includes(0), `one file emptied: ${sizes.join(', ')}`);
  assert.equal([...live.values()].map((m) => m.id).sort(), all.slice(50).map((m) => m.id).sort());
  for (const m of all.slice(50)) assert.equal(json(live.get(m.id)), json(m));
  await live.close();
  assert.equal((await readdir(join(dir, 'spool'))).sort(), ['0.jsonl', '1.jsonl']);
});

/** A read-back from the originals (`known`, by id), that notes what it was asked. */
function readBackOf(known: Map<string, SmsMessage>, asked: Array<[string[], number | undefined]>): LiveOptions['readBack'] {
  return (ids, asOf) => {
    asked.push([[...ids].sort(), asOf]);
    return new Map(ids.map((id) => [id, structuredClone(known.get(id)!)]));
  };
}

L('spool :: a damaged entry met while the live ones move to the other file :: all read back once, the move ends, the old file is emptied', async ({ dir }) => {
  const asked: Array<[string[], number | undefined]> = [];
  const logged: Array<Record<string, unknown>> = [];
  const known = new Map<string, SmsMessage>();
  const { live, all } = await sixtySpooled(dir, { log: (evt, data) => logged.push({ evt, ...data }), readBack: readBackOf(known, asked) });
  const extra = sms('S.1');
  for (const m of [...all, extra]) known.set(m.id, m);
  for (const m of all.slice(0, 50)) live.delete(m.id);
  const file = join(dir, 'spool', '0.jsonl');
  await writeFile(file, Buffer.alloc((await stat(file)).size)); // the page is lost
  live.set(extra);
  live.consider(extra); // a new entry: the file is mostly dead, the move starts without any read before it
  await live.settled();
  assert.equal(logged.map((e) => e.evt), ['store-spool-read-failed']);
  assert.equal(asked, [[[...all.slice(50).map((m) => m.id), 'S.1'].sort(), undefined]]);
  assert.is(live.coldCount, 0);
  for (const m of [...all.slice(50), extra]) assert.equal(json(live.get(m.id)), json(m));
  assert.is((await stat(file)).size, 0, 'the old file is emptied');
  await live.close();
});

L('changed while being written to the spool :: the change wins, the message stays in memory', async ({ dir }) => {
  const live = liveIn(dir);
  live.open();
  const m = sms('A.1');
  live.set(m);
  live.consider(m); // its JSON is on its way to the spool
  live.take('A.1')!.status = 'cancelled'; // a change before the write completes
  await live.settled();
  assert.is(live.coldCount, 0);
  assert.is(live.get('A.1'), m);
  assert.is(m.status, 'cancelled');
  await live.close();
});

L('read back by a look :: let go again shortly, unless it changed', async ({ dir }) => {
  const live = liveIn(dir);
  live.open();
  live.set(sms('A.1'));
  live.set(sms('B.1'));
  live.consider(live.get('A.1')!);
  live.consider(live.get('B.1')!);
  await live.settled();
  assert.is(live.coldCount, 2);
  assert.is(live.get('A.1')!.id, 'A.1');
  live.take('B.1')!.status = 'cancelled';
  assert.is(live.coldCount, 0);
  for (let i = 0; live.coldCount !== 1; i++) {
    if (i === 200) assert.unreachable('A.1 was not let go within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.is(live.get('B.1')!.status, 'cancelled', 'the changed one stays in memory');
  await live.close();
});

L('changed and offered again while its first write is under way :: the spool holds the changed one', async ({ dir }) => {
  const live = liveIn(dir);
  live.open();
  const m = sms('A.1');
  live.set(m);
  live.consider(m);
  live.take('A.1')!.notBefore = at(60); // the same object, changed while its old JSON is written
  live.consider(m); // and offered again
  await live.settled();
  assert.is(live.coldCount, 1);
  assert.is(live.get('A.1')!.notBefore, at(60));
  await live.close();
});

L('cut :: each message exactly once and as of the cut, while they change and move between memory and spool', async ({ dir }) => {
  const live = liveIn(dir, { coolable: (m) => m.status === 'accepted' });
  live.open();
  for (const id of ['A.1', 'B.1', 'C.1', 'D.1']) live.set(sms(id));
  live.consider(live.get('A.1')!);
  live.consider(live.get('B.1')!);
  await live.settled();
  assert.is(live.coldCount, 2);
  const cut = live.cut(1);
  assert.throws(() => live.cut(1), /under way/);
  live.take('C.1')!.status = 'cancelled'; // hot, changed before the cut's writer got to it
  live.consider(live.get('D.1')!); // hot, leaves memory
  await live.settled();
  assert.is(live.coldCount, 3);
  live.take('A.1')!.status = 'cancelled'; // cold, read back and changed
  live.get('B.1'); // cold, read back by a look
  live.set(sms('E.1')); // new after the cut
  const got = [...cut.json].map((j) => JSON.parse(j) as SmsMessage);
  cut.release();
  assert.equal(got.map((m) => m.id).sort(), ['A.1', 'B.1', 'C.1', 'D.1']);
  assert.ok(got.every((m) => m.status === 'accepted'), 'as they were at the cut');
  const next = live.cut(2);
  const now = Object.fromEntries([...next.json].map((j) => JSON.parse(j) as SmsMessage).map((m) => [m.id, m.status]));
  next.release();
  assert.equal(now, { 'A.1': 'cancelled', 'B.1': 'accepted', 'C.1': 'cancelled', 'D.1': 'accepted', 'E.1': 'accepted' });
  await live.close();
});

L('cut :: cold entries that cannot be read :: they come as the durable state has them as of the cut, though one changed since', async ({ dir }) => {
  const asked: Array<[string[], number | undefined]> = [];
  const known = new Map(['A.1', 'B.1'].map((id) => [id, sms(id)]));
  const live = liveIn(dir, { readBack: readBackOf(known, asked) });
  live.open();
  for (const m of known.values()) live.set(structuredClone(m));
  for (const id of known.keys()) live.consider(live.get(id)!);
  await live.settled();
  assert.is(live.coldCount, 2);
  const cut = live.cut(7);
  const file = join(dir, 'spool', '0.jsonl');
  await writeFile(file, Buffer.alloc((await stat(file)).size));
  live.take('A.1')!.status = 'cancelled'; // both read back from the durable state now, and A.1 changed after the cut
  const got = [...cut.json].map((j) => JSON.parse(j) as SmsMessage);
  cut.release();
  assert.equal(asked, [[['A.1', 'B.1'], undefined], [['A.1', 'B.1'], 7]], 'now for memory, then as of the cut for the snapshot');
  assert.equal(got, [...known.values()].map(json), 'as they were at the cut');
  assert.is(live.get('A.1')!.status, 'cancelled');
  assert.is(live.coldCount, 0);
  await live.close();
});

/** Waits (up to 10 s) until the spool's second file has entries: a move between the files is under way. */
async function moving(dir: string): Promise<void> {
  for (let i = 0; (await stat(join(dir, 'spool', '1.jsonl'))).size === 0; i++) {
    if (i === 200) assert.unreachable('no entries were moved within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

L('spool :: a listing half read while entries move keeps reading them, and the old file is emptied only after it', async ({ dir }) => {
  const { live, all } = await sixtySpooled(dir);
  const listing = live.values();
  const first = listing.next().value as SmsMessage; // the cold ones as they are now
  for (const m of all.slice(0, 50)) live.delete(m.id);
  live.consider(live.get('R55.1')!);
  await moving(dir);
  assert.ok((await stat(join(dir, 'spool', '0.jsonl'))).size > 0, 'not emptied while the listing reads it');
  const listed = [first, ...listing].map((m) => m.id).sort();
  assert.equal(listed, all.map((m) => m.id).sort(), 'the listing as it was when it began');
  await live.settled();
  assert.is((await stat(join(dir, 'spool', '0.jsonl'))).size, 0, 'emptied after it');
  await live.close();
});

L('spool :: a listing left half read does not hold up closing', async ({ dir }) => {
  const { live, all } = await sixtySpooled(dir);
  live.values().next(); // and never finished
  for (const m of all.slice(0, 50)) live.delete(m.id);
  live.consider(live.get('R55.1')!);
  await moving(dir);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((r) => (timer = setTimeout(r, 5000, 'late')));
  assert.is(await Promise.race([live.close().then(() => 'closed'), late]), 'closed');
  clearTimeout(timer);
});

S.run();
L.run();
