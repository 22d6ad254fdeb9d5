import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { idKeys, IdIndex } from '../../../src/connectors/smpp/id-index.js';
import type { ParsedReceipt } from '../../../src/connectors/smpp/receipt.js';
import type { DeliveryReport } from '../../../src/connectors/types.js';
import { ReceiptTracker, type TrackerOptions } from '../../../src/connectors/smpp/tracker.js';

const receipt = (id: string, stat: string, status: ParsedReceipt['status'], reason?: string): ParsedReceipt =>
  ({ id, stat, status, ...(reason ? { reason } : {}) });
const DELIVRD = (id: string) => receipt(id, 'DELIVRD', 'delivered');
const UNDELIV = (id: string) => receipt(id, 'UNDELIV', 'failed', 'UNDELIV (err 001)');

function tracker(extra: Partial<TrackerOptions> = {}) {
  const clock = { t: 1_000_000 };
  const logged: string[] = [];
  const t = new ReceiptTracker({
    idBase: 'auto', now: () => clock.t, earlyTtlMs: 60_000, earlyMax: 100, trackTtlMs: 3600_000,
    log: (evt) => logged.push(evt), ...extra,
  });
  /** As the connector does once the listeners stored them. */
  const stored = (reports: DeliveryReport[]) => (reports.forEach((r) => t.settled(r, true)), reports);
  return { t, clock, logged, stored };
}

const T = suite('smpp tracker :: parts to messages');

/** [status, part] of each report: a part report says which part was delivered; the message's own report has none. */
const shape = (reports: DeliveryReport[]) => reports.map((r) => [r.status, r.part ? `${r.part.index}/${r.part.of}` : 'message']);

T('smpp tracker :: 3 parts :: a part report for each of the first two, delivered with the third receipt, once', () => {
  const { t, stored } = tracker();
  let done = 0;
  assert.equal(t.track('a b c', ['a', 'b', 'c'], { onDone: () => done++ }).reports, []);
  assert.equal(shape(stored(t.onReceipt(DELIVRD('a')).reports)), [['delivered', '1/3']]);
  assert.equal(shape(stored(t.onReceipt(DELIVRD('c')).reports)), [['delivered', '3/3']]);
  assert.is(done, 0, 'part reports do not end the message');
  const [r] = stored(t.onReceipt(DELIVRD('b')).reports);
  assert.equal([r?.connectorMessageId, r?.status, r?.reason, r?.part], ['a b c', 'delivered', undefined, undefined]);
  assert.equal(t.onReceipt(DELIVRD('b')).reports, [], 'a repeated receipt changes nothing');
  assert.equal(t.onReceipt(DELIVRD('a')).reports, [], 'nor one for a part reported before');
  assert.equal([done, t.counts.messages], [1, 0]);
});

T('smpp tracker :: after a restart, parts 1 and 2 known delivered :: the receipt of part 3 alone delivers the message', () => {
  const { t, stored } = tracker();
  assert.equal(t.track('a b c', ['a', 'b', 'c'], { delivered: [1, 2] }).reports, []);
  assert.equal(t.onReceipt(DELIVRD('a')).reports, [], 'the SMSC repeating an answered receipt changes nothing');
  assert.equal(shape(stored(t.onReceipt(DELIVRD('c')).reports)), [['delivered', 'message']]);
  assert.is(t.counts.messages, 0);
});

T('smpp tracker :: after a restart, every part known delivered :: the message is delivered at once', () => {
  const { t } = tracker();
  let done = 0;
  assert.equal(shape(t.track('a b', ['a', 'b'], { delivered: [1, 2], onDone: () => done++ }).reports), [['delivered', 'message']]);
  assert.equal([done, t.counts.messages], [1, 0]);
});

T('smpp tracker :: part 2 of 3 UNDELIV :: failed at once naming the part; later receipts absorbed', () => {
  const { t, stored } = tracker();
  t.track('a b c', ['a', 'b', 'c']);
  stored(t.onReceipt(DELIVRD('a')).reports);
  const [r] = stored(t.onReceipt(UNDELIV('b')).reports);
  assert.equal([r?.status, r?.reason], ['failed', 'part 2 of 3: UNDELIV (err 001)']);
  assert.equal(t.onReceipt(DELIVRD('c')).reports, []);
  assert.equal(t.counts, { messages: 0, early: 0 }, 'forgotten once every part has answered');
});

T('smpp tracker :: reports that could not be stored :: undone, the receipts the SMSC sends again decide them again; onDone once', () => {
  const { t, stored } = tracker();
  let done = 0;
  t.track('a b', ['a', 'b'], { onDone: () => done++ });
  const [part] = t.onReceipt(DELIVRD('a')).reports;
  t.settled(part!, false);
  assert.equal(shape(stored(t.onReceipt(DELIVRD('a')).reports)), [['delivered', '1/2']], 'the part receipt again');
  const [whole] = t.onReceipt(DELIVRD('b')).reports;
  assert.equal(shape([whole!]), [['delivered', 'message']]);
  t.settled(whole!, false);
  assert.is(t.counts.messages, 1, 'kept for the receipt to come again');
  assert.equal(shape(stored(t.onReceipt(DELIVRD('b')).reports)), [['delivered', 'message']]);
  assert.equal([done, t.counts.messages], [1, 0]);
});

