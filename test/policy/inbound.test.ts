import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SettingsStore } from '../../src/accounts/settings.js';
import { handleInbound } from '../../src/policy/inbound.js';
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
  const failing = { ...deps(ctx), optout: { origin: () => undefined, add: () => Promise.reject(new Error('EROFS')), remove: async () => false } };
  await handleInbound(reply('+4915112345678', 'STOP'), failing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'EROFS'));
});

I.run();
