import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { DeliveryReport } from '../../src/connectors/types.js';
import { deliveredParts, EARLY_REPORT_TTL_MS, ReportBook, submittedVia } from '../../src/dispatch/report-book.js';
import type { StatusEvent } from '../../src/store/types.js';

const B = suite('dispatch report book');

const report = (status: DeliveryReport['status'], part?: number): DeliveryReport =>
  ({ connectorMessageId: 'a b c', status, at: new Date(0), ...(part ? { part: { index: part, of: 3 } } : {}) });

B('report book :: reports before their submit answer :: all kept in arrival order, each wait settled once handled', async () => {
  const book = new ReportBook();
  const settled: string[] = [];
  const waits = [report('delivered', 1), report('delivered', 2), report('delivered')].map((r, i) =>
    book.keepEarly('smsc', r, 0).then(() => settled.push(`#${i}`)));
  assert.equal(book.takeEarly('other', 'a b c'), [], 'another connector\'s id is another message');
  const early = book.takeEarly('smsc', 'a b c');
  assert.equal(early.map((e) => e.r.part?.index ?? 'message'), [1, 2, 'message']);
  assert.equal(book.takeEarly('smsc', 'a b c'), [], 'taken out');
  for (const e of early) e.settle();
  await Promise.all(waits);
  assert.equal(settled, ['#0', '#1', '#2']);
});

B('report book :: an early report that could not be stored :: its wait ends with the error (the connector refuses it)', async () => {
  const book = new ReportBook();
  const wait = book.keepEarly('smsc', report('delivered'), 0);
  const [e] = book.takeEarly('smsc', 'a b c');
  e!.settle(new Error('journal write failed'));
  await wait.then(() => assert.unreachable('must not resolve'), (err: Error) => assert.is(err.message, 'journal write failed'));
});

B('report book :: a report nobody claims :: kept for its time, then dropped, and its wait ends', async () => {
  const book = new ReportBook();
  let ended = false;
  const wait = book.keepEarly('smsc', report('delivered'), 1000).then(() => (ended = true));
  assert.equal(book.dropExpiredEarly(1000 + EARLY_REPORT_TTL_MS), []);
  await Promise.resolve();
  assert.not.ok(ended, 'still within its time');
  const dropped = book.dropExpiredEarly(1001 + EARLY_REPORT_TTL_MS);
  assert.equal(dropped.map((e) => [e.connector, e.r.connectorMessageId]), [['smsc', 'a b c']], 'handed back for the log (report-unmatched)');
  await wait;
  assert.equal(book.takeEarly('smsc', 'a b c'), []);
});

B('report book :: reports naming our SMS id (review 4a, F1) :: found by connector and our id while kept, and taken out by our id whatever the connector', () => {
  const book = new ReportBook();
  const named = (id: string, ourId?: string): DeliveryReport => ({ connectorMessageId: id, status: 'enroute', at: new Date(0), ...(ourId ? { ourId } : {}) });
  void book.keepEarly('kannel', named('MX1.1', 'MX1.1'), 0);
  void book.keepEarly('rest', named('AGG-9', 'MX1.1'), 0);
  void book.keepEarly('rest', named('AGG-10', 'MX2.1'), 0);
  void book.keepEarly('smsc', named('0a1b'), 0);
  assert.is(book.namedEarly('kannel', 'MX1.1'), 'MX1.1');
  assert.is(book.namedEarly('rest', 'MX1.1'), 'AGG-9');
  assert.is(book.namedEarly('smsc', 'MX1.1'), undefined);
  assert.equal(book.takeNamed('MX1.1').map((e) => [e.connector, e.r.connectorMessageId]), [['kannel', 'MX1.1'], ['rest', 'AGG-9']]);
  assert.equal(book.takeNamed('MX1.1'), []);
  assert.is(book.namedEarly('rest', 'MX2.1'), 'AGG-10', 'the others stay');
  assert.equal(book.takeEarly('smsc', '0a1b').length, 1);
});

B('report book :: history :: the submitted event\'s connector, id and time; parts delivered since', () => {
  const history: StatusEvent[] = [
    { status: 'accepted', at: 't0' },
    { status: 'submitting', at: 't1', connector: 'smsc' },
    { status: 'submitted', at: 't2', connector: 'smsc', connectorMessageId: 'a b c' },
    { status: 'submitted', at: 't3', connector: 'smsc', part: { index: 2, of: 3, status: 'delivered' } },
    { status: 'submitted', at: 't4', connector: 'smsc', part: { index: 1, of: 3, status: 'delivered' } },
  ];
  assert.equal(submittedVia({ history }), { connector: 'smsc', connectorMessageId: 'a b c', at: 't2' });
  assert.equal(deliveredParts({ history }), [2, 1]);
  assert.equal(deliveredParts({ history: history.slice(0, 3) }), []);
});

B.run();
