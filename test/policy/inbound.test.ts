import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SettingsStore } from '../../src/accounts/settings.js';
import { handleInbound, InboundReplies } from '../../src/policy/inbound.js';
import type { AnswerRequest } from '../../src/policy/keyword-answer.js';
import { OptOutList } from '../../src/policy/optout.js';

/** Replies from handsets against a real opt-out list in a real settings file. */
const I = suite('policy inbound replies', {} as { dir: string; settings: SettingsStore; optout: OptOutList; events: Array<Record<string, unknown>> });

I.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-inbound-'));
  ctx.settings = new SettingsStore({ file: join(ctx.dir, 'settings.json') });
  await ctx.settings.open();
  ctx.optout = new OptOutList(['+4915100000001'], ctx.settings);
  ctx.events = [];
});
I.after.each(async (ctx) => {
  ctx.settings.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

const deps = (ctx: { optout: OptOutList; events: Array<Record<string, unknown>> }, keywords = true) => ({
  optout: ctx.optout, keywords, defaultCountry: 'DE', now: () => new Date('2026-11-29T12:00:00Z'), log: (evt: string, data: Record<string, unknown>) => ctx.events.push({ evt, ...data }),
});
const reply = (from: string, text: string, to = 'ACME') => ({ from, to, text, at: new Date('2026-11-29T12:00:00Z'), connector: 'smsc' });

I('STOP :: the number is on the opt-out list for the sender it was sent to, in the settings file, marked as its owner\'s wish; logged as optout-added (audited) with its scope', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'Stop'), deps(ctx)), 'opted-out');
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.source, e.sender]), [['sms', 'ACME']]);
  assert.not.ok(ctx.optout.blocksAll('+4915112345678'), 'other senders still reach it');
  const file = JSON.parse(await readFile(join(ctx.dir, 'settings.json'), 'utf8'));
  assert.is(file.optoutScoped['+4915112345678'].ACME.via, 'sms');
  assert.equal(file.optout, {});
  assert.equal(ctx.events.at(-1), { evt: 'optout-added', number: '+4915112345678', to: 'ACME', connector: 'smsc', by: 'sms', scope: 'sender', sender: 'ACME' });
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), deps(ctx)), 'already-out');
});

I('STOP to the same sender written as the aggregator gives it :: one entry — +4930…, TON 1 digits, 00…, a national number (TON 2), a short code as digits, a name in any case', async (ctx) => {
  const same: Array<[string, string[]]> = [
    ['+4930901820', ['4930901820', '004930901820', '030901820', ' +4930901820 ']],
    ['80888', ['80888']],
    ['ACME', ['acme', 'Acme']],
  ];
  for (const [first, others] of same) {
    assert.is(await handleInbound(reply('+4915112345678', 'STOP', first), deps(ctx)), 'opted-out', first);
    for (const to of others) assert.is(await handleInbound(reply('+4915112345678', 'STOP', to), deps(ctx)), 'already-out', `${to} is ${first}`);
  }
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => e.sender), ['+4930901820', '80888', 'ACME']);
});

I('STOP ALL (also STOPALL) :: one entry for every sender, decided at RCPT; STOP ALL again is already out', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'STOP ALL'), deps(ctx)), 'opted-out');
  assert.ok(ctx.optout.blocksAll('+4915112345678'));
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.source, e.sender]), [['sms', undefined]]);
  assert.equal(ctx.events.at(-1), { evt: 'optout-added', number: '+4915112345678', to: 'ACME', connector: 'smsc', by: 'sms', scope: 'all' });
  assert.is(await handleInbound(reply('+4915112345678', 'STOPALL'), deps(ctx)), 'already-out');
});

I('STOP to something that is no sender (not given, unreadable) :: for every sender: the owner\'s wish wins over the doubt', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'STOP', ''), deps(ctx)), 'opted-out');
  assert.is(await handleInbound(reply('+4915112345679', 'STOP', 'not a sender!'), deps(ctx)), 'opted-out');
  assert.ok(ctx.optout.blocksAll('+4915112345678'));
  assert.ok(ctx.optout.blocksAll('+4915112345679'));
});

