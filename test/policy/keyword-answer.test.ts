import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { answerSender, buildAnswer, KeywordAnswers, type AnswerRequest, type AnswerSettings } from '../../src/policy/keyword-answer.js';
import { OptOutList } from '../../src/policy/optout.js';
import { JournalStore } from '../../src/store/journal-store.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const SETTINGS: AnswerSettings = {
  stopText: 'You will receive no more messages from this number. Reply START to receive them again.',
  startText: 'You will receive messages from this number again. Reply STOP to end them.',
  account: 'acme', sender: '', transliterate: true, defaultCountry: 'DE',
};
const stop = (extra: Partial<AnswerRequest> = {}): AnswerRequest => ({
  keyword: 'STOP', number: '+4915112345678', to: '80888', connector: 'smsc', entryAddedAt: '2026-11-29T11:59:59.000Z', ...extra,
});

const B = suite('policy keyword answer :: the SMS');

B('STOP :: to the handset, from the short code it wrote to, the configured text as one GSM-7 segment, on the answers\' account, confirmed to nobody', () => {
  const { message: m } = buildAnswer(stop(), SETTINGS, 'MAIL1', NOW);
  assert.equal([m.id, m.mailId, m.account, m.to, m.sender, m.text, m.encoding, m.segments], ['MAIL1.1', 'MAIL1', 'acme', '+4915112345678', '80888', SETTINGS.stopText, 'GSM7', 1]);
  assert.equal(m.answerTo, { keyword: 'STOP', connector: 'smsc' });
  assert.equal([m.status, m.notBefore, m.attempts, m.notify, m.mail.envelopeFrom, m.confirmations], ['accepted', NOW.toISOString(), 0, 'none', '', []]);
  assert.is(m.history.length, 1);
  assert.match(m.history[0].reason ?? '', /answers the STOP \+4915112345678 sent to 80888 \(smsc\)/);
  assert.not.ok(m.quietRules, 'an answer to what the handset just wrote is not held for quiet hours');
});

B('START :: its own text; the key is one per keyword and opt-out entry, so a STOP sent again keeps the key of the first', () => {
  const a = buildAnswer(stop(), SETTINGS, 'A', NOW);
  const again = buildAnswer(stop(), SETTINGS, 'B', new Date(NOW.getTime() + 60_000));
  const start = buildAnswer(stop({ keyword: 'START' }), SETTINGS, 'C', NOW);
  const later = buildAnswer(stop({ entryAddedAt: '2026-12-01T08:00:00.000Z' }), SETTINGS, 'D', NOW);
  assert.is(start.message.text, SETTINGS.startText);
  assert.is(again.key, a.key);
  assert.is.not(start.key, a.key);
  assert.is.not(later.key, a.key);
  // Entries for two senders made in the same millisecond are two entries, each answered once.
  const toShortCode = buildAnswer(stop({ entrySender: '80888' }), SETTINGS, 'E', NOW);
  const toName = buildAnswer(stop({ entrySender: 'ACME' }), SETTINGS, 'F', NOW);
  assert.is.not(toShortCode.key, a.key);
  assert.is.not(toShortCode.key, toName.key);
  assert.is(buildAnswer(stop({ entrySender: '80888' }), SETTINGS, 'G', NOW).key, toShortCode.key);
});

B('a text with smart quotes :: transliterated like any SMS (config text.transliterate), so it stays GSM-7', () => {
  const { message } = buildAnswer(stop(), { ...SETTINGS, stopText: 'You\u2019re unsubscribed \u2013 reply START to undo.' }, 'M', NOW);
  assert.equal([message.text, message.encoding], ["You're unsubscribed - reply START to undo.", 'GSM7']);
});

