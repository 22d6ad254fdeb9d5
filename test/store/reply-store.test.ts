import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { InboundReplies } from '../../src/policy/inbound.js';
import { OptOutList } from '../../src/policy/optout.js';
import { ReplyForwarder } from '../../src/policy/reply-forward.js';
import { SettingsStore } from '../../src/accounts/settings.js';
import type { JournalStore } from '../../src/store/journal-store.js';
import { CREDENTIALS, withSmpp } from '../connectors/smpp/harness.js';
import { at, dispatch, openStore, sms, T0 } from '../helpers/store.js';

/**
 * What the store keeps for handsets' replies: which SMS each handset can
 * answer (fed by the `submitted` records, saved with the snapshot, so it
 * survives a restart without reading the archive), and the replies owed a
 * mail (one journal record each, never lost, archived without their text
 * once the mail went).
 */
const S = suite<{ dir: string }>('store :: handsets\' replies');

S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-replies-'));
});
S.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const WINDOW = { replyWindowHours: 72 };
const HANDSET = '+4915112345678';

async function handOver(s: JournalStore, ...ids: Array<[string, string | undefined]>): Promise<void> {
  await s.accept({ messages: ids.map(([id, sender]) => sms(id, sender ? { sender } : {})), dedupKeys: ids.map(() => undefined) });
  await dispatch(s, T0, []);
}

S('index :: only SMS handed to the carrier from a number or short code can be answered; the most recent per sender wins', async ({ dir }) => {
  const clock = { now: T0 };
  const s = await openStore(dir, clock, undefined, WINDOW);
  try {
    await s.accept({ messages: [sms('Q.1', { sender: '+4930901820', sendAt: at(600), notBefore: at(600) })], dedupKeys: [undefined] });
    assert.equal(s.replyMatch(HANDSET, '+4930901820').ok, false, 'a queued SMS has no entry');
    await handOver(s, ['A.1', '+4930901820'], ['N.1', 'ACME'], ['D.1', undefined]);
    assert.equal(s.replyMatch(HANDSET, undefined), { ok: true, sms: { id: 'A.1', at: T0.getTime(), account: 'default', sender: '+4930901820' } });
    clock.now = new Date(T0.getTime() + 60_000);
    await s.accept({ messages: [sms('B.1', { sender: '+4930901820', mail: { envelopeFrom: 'x@acme.test', rcptTo: 'x', receivedAt: clock.now.toISOString() } })], dedupKeys: [undefined] });
    await dispatch(s, clock.now, []);
    const hit = s.replyMatch(HANDSET, '+4930901820');
    assert.ok(hit.ok && hit.sms.id === 'B.1');
    clock.now = new Date(T0.getTime() + 73 * 3600_000);
    assert.equal(s.replyMatch(HANDSET, '+4930901820').ok, false, 'past the window');
  } finally {
    await s.close();
  }
});

S('restart :: the index comes back from the journal, then from the snapshot the start-up compaction wrote (no archive read)', async ({ dir }) => {
  const clock = { now: T0 };
  let s = await openStore(dir, clock, undefined, WINDOW);
  await handOver(s, ['A.1', '+4930901820'], ['B.1', '80888']);
  await s.close();
  for (const round of ['journal', 'snapshot']) {
    s = await openStore(dir, clock, undefined, WINDOW);
    try {
      const a = s.replyMatch(HANDSET, '+4930901820');
      const b = s.replyMatch(HANDSET, '80888');
      assert.ok(a.ok && a.sms.id === 'A.1' && b.ok && b.sms.id === 'B.1', round);
      assert.equal(s.replyMatch(HANDSET, undefined).ok, false, 'two candidates');
    } finally {
      await s.close();
    }
  }
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { replyIndex: unknown[] };
  assert.is(snap.replyIndex.length, 2);
});

S('no sender of its own :: the connector\'s default its submitted record names is indexed (a name is not), through the journal and the snapshot; records without it load as before', async ({ dir }) => {
  const clock = { now: T0 };
  let s = await openStore(dir, clock, undefined, WINDOW);
  const submitted = (sender?: string) => ({ status: 'submitted' as const, at: T0.toISOString(), connector: 'smsc', connectorMessageId: 'x', ...(sender ? { sender } : {}) });
  const go = async (id: string, to: string, sender?: string) => {
    await s.accept({ messages: [sms(id, { to })], dedupKeys: [undefined] });
    await s.transition(id, { event: { status: 'submitting', at: T0.toISOString(), connector: 'smsc' } });
    await s.transition(id, { event: submitted(sender) });
  };
  await go('D.1', HANDSET, '+4930901820');
  await go('N.1', '+4915100000002', 'ACME');
  // As written before the default was kept: the event has no sender.
  await go('O.1', '+4915100000003');
  await s.close();
  for (const round of ['journal', 'snapshot']) {
    s = await openStore(dir, clock, undefined, WINDOW);
    try {
      assert.equal(s.replyMatch(HANDSET, '+4930901820'), { ok: true, sms: { id: 'D.1', at: T0.getTime(), account: 'default', sender: '+4930901820' } }, round);
      assert.equal(s.replyMatch('+4915100000002', undefined).ok, false, `${round}: a name cannot be answered`);
      assert.equal(s.replyMatch('+4915100000003', undefined).ok, false, `${round}: an old record names no sender`);
      assert.equal(s.get('D.1')?.history.at(-1)?.sender, '+4930901820', `${round}: the history keeps it`);
      assert.is(s.get('O.1')?.status, 'submitted');
    } finally {
      await s.close();
    }
  }
  const snap = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { replyIndex: unknown[] };
  assert.equal(snap.replyIndex, [[HANDSET, '+4930901820', 'D.1', T0.getTime(), 'default']]);
});