I('START :: undoes the owner\'s STOP to that sender only; its STOP to another sender stays; never an operator\'s or the configuration\'s entry', async (ctx) => {
  await handleInbound(reply('+4915112345678', 'STOP', 'ACME'), deps(ctx));
  await handleInbound(reply('+4915112345678', 'STOP', '80888'), deps(ctx));
  assert.is(await handleInbound(reply('+4915112345678', 'start', '80888'), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => e.sender), ['ACME']);
  assert.equal(ctx.events.at(-1), { evt: 'optout-removed', number: '+4915112345678', to: '80888', connector: 'smsc', by: 'sms', scope: 'sender', sender: '80888' });
  assert.is(await handleInbound(reply('+4915112345678', 'START', '80888'), deps(ctx)), 'not-out');
  await ctx.optout.add('+4915199999999', new Date(), { note: 'complaint by phone' });
  assert.is(await handleInbound(reply('+4915199999999', 'START'), deps(ctx)), 'kept-out');
  assert.ok(ctx.optout.blocksAll('+4915199999999'));
  await ctx.optout.add('+4915199999998', new Date(), { note: 'asked by letter', sender: 'ACME' });
  assert.is(await handleInbound(reply('+4915199999998', 'START'), deps(ctx)), 'kept-out');
  assert.is(await handleInbound(reply('+4915100000001', 'START'), deps(ctx)), 'kept-out');
  assert.match(String(ctx.events.at(-1)!.action), /added by the configuration/);
  assert.is(await handleInbound(reply('+4915100000002', 'START'), deps(ctx)), 'not-out');
});

I('START after STOP ALL :: lets that sender through, keeps every other sender away (the owner asked only that one back); a START ALL ends every entry of its own, never an operator\'s', async (ctx) => {
  await handleInbound(reply('+4915112345678', 'STOP', '80888'), deps(ctx));
  await handleInbound(reply('+4915112345678', 'STOP ALL', 'ACME'), deps(ctx));
  assert.is(await handleInbound(reply('+4915112345678', 'START', 'Acme'), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.sender, e.except]), [[undefined, ['Acme']], ['80888', undefined]], 'kept as the aggregator wrote it, compared as senders compare');
  assert.equal(ctx.events.at(-1), { evt: 'optout-narrowed', number: '+4915112345678', to: 'Acme', connector: 'smsc', by: 'sms', scope: 'all', allowed: 'Acme' });
  assert.not.ok(ctx.optout.blocksAll('+4915112345678'), 'decided once the sender is known');
  const from = (sender: string | undefined) => ctx.optout.blocking({ to: '+4915112345678' }, () => [{ sender, from: 'sms' as const }])?.entry;
  assert.is(from('ACME'), undefined, 'the sender it asked back');
  assert.is(from('BANK')?.sender, undefined, 'any other sender: still the STOP ALL');
  assert.is(from('80888')?.sender, undefined, 'its STOP to 80888 stays too');
  assert.ok(from(undefined), 'no sender decided here: it could come from anyone');
  assert.ok(ctx.optout.blocking({ to: '+4915112345678' }, () => [{ sender: 'ACME', from: 'sms' }, { sender: 'BANK', from: 'connector' }]), 'a route that may send from another sender');
  assert.is(await handleInbound(reply('+4915112345678', 'START', 'ACME'), deps(ctx)), 'not-out', 'the same START again changes nothing');
  assert.is(await handleInbound(reply('+4915112345678', 'START', 'BANK'), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.find('+4915112345678')?.except, ['Acme', 'BANK']);
  await handleInbound(reply('+4915112345678', 'STOP', 'ACME'), deps(ctx));
  assert.ok(from('ACME'), 'a STOP to a sender let through blocks it again');
  await ctx.optout.add('+4915112345678', new Date(), { note: 'by phone', sender: 'OTHER' });
  assert.is(await handleInbound(reply('+4915112345678', 'START ALL', '80888'), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.source, e.sender]), [['operator', 'OTHER']]);
});

I('STOP ALL after STARTs to some senders :: every sender again, a new entry, answered', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T10:00:00Z'), { via: 'sms' });
  await handleInbound(reply('+4915112345678', 'START', 'ACME'), deps(ctx));
  assert.is(await handleInbound(reply('+4915112345678', 'STOP ALL', 'ACME'), answering(ctx, asked)), 'opted-out');
  assert.ok(ctx.optout.blocksAll('+4915112345678'));
  assert.equal(ctx.optout.find('+4915112345678')?.except, undefined);
  assert.equal(asked.map((a) => [a.keyword, a.entryAddedAt, a.entrySender]), [['STOP', '2026-11-29T12:00:00.000Z', undefined]]);
  assert.is(await handleInbound(reply('+4915112345678', 'STOP ALL', 'ACME'), deps(ctx)), 'already-out');
});