T('smpp tracker :: single part EXPIRED / REJECTD :: that status, the reason without a part number', () => {
  const { t } = tracker();
  t.track('x', ['x']);
  t.track('y', ['y']);
  assert.equal(t.onReceipt(receipt('x', 'EXPIRED', 'expired', 'EXPIRED (err 000)')).reports.map((r) => [r.status, r.reason]), [['expired', 'EXPIRED (err 000)']]);
  assert.equal(t.onReceipt(receipt('y', 'REJECTD', 'rejected', 'REJECTD')).reports.map((r) => r.status), ['rejected']);
});

T('smpp tracker :: ENROUTE then DELIVRD :: an enroute report, then delivered', () => {
  const { t } = tracker();
  t.track('x', ['x']);
  assert.equal(t.onReceipt(receipt('x', 'ENROUTE', 'enroute')).reports.map((r) => [r.status, r.reason]), [['enroute', 'ENROUTE']]);
  assert.equal(t.onReceipt(DELIVRD('x')).reports.map((r) => r.status), ['delivered']);
});

T('smpp tracker :: receipt before the part is tracked :: kept, applied by track(), which names it', () => {
  const { t } = tracker();
  const early = DELIVRD('00a0001');
  assert.equal(t.onReceipt(early), { reports: [], kept: true });
  assert.is(t.counts.early, 1);
  const tracked = t.track('A0000 A0001', ['A0000', 'A0001']);
  assert.equal(shape(tracked.reports), [['delivered', '2/2']]);
  assert.ok(tracked.applied.length === 1 && tracked.applied[0] === early, 'the early receipt is handed back, so its answer can wait for the report');
  assert.equal(shape(t.onReceipt(DELIVRD('a0000')).reports), [['delivered', 'message']]);
  assert.is(t.counts.early, 0);
});

T('smpp tracker :: early receipts :: bounded in number (oldest dropped, logged) and in time', () => {
  const { t, clock, logged } = tracker({ earlyMax: 2 });
  t.onReceipt(DELIVRD('f1'));
  t.onReceipt(DELIVRD('f2'));
  t.onReceipt(DELIVRD('f3'));
  assert.equal([t.counts.early, logged], [2, ['smpp-receipt-dropped']]);
  assert.equal(t.track('f1', ['f1']).reports, [], 'the dropped one is gone');
  clock.t += 61_000;
  t.onReceipt(DELIVRD('f9'));
  assert.is(t.counts.early, 1, 'expired ones swept, the new one kept');
});

T('smpp tracker :: a message never answered :: forgotten after trackTtl, onDone called', () => {
  const { t, clock } = tracker();
  let done = 0;
  t.track('x', ['x'], { onDone: () => done++ }).reports;
  clock.t += 3600_001;
  t.onReceipt(DELIVRD('other')).reports;
  assert.equal([done, t.counts.messages], [1, 0]);
});

const I = suite('smpp tracker :: id bases');

I('smpp ids :: keys per base', () => {
  assert.equal(idKeys('000A0000', 'hex', 'response'), ['655360']);
  assert.equal(idKeys('655360', 'decimal', 'receipt'), ['655360']);
  assert.equal(idKeys('0123', 'hex/decimal', 'response'), ['291']);
  assert.equal(idKeys('0123', 'hex/decimal', 'receipt'), ['123']);
  assert.equal(idKeys('msg-7F', 'hex', 'response'), ['msg-7f']);
  assert.equal(idKeys('0123', 'auto', 'receipt').sort(), ['123', '291']);
});

I('smpp ids :: auto, two parts matching one receipt :: the exact form wins', () => {
  const index = new IdIndex<string>('auto', 'response');
  index.add('123', 'p123'); // read as hex: 291
  index.add('291', 'p291');
  assert.equal(index.find('291', 'receipt'), { found: 'p291' });
  assert.equal(index.find('000291', 'receipt'), { found: 'p291' }, 'leading zeros do not spoil the exact match');
  index.delete('p291');
  assert.equal(index.find('291', 'receipt'), { found: 'p123' });
});

I('smpp ids :: decimal/hex configured :: the receipt read in hex finds the decimal response id, no ambiguity', () => {
  const { t } = tracker({ idBase: 'decimal/hex' });
  t.track('291', ['291']).reports;
  t.track('123', ['123']).reports;
  assert.equal(t.onReceipt(DELIVRD('123')).reports.map((r) => r.connectorMessageId), ['291']);
});

I('smpp ids :: auto, truly ambiguous :: logged, nothing applied (a wrong status cannot be taken back)', () => {
  const { t, logged } = tracker();
  t.track('1a', ['1a']).reports; // hex 26
  t.track('38', ['38']).reports; // decimal 38, or hex 56
  assert.equal(t.onReceipt(DELIVRD('26')).reports, [], '26 is 0x1A, and read as hex 0x26 = 38');
  assert.equal(logged, ['smpp-receipt-ambiguous']);
  assert.is(t.counts.messages, 2);
});

T.run();
I.run();
