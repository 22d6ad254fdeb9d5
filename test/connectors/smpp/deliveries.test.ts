import * as assert from 'uvu/assert';
import { Deliveries } from '../../../src/connectors/smpp/deliveries.js';
import type { ParsedReceipt } from '../../../src/connectors/smpp/receipt.js';
import { suite } from '../../helpers/suite.js';

/**
 * The receipt bookkeeping alone, where the order of turns matters: an SMSC
 * that sends a receipt again gets it acknowledged only once its report is
 * stored (ESME_ROK would make it drop the receipt for good).
 */
const D = suite('smpp deliveries');

const delivered = (id: string): ParsedReceipt => ({ id, stat: 'DELIVRD', status: 'delivered' });
const turns = async (n = 3) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };

D('a receipt that came before its submit\'s answer, sent again in the turn its SMS becomes known :: acknowledged only once the report is stored', async () => {
  const d = new Deliveries({ name: 'smsc', idBase: 'auto', receiptWaitHours: 1, log: () => undefined, now: () => new Date(), stopping: () => false });
  let store!: () => void;
  const stored = new Promise<void>((r) => { store = r; });
  const reports: string[] = [];
  d.onReport((r) => { reports.push(r.status); return stored; });
  const first = d.deliver({ kind: 'receipt', receipt: delivered('4711') });
  assert.instance(first, Promise, 'an early receipt waits for its claim');
  d.track('4711', ['4711']);
  // The same receipt again, before the report decided by track() has gone to the listeners.
  const again = d.deliver({ kind: 'receipt', receipt: delivered('4711') });
  const answered: number[] = [];
  void Promise.resolve(again).then((status) => answered.push(status));
  void Promise.resolve(first).then((status) => answered.push(status));
  await turns();
  assert.equal(reports, ['delivered'], 'one report, once');
  assert.equal(answered, [], 'neither copy is acknowledged while its report is being stored');
  store();
  await turns();
  assert.equal(answered.sort(), [0, 0]);
});

D('a receipt held for its SMS, claimed when the SMS became known, its report slower to store than the receipt\'s wait :: acknowledged once the report is stored, not when the wait ends', async () => {
  const d = new Deliveries({ name: 'smsc', idBase: 'auto', receiptWaitHours: 1, log: () => undefined, now: () => new Date(), stopping: () => false, ackWaitMs: 50 });
  let store!: () => void;
  const stored = new Promise<void>((r) => { store = r; });
  d.onReport(() => stored);
  const answer = d.deliver({ kind: 'receipt', receipt: delivered('4711') });
  assert.instance(answer, Promise, 'an early receipt waits for its claim');
  d.track('4711', ['4711']);
  const answered: number[] = [];
  void Promise.resolve(answer).then((status) => answered.push(status));
  // A slow write: timers run in the order they are due, so the receipt's 50 ms wait has ended before this one.
  await new Promise((r) => setTimeout(r, 200));
  await turns();
  assert.equal(answered, [], 'not acknowledged while its report is being stored (a crash now would lose it)');
  store();
  await turns();
  assert.equal(answered, [0]);
});

D.run();
