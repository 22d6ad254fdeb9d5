import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outcomeOf, receiptFits } from '../../src/dispatch/receipt-match.js';
import type { KeptReceipt } from '../../src/store/kept-receipts.js';

const M = suite('dispatch :: whether an SMPP receipt kept after a restore fits a held SMS');

const heldSince = '2026-11-30T10:00:30.000Z';
const sms = { to: '+4915112340001', text: 'Mahnung: Rechnung 4711 ist offen', encoding: 'GSM7' as const, mail: { envelopeFrom: '', rcptTo: '', receivedAt: '2026-11-30T09:30:40.000Z' } };
const receipt = (over: Partial<KeptReceipt> = {}): KeptReceipt => ({
  connector: 'smsc', id: 'beef', status: 'delivered', at: '2026-11-30T10:01:00.000Z', handset: sms.to, submittedAt: '2026-11-30T09:45:00.000Z', excerpt: ['Mahnung: Rechnung 47'], ...over,
});

const CASES: Array<[string, Partial<KeptReceipt>, number | undefined]> = [
  ['number, time and text fit :: part 1', {}, 0],
  ['no text :: fits by number and time', { excerpt: undefined }, -1],
  ['an empty text is no text', { excerpt: [''] }, -1],
  ['another number', { handset: '+4915112340002' }, undefined],
  ['no number', { handset: undefined }, undefined],
  ['no submit date :: when it went cannot be checked', { submittedAt: undefined }, undefined],
  ['submitted in the minute of acceptance (the date has no seconds)', { submittedAt: '2026-11-30T09:30:00.000Z' }, 0],
  ['submitted before acceptance, within the clock skew', { submittedAt: '2026-11-30T09:26:00.000Z' }, 0],
  ['submitted before acceptance, past the clock skew', { submittedAt: '2026-11-30T09:24:00.000Z' }, undefined],
  ['submitted after the hold began, within the clock skew', { submittedAt: '2026-11-30T10:05:00.000Z' }, 0],
  ['submitted after the hold began, past the clock skew :: this bridge, not the old one', { submittedAt: '2026-11-30T10:06:00.000Z' }, undefined],
  ['another text', { excerpt: ['Termin morgen um 9'] }, undefined],
  ['a shorter text, its trailing space dropped', { excerpt: ['Mahnung: '] }, 0],
  ['the text read in GSM 03.38 fits where the latin1 reading does not', { excerpt: ['Mahnung\u00a1 Rechnung', 'Mahnung: Rechnung'] }, 0],
];
for (const [name, over, part] of CASES) M(name, () => assert.is(receiptFits(receipt(over), sms, heldSince), part));

M('a character the receipt text cannot carry is written "." :: it stands for that character only', () => {
  const umlaut = { ...sms, text: 'Zahlung fällig am 1.' };
  assert.is(receiptFits(receipt({ excerpt: ['Zahlung f.llig am 1.'] }), umlaut, heldSince), 0);
  assert.is(receiptFits(receipt({ excerpt: ['Zahlung f.llig'] }), { ...umlaut, text: 'Zahlung frllig' }, heldSince), undefined);
});

M('a long SMS :: each part\'s receipt fits by that part\'s start; delivered once every part is, the first failed part decides at once', () => {
  const long = { ...sms, text: `${'A'.repeat(153)}${'B'.repeat(100)}` };
  const p1 = receipt({ id: 'p1', excerpt: ['A'.repeat(20)] });
  const p2 = receipt({ id: 'p2', excerpt: ['B'.repeat(20)] });
  assert.equal([receiptFits(p1, long, heldSince), receiptFits(p2, long, heldSince)], [0, 1]);
  assert.is(outcomeOf(long, [p1], heldSince), undefined, 'one part of two');
  assert.equal(outcomeOf(long, [p1, p2], heldSince), { status: 'delivered' });
  assert.equal(outcomeOf(long, [p1, { ...p2, status: 'failed', reason: 'UNDELIV (err 001)' }], heldSince), { status: 'failed', reason: 'part 2 of 2: UNDELIV (err 001)' });
  assert.equal(outcomeOf(sms, [receipt({ status: 'enroute' })], heldSince), undefined, 'interim');
  assert.equal(outcomeOf(sms, [receipt({ excerpt: undefined })], heldSince), { status: 'delivered' }, 'one part: no text needed');
});

M.run();