B('sender :: what the reply was sent to, in the sender-ID form (its forms: canonicalSender, test/sms/sender-id.test.ts); else the configured sender; else the connector\'s default', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['80888', 'ACME', '80888'],
    ['015199990000', '', '+4915199990000'],
    ['', 'ACME', 'ACME'],
    ['not a sender!', '80888', '80888'],
    ['', '', undefined],
  ];
  for (const [to, fallback, want] of cases) assert.is(answerSender(to, fallback, 'DE'), want, `to ${JSON.stringify(to)}, fallback ${JSON.stringify(fallback)}`);
});

B('the opt-out check at sending :: refuses every SMS to an opted-out number except an answer', () => {
  const list = new OptOutList(['+4915112345678']);
  const { message } = buildAnswer(stop(), SETTINGS, 'M', NOW);
  const from = () => [{ sender: '80888', from: 'sms' as const }];
  assert.is(list.blocking(message, from), undefined);
  assert.is(list.blocking({ ...message, answerTo: undefined }, from)?.entry.source, 'config');
  assert.is(list.blocking({ ...message, to: '+4915100000002', answerTo: undefined }, from), undefined);
});

B.run();

const K = suite('policy keyword answer :: stored', {} as { dir: string; store: JournalStore; now: Date; events: Array<Record<string, unknown>>; answers: KeywordAnswers });

K.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-answer-'));
  ctx.now = NOW;
  ctx.events = [];
  ctx.store = new JournalStore({ dir: ctx.dir, segmentBytes: 1 << 20, duplicateWindowHours: 72, now: () => ctx.now });
  await ctx.store.open();
  let n = 0;
  ctx.answers = new KeywordAnswers({
    store: ctx.store, settings: SETTINGS, duplicateWindowHours: 72, newMailId: () => `MAIL${++n}`, now: () => ctx.now,
    log: (evt, data) => ctx.events.push({ evt, ...data }),
  });
});
K.after.each(async (ctx) => {
  await ctx.store.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

const stored = (store: JournalStore) => store.inStatus('accepted');

K('the same STOP twice (an SMSC sending it again) :: one answer in the store, logged as accepted via answer; the second is a duplicate', async (ctx) => {
  assert.is(await ctx.answers.send(stop()), 'stored');
  assert.is(await ctx.answers.send(stop()), 'duplicate');
  assert.equal(stored(ctx.store).map((m) => [m.id, m.to, m.text]), [['MAIL1.1', '+4915112345678', SETTINGS.stopText]]);
  const accepted = ctx.events.filter((e) => e.evt === 'sms-accepted');
  assert.equal(accepted.map((e) => [e.msgId, e.via, e.account, e.to, e.sender, e.keyword]), [['MAIL1.1', 'answer', 'acme', '+4915112345678', '80888', 'STOP']]);
  assert.ok(ctx.events.some((e) => e.evt === 'sms-answer-skipped' && e.of === 'MAIL1.1'));
});

K('STOP then START :: two answers, each once', async (ctx) => {
  await ctx.answers.send(stop());
  await ctx.answers.send(stop({ keyword: 'START' }));
  await ctx.answers.send(stop({ keyword: 'START' }));
  assert.equal(stored(ctx.store).map((m) => m.text), [SETTINGS.stopText, SETTINGS.startText]);
});

K('an opt-out entry older than the duplicate window :: no answer, since one may have gone and its key is forgotten', async (ctx) => {
  ctx.now = new Date(Date.parse(stop().entryAddedAt) + 73 * 3600_000);
  assert.is(await ctx.answers.send(stop()), 'too-old');
  assert.is(stored(ctx.store).length, 0);
});

K('a store that cannot write :: send() rejects, so the caller does not acknowledge the reply', async (ctx) => {
  const failing = new KeywordAnswers({
    store: { accept: () => Promise.reject(new Error('ENOSPC')) }, settings: SETTINGS, duplicateWindowHours: 72, newMailId: () => 'X', now: () => ctx.now, log: () => undefined,
  });
  await failing.send(stop()).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'ENOSPC'));
});

K.run();
