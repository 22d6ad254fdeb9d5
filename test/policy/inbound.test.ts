import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
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
const reply = (from: string, text: string) => ({ from, to: 'ACME', text, at: new Date('2026-11-29T12:00:00Z'), connector: 'smsc' });

I('STOP :: the number is on the opt-out list, in the settings file, marked as its owner\'s wish; logged as optout-added (audited)', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'Stop'), deps(ctx)), 'opted-out');
  assert.ok(ctx.optout.has('+4915112345678'));
  assert.is(ctx.optout.origin('+4915112345678'), 'sms');
  const file = JSON.parse(await readFile(join(ctx.dir, 'settings.json'), 'utf8'));
  assert.is(file.optout['+4915112345678'].via, 'sms');
  assert.equal(ctx.events.at(-1), { evt: 'optout-added', number: '+4915112345678', to: 'ACME', connector: 'smsc', by: 'sms' });
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), deps(ctx)), 'already-out');
});

I('START :: undoes the owner\'s own STOP, never an operator\'s or the configuration\'s entry', async (ctx) => {
  await handleInbound(reply('+4915112345678', 'STOP'), deps(ctx));
  assert.is(await handleInbound(reply('+4915112345678', 'start'), deps(ctx)), 'opted-in');
  assert.not.ok(ctx.optout.has('+4915112345678'));
  await ctx.optout.add('+4915199999999', new Date(), 'complaint by phone');
  assert.is(await handleInbound(reply('+4915199999999', 'START'), deps(ctx)), 'kept-out');
  assert.ok(ctx.optout.has('+4915199999999'));
  assert.is(await handleInbound(reply('+4915100000001', 'START'), deps(ctx)), 'kept-out');
  assert.match(String(ctx.events.at(-1)!.action), /added by the configuration/);
  assert.is(await handleInbound(reply('+4915100000002', 'START'), deps(ctx)), 'not-out');
});

I('anything else :: logged with its length only (texts are personal), the list untouched; with inbound.keywords off even STOP', async (ctx) => {
  assert.is(await handleInbound(reply('+4915112345678', 'Danke, ist bezahlt!'), deps(ctx)), 'ignored');
  assert.equal(ctx.events.at(-1), { evt: 'sms-inbound', number: '+4915112345678', to: 'ACME', connector: 'smsc', chars: 19, action: 'none' });
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), deps(ctx, false)), 'ignored');
  assert.not.ok(ctx.optout.has('+4915112345678'));
});

I('a sender given as a national number :: read in the default country; one that is no number at all is only logged', async (ctx) => {
  assert.is(await handleInbound(reply('015112345678', 'STOP'), deps(ctx)), 'opted-out');
  assert.ok(ctx.optout.has('+4915112345678'));
  assert.is(await handleInbound(reply('VODAFONE', 'STOP'), deps(ctx)), 'ignored');
});

I('a list that cannot be written :: handle() rejects, so the connector does not acknowledge the STOP', async (ctx) => {
  const failing = { ...deps(ctx), optout: { origin: () => undefined, addedAt: () => undefined, add: () => Promise.reject(new Error('EROFS')), remove: async () => false } };
  await handleInbound(reply('+4915112345678', 'STOP'), failing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'EROFS'));
});

/** deps with answers on: each answer asked for is recorded, with whether the number was on the list at that moment. */
const answering = (ctx: { optout: OptOutList; events: Array<Record<string, unknown>> }, asked: Array<AnswerRequest & { listed: boolean }>, fail?: () => Error | undefined) => ({
  ...deps(ctx),
  answer: async (a: AnswerRequest) => {
    const e = fail?.();
    if (e) throw e;
    asked.push({ ...a, listed: ctx.optout.has(a.number) });
  },
});

I('STOP with answers on :: the number goes on the list first, then its answer is asked for, keyed by the entry\'s time, from what the reply was sent to', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), answering(ctx, asked)), 'opted-out');
  assert.equal(asked, [{ keyword: 'STOP', number: '+4915112345678', to: 'ACME', connector: 'smsc', entryAddedAt: '2026-11-29T12:00:00.000Z', listed: true }]);
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
  assert.ok(ctx.optout.has('+4915112345678'));
  broken = false;
  assert.is(await handleInbound(reply('+4915112345678', 'STOP'), d), 'already-out');
  assert.equal(asked.map((a) => [a.keyword, a.entryAddedAt]), [['STOP', '2026-11-29T12:00:00.000Z']]);
});

I('START with answers on :: its answer is stored while the entry still exists (keyed by it), then the entry goes; if the answer fails the number stays out', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915112345678', new Date('2026-11-28T10:00:00Z'), 'replied STOP', 'sms');
  const failing = answering(ctx, asked, () => new Error('ENOSPC'));
  await handleInbound(reply('+4915112345678', 'START'), failing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'ENOSPC'));
  assert.ok(ctx.optout.has('+4915112345678'), 'still out: the START comes again');
  assert.is(await handleInbound(reply('+4915112345678', 'START'), answering(ctx, asked)), 'opted-in');
  assert.equal(asked, [{ keyword: 'START', number: '+4915112345678', to: 'ACME', connector: 'smsc', entryAddedAt: '2026-11-28T10:00:00.000Z', listed: true }]);
  assert.not.ok(ctx.optout.has('+4915112345678'));
});

I('nothing changed :: no answer — START of a number not on the list or kept out by an operator or the configuration, STOP of a number an operator put on it, any other text', async (ctx) => {
  const asked: Array<AnswerRequest & { listed: boolean }> = [];
  await ctx.optout.add('+4915199999999', new Date(), 'complaint by phone');
  assert.is(await handleInbound(reply('+4915100000002', 'START'), answering(ctx, asked)), 'not-out');
  assert.is(await handleInbound(reply('+4915199999999', 'START'), answering(ctx, asked)), 'kept-out');
  assert.is(await handleInbound(reply('+4915100000001', 'START'), answering(ctx, asked)), 'kept-out');
  assert.is(await handleInbound(reply('+4915199999999', 'STOP'), answering(ctx, asked)), 'already-out');
  assert.is(await handleInbound(reply('+4915100000001', 'STOP'), answering(ctx, asked)), 'already-out');
  assert.is(await handleInbound(reply('+4915112345678', 'Danke'), answering(ctx, asked)), 'ignored');
  assert.equal(asked, []);
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