S('a reply :: durable at once, owed its mail across a restart, dropped as a redelivery by its key, archived without its text once its mail went', async ({ dir }) => {
  const clock = { now: T0 };
  let s = await openStore(dir, clock, undefined, WINDOW);
  const reply = {
    id: 'R1.r', answers: 'A.1', account: 'default', from: HANDSET, to: '4930901820', text: 'bezahlt', chars: 7, receivedAt: T0.toISOString(), connector: 'smsc',
    original: { text: 'Bitte zahlen', sender: '+4930901820', to: HANDSET, sentAt: T0.toISOString(), mail: { envelopeFrom: 'clerk@acme.test' } },
    forward: { attempts: 0, notBefore: T0.toISOString() },
  };
  assert.equal(await s.storeReply(reply, 'k1'), { stored: true });
  assert.equal(await s.storeReply({ ...reply, id: 'R2.r' }, 'k1'), { stored: false, duplicateOf: 'R1.r' });
  await s.close();
  s = await openStore(dir, clock, undefined, WINDOW);
  try {
    assert.equal(s.repliesDue(T0, 10).map((r) => r.id), ['R1.r']);
    assert.equal(await s.storeReply({ ...reply, id: 'R3.r' }, 'k1'), { stored: false, duplicateOf: 'R1.r' }, 'the key survived the restart');
    await s.replyFailed('R1.r', 'relay down', new Date(T0.getTime() + 10_000));
    assert.equal(s.repliesDue(T0, 10), []);
    assert.is(s.getReply('R1.r')?.forward.attempts, 1);
    await s.replySent('R1.r', 'outbox/R1.r.reply.eml', T0);
  } finally {
    await s.close();
  }
  // The next start compacts: the reply leaves memory for the archive, without the customer's words.
  s = await openStore(dir, clock, undefined, WINDOW);
  await s.close();
  assert.equal(await readdir(join(dir, 'archive', 'replies')), ['2026-11-23.jsonl']);
  const archived = JSON.parse((await readFile(join(dir, 'archive', 'replies', '2026-11-23.jsonl'), 'utf8')).trim()) as Record<string, unknown>;
  assert.equal([archived.id, archived.answers, archived.text, archived.chars, archived.original], ['R1.r', 'A.1', '', 7, undefined]);
});

S.run();

/**
 * A reply the store cannot write is not acknowledged: the SMSC gets
 * ESME_RSYSERR and delivers it again, and the second delivery is stored
 * once, on a real bind and a real journal.
 */
const W = suite('store :: a reply that cannot be written at first');

W('ESME_RSYSERR while the write fails; the same reply delivered again is stored exactly once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-reply-retry-'));
  const store = await openStore(dir, { now: new Date() }, undefined, WINDOW);
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  try {
    const now = new Date();
    await store.accept({ messages: [sms('A.1', { sender: '+4930901820', mail: { envelopeFrom: 'clerk@acme.test', rcptTo: 'x', receivedAt: now.toISOString() } })], dedupKeys: [undefined] });
    await dispatch(store, now, []);
    let refuse = true;
    const forwarder = new ReplyForwarder({
      store: { replyMatch: (h, d) => store.replyMatch(h, d), storeReply: (r, k) => (refuse ? Promise.reject(new Error('ENOSPC')) : store.storeReply(r, k)) },
      findSms: async (id) => store.get(id), enabledFor: () => true, defaultCountry: 'DE', newId: () => `R${Date.now()}${Math.random()}.r`, now: () => new Date(), log: () => undefined,
    });
    const replies = new InboundReplies({ optout: new OptOutList([], settings), keywords: true, defaultCountry: 'DE', now: () => new Date(), log: () => undefined, forward: (m, k) => forwarder.forward(m, k) });
    await withSmpp({}, async ({ sim, connector }) => {
      connector.onInbound(async (m) => void await replies.handle({ ...m, connector: connector.name }));
      const ESME_RSYSERR = 0x08;
      const send = () => sim.sendMo({ systemId: CREDENTIALS.systemId, from: HANDSET, to: '4930901820', text: 'Habe bezahlt' });
      assert.is(await send(), ESME_RSYSERR);
      assert.equal(store.repliesDue(new Date(), 10), []);
      refuse = false;
      assert.is(await send(), 0);
      assert.is(await send(), 0);
      assert.equal(store.repliesDue(new Date(), 10).map((r) => [r.answers, r.text]), [['A.1', 'Habe bezahlt']]);
    });
  } finally {
    settings.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

W.run();