I('START to no sender we can read :: ends the entries for every sender, as a STOP to none made them', async (ctx) => {
  await handleInbound(reply('+4915112345678', 'STOP ALL', 'ACME'), deps(ctx));
  assert.is(await handleInbound(reply('+4915112345678', 'START', ''), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.entries('+4915112345678'), []);
});

I('an operator\'s entry for every sender :: a START never lets a sender through it', async (ctx) => {
  await ctx.optout.add('+4915199999999', new Date(), { note: 'complaint by phone' });
  assert.is(await handleInbound(reply('+4915199999999', 'START', 'ACME'), deps(ctx)), 'kept-out');
  assert.is(await ctx.optout.allow('+4915199999999', 'ACME'), false);
  assert.ok(ctx.optout.blocksAll('+4915199999999'));
});

I('a STOP stored before entries were scoped (via sms, no sender) :: still keeps every sender away; a START lets only its sender through', async (ctx) => {
  await writeFile(join(ctx.dir, 'settings.json'), JSON.stringify({
    version: 1, accounts: {}, users: {}, brakes: {}, optout: { '+4915112345678': { addedAt: '2026-01-02T03:04:05.000Z', note: 'replied "STOP" to 80888 via smsc', via: 'sms' } },
  }));
  await ctx.settings.open();
  assert.ok(ctx.optout.blocksAll('+4915112345678'));
  assert.equal(ctx.optout.entries('+4915112345678'), [{ number: '+4915112345678', source: 'sms', addedAt: '2026-01-02T03:04:05.000Z', note: 'replied "STOP" to 80888 via smsc' }]);
  assert.is(await handleInbound(reply('+4915112345678', 'START', '80999'), deps(ctx)), 'opted-in');
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.sender, e.except]), [[undefined, ['80999']]]);
  const file = JSON.parse(await readFile(join(ctx.dir, 'settings.json'), 'utf8'));
  assert.equal(file.optout['+4915112345678'].except, ['80999'], 'kept in the settings file: survives a restart');
});

I('anything else :: logged with its length only (texts are personal), the list untouched; with inbound.keywords off even STOP', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'Danke, ist bezahlt!'), deps(ctx)), 'ignored');
  assert.equal(ctx.events.at(-1), { evt: 'sms-inbound', number: '+4915112345678', to: 'ACME', connector: 'smsc', chars: 19, action: 'none' });
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), deps(ctx, false)), 'ignored');
  assert.equal(ctx.optout.entries('+4915112345678'), []);
});

I('a sender given as a national number :: read in the default country; one that is no number at all is only logged', async (ctx) => {
  assert.is(await handleInbound(reply('015112345678', 'STOP'), deps(ctx)), 'opted-out');
  assert.ok(ctx.optout.find('+4915112345678', 'ACME'));
  assert.is(await handleInbound(reply('VODAFONE', 'STOP'), deps(ctx)), 'ignored');
});

I('a list that cannot be written :: handle() rejects, so the connector does not acknowledge the STOP', async (ctx) => {
  const failing = { ...deps(ctx), optout: { find: () => undefined, entries: () => [], add: () => Promise.reject(new Error('EROFS')), removeAll: async () => 0, allow: async () => false } };
  await handleInbound(reply('+4915112345678', 'STOP'), failing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'EROFS'));
});

/** deps with answers on: each answer asked for is recorded, with whether the number had any entry at that moment. */
const answering = (ctx: { optout: OptOutList; events: Array<Record<string, unknown>> }, asked: Array<AnswerRequest & { listed: boolean }>, fail?: () => Error | undefined) => ({
  ...deps(ctx),
  answer: async (a: AnswerRequest) => {
    const e = fail?.();
    if (e) throw e;
    asked.push({ ...a, listed: ctx.optout.entries(a.number).length > 0 });
  },
});

I('STOP with answers on :: the number goes on the list first, then its answer is asked for, keyed by the entry\'s time and sender, from what the reply was sent to', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), answering(ctx, asked)), 'opted-out');
  assert.is(await handleInbound(reply('+4915112345678', 'STOP ALL', '80888'), answering(ctx, asked)), 'opted-out');
  assert.equal(asked, [
    { keyword: 'STOP', number: '+4915112345678', to: 'ACME', connector: 'smsc', entryAddedAt: '2026-11-29T12:00:00.000Z', entrySender: 'ACME', listed: true },
    { keyword: 'STOP', number: '+4915112345678', to: '80888', connector: 'smsc', entryAddedAt: '2026-11-29T12:00:00.000Z', listed: true },
  ]);
});

I('the same STOP again (the SMSC did not get our answer) :: already out, and its answer asked for again under the same key, which the store keeps once', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await handleInbound(reply('+4915112345678', 'STOP'), answering(ctx, asked));
  const later = { ...answering(ctx, asked), now: () => new Date('2026-11-29T12:05:00Z') };
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), later), 'already-out');
  assert.is(asked.length, 2);
  assert.equal(asked[1], asked[0]);
});

I('an answer that cannot be stored :: handle() rejects (the connector does not acknowledge), the STOP stays on the list, and the STOP sent again asks for the same answer', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  let broken = true;
  const d = answering(ctx, asked, () => (broken ? new Error('ENOSPC') : undefined));
  await handleInbound(reply('+4915112345678', 'STOP'), d).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'ENOSPC'));
  assert.ok(ctx.optout.find('+4915112345678', 'ACME'));
  broken = false;
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), d), 'already-out');
  assert.equal(asked.map((a) => [a.keyword, a.entryAddedAt, a.entrySender]), [['STOP', '2026-11-29T12:00:00.000Z', 'ACME']]);
});

