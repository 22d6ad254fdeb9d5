import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ConnectorWaits, inLine } from '../../src/dispatch/connector-waits.js';

/** Which waiting SMS a connector's return wakes, and in which order they go (the bridge's side: connector-return.test.ts). */
const W = suite('dispatch connector-waits');

const sms = (id: string, priority?: 'express') => ({ id, ...(priority ? { priority } : {}) });

W('waits :: woken by a connector of their route only, a group at a time, oldest first', () => {
  const w = new ConnectorWaits();
  w.add('a1', 2, ['a']);
  w.add('ab1', 2, ['b', 'a']);
  w.add('b1', 2, ['b']);
  w.add('a2', 3, ['a']);
  assert.is(w.hasReady, false);
  assert.is(w.wake('a', '2026-11-30T10:00:00.000Z'), 3);
  const ready = w.ready(10, (id) => sms(id), () => true);
  assert.equal(ready.map((r) => [r.job.id, r.at]), [['a1', '2026-11-30T10:00:00.000Z'], ['a2', '2026-11-30T10:00:00.000Z'], ['ab1', '2026-11-30T10:00:00.000Z']]);
  assert.is(w.wake('a', '2026-11-30T10:00:01.000Z'), 0, 'woken once');
  assert.is(w.wake('b', '2026-11-30T10:00:01.000Z'), 1, 'only b1 still waits for b');
});

W('waits :: one attempted (forget), or changed since it was filed (version), is not handed out', () => {
  const w = new ConnectorWaits();
  for (const id of ['x1', 'x2', 'x3']) w.add(id, 2, ['x']);
  w.forget('x1');
  w.wake('x', '2026-11-30T10:00:00.000Z');
  const versions: Record<string, number> = { x2: 3, x3: 2 }; // x2 was held or sent meanwhile: its history grew
  assert.equal(w.ready(10, (id, v) => (versions[id] === v ? sms(id) : undefined), () => true).map((r) => r.job.id), ['x3']);
  assert.equal(w.ready(10, (id, v) => (versions[id] === v ? sms(id) : undefined), () => true).map((r) => r.job.id), ['x3'], 'left filed until attempted');
  w.forget('x3');
  assert.is(w.hasReady, false);
});

W('waits :: its connectors unusable again before they went :: back to waiting, woken by the next return', () => {
  const w = new ConnectorWaits();
  w.add('y1', 2, ['y']);
  w.wake('y', '2026-11-30T10:00:00.000Z');
  w.add('y2', 2, ['y']);
  assert.equal(w.ready(10, (id) => sms(id), () => false), []);
  assert.is(w.hasReady, false);
  assert.is(w.wake('y', '2026-11-30T10:01:00.000Z'), 2);
  assert.equal(w.ready(10, (id) => sms(id), () => true).map((r) => r.job.id), ['y1', 'y2']);
});

W('restore :: those that waited before a restart wait again as filed (versions kept), for one of their connectors to take SMS: a probe takes one, a return the rest', () => {
  const w = new ConnectorWaits();
  w.restore([
    { connectors: ['a'], ids: new Map([['a1', 2], ['a2', 4], ['a3', 2]]) },
    { connectors: ['b'], ids: new Map([['b1', 2]]) },
    { connectors: ['c'], ids: new Map() },
  ]);
  assert.is(w.hasReady, false, 'nothing goes before a connector of theirs is known to take SMS');
  assert.is(w.wakeOne('a', '2026-11-30T10:00:00.000Z'), true);
  const versions: Record<string, number> = { a1: 2, a2: 5, a3: 2, b1: 2 }; // a2 changed since it was filed
  const current = (id: string, v: number) => (versions[id] === v ? sms(id) : undefined);
  assert.equal(w.ready(10, current, () => true).map((r) => [r.job.id, r.at]), [['a1', '2026-11-30T10:00:00.000Z']], 'the probe: the oldest');
  w.forget('a1');
  assert.is(w.wake('a', '2026-11-30T10:00:05.000Z'), 2);
  assert.equal(w.ready(10, current, () => true).map((r) => r.job.id), ['a3'], 'a2 changed since it was filed: dropped');
  w.forget('a3');
  assert.is(w.wake('b', '2026-11-30T10:00:06.000Z'), 1);
  assert.equal(w.ready(10, current, () => true).map((r) => [r.job.id, r.at]), [['b1', '2026-11-30T10:00:06.000Z']]);
});

W('waits :: a probe :: one, the oldest, from a route with the connector', () => {
  const w = new ConnectorWaits();
  w.add('q1', 2, ['q', 'r']);
  w.add('q2', 2, ['q', 'r']);
  assert.is(w.wakeOne('s', '2026-11-30T10:00:00.000Z'), false);
  assert.is(w.wakeOne('q', '2026-11-30T10:00:00.000Z'), true);
  assert.equal(w.ready(10, (id) => sms(id), () => true).map((r) => r.job.id), ['q1']);
  assert.is(w.wake('r', '2026-11-30T10:00:05.000Z'), 1, 'the probe is not counted twice');
});

W('inLine :: express first, then by due time, a woken SMS as due at its wake-up; each once; at most limit', () => {
  const due = [
    { job: sms('old'), at: '2026-11-30T09:59:00.000Z', express: false },
    { job: sms('new'), at: '2026-11-30T10:00:30.000Z', express: false },
    { job: sms('w2'), at: '2026-11-30T09:00:00.000Z', express: false },
  ];
  const woken = [
    { job: sms('w1'), at: '2026-11-30T10:00:00.000Z', express: false },
    { job: sms('w2'), at: '2026-11-30T10:00:00.000Z', express: false },
    { job: sms('wx', 'express'), at: '2026-11-30T10:00:00.000Z', express: true },
  ];
  assert.equal(inLine(due, woken, 10).map((m) => m.id), ['wx', 'w2', 'old', 'w1', 'new']);
  assert.equal(inLine(due, woken, 2).map((m) => m.id), ['wx', 'w2']);
});

W.run();