I('START with answers on :: its answer is stored while the entry still exists (keyed by it), then the entry goes; if the answer fails the number stays out', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T10:00:00Z'), { note: 'replied STOP', via: 'sms', sender: 'ACME' });
  const failing = answering(ctx, asked, () => new Error('ENOSPC'));
  await handleInbound(reply('+4915112345678', 'START'), failing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'ENOSPC'));
  assert.ok(ctx.optout.find('+4915112345678', 'ACME'), 'still out: the START comes again');
  assert.is(await handleInbound(reply('+4915112345678', 'START'), answering(ctx, asked)), 'opted-in');
  assert.equal(asked, [{ keyword: 'START', number: '+4915112345678', to: 'ACME', connector: 'smsc', entryAddedAt: '2026-11-28T10:00:00.000Z', entrySender: 'ACME', listed: true }]);
  assert.equal(ctx.optout.entries('+4915112345678'), []);
});

I('START of a STOP to this sender and a STOP ALL :: one answer, keyed by the entry for this sender; that entry goes, the STOP ALL lets the sender through', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T10:00:00Z'), { via: 'sms' });
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T11:00:00Z'), { via: 'sms', sender: 'ACME' });
  assert.is(await handleInbound(reply('+4915112345678', 'START'), answering(ctx, asked)), 'opted-in');
  assert.equal(asked.map((a) => [a.keyword, a.entryAddedAt, a.entrySender]), [['START', '2026-11-28T11:00:00.000Z', 'ACME']]);
  assert.equal(ctx.optout.entries('+4915112345678').map((e) => [e.sender, e.except]), [[undefined, ['ACME']]]);
});

I('STARTs to two senders after a STOP ALL :: each answered, keyed by the STOP ALL and the sender (one key would let the store drop the second answer)', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T10:00:00Z'), { via: 'sms' });
  assert.is(await handleInbound(reply('+4915112345678', 'START', 'ACME'), answering(ctx, asked)), 'opted-in');
  assert.is(await handleInbound(reply('+4915112345678', 'START', '80888'), answering(ctx, asked)), 'opted-in');
  assert.equal(asked.map((a) => [a.to, a.entryAddedAt, a.entrySender]), [['ACME', '2026-11-28T10:00:00.000Z', 'ACME'], ['80888', '2026-11-28T10:00:00.000Z', '80888']]);
});

I('nothing changed :: no answer — START of a number not on the list or kept out by an operator or the configuration, STOP ALL of a number an operator or the configuration keeps from every sender, any other text', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915199999999', new Date(), { note: 'complaint by phone' });
  assert.is(await handleInbound(reply('+4915100000002', 'START'), answering(ctx, asked)), 'not-out');
  assert.is(await handleInbound(reply('+4915199999999', 'START'), answering(ctx, asked)), 'kept-out');
  assert.is(await handleInbound(reply('+4915100000001', 'START'), answering(ctx, asked)), 'kept-out');
  assert.is(await handleInbound(reply('+4915199999999', 'STOP ALL'), answering(ctx, asked)), 'already-out');
  assert.is(await handleInbound(reply('+4915100000001', 'STOP ALL'), answering(ctx, asked)), 'already-out');
  assert.is(await handleInbound(reply('+4915112345678', 'Danke'), answering(ctx, asked)), 'ignored');
  assert.equal(asked, []);
});

I('a STOP to a sender of a number an operator keeps from every sender :: its own entry besides (it outlasts the operator\'s), answered', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915199999999', new Date(), { note: 'complaint by phone' });
  assert.is(await handleInbound(reply('+4915199999999', 'STOP'), answering(ctx, asked)), 'opted-out');
  assert.equal(ctx.optout.entries('+4915199999999').map((e) => [e.source, e.sender]), [['operator', undefined], ['sms', 'ACME']]);
  assert.equal(asked.map((a) => a.keyword), ['STOP']);
});

I('one STOP delivered twice at once (over two binds, or again before the first was written) :: handled one after the other: one entry, one answer key', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  let t = 0;
  const replies = new InboundReplies({ ...answering(ctx, asked), now: () => new Date(Date.parse('2026-11-29T12:00:00Z') + 1000 * t++) });
  const outcomes = await Promise.all([replies.handle(reply('+4915112345678', 'STOP')), replies.handle(reply('+4915112345678', 'STOP'))]);
  assert.equal(outcomes, ['opted-out', 'already-out']);
  assert.is(new Set(asked.map((a) => a.entryAddedAt)).size, 1);
});

I.run();
