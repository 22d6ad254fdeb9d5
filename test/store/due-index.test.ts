import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { DueIndex } from '../../src/store/due-index.js';

const D = suite('store due index');

const T = (hh: string) => `2026-11-30T${hh}:00.000Z`;

D('due :: earliest first, only what is due, at most `limit`', () => {
  const d = new DueIndex();
  d.set('c', T('10:02'));
  d.set('a', T('10:00'));
  d.set('later', T('18:00'));
  d.set('b', T('10:01'));
  assert.equal(d.due(T('10:05'), 10), ['a', 'b', 'c']);
  assert.equal(d.due(T('10:05'), 2), ['a', 'b']);
  assert.equal(d.due(T('09:59'), 10), []);
});

D('due :: the same time keeps the order of filing (FIFO)', () => {
  const d = new DueIndex();
  for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) d.set(id, T('10:00'));
  assert.equal(d.due(T('10:00'), 10), ['m1', 'm2', 'm3', 'm4', 'm5']);
});

D('due :: being due is not being taken: the ids stay filed until deleted', () => {
  const d = new DueIndex();
  d.set('a', T('10:00'));
  d.set('b', T('10:00'));
  assert.equal(d.due(T('10:00'), 1), ['a']);
  assert.equal(d.due(T('10:00'), 10), ['a', 'b']);
  d.delete('a');
  assert.equal(d.due(T('10:00'), 10), ['b']);
  assert.is(d.size, 1);
});

D('set :: refiling moves an id; its old place is never returned', () => {
  const d = new DueIndex();
  d.set('a', T('10:00'));
  d.set('b', T('10:01'));
  d.set('a', T('12:00')); // retried later, say
  assert.equal(d.due(T('11:00'), 10), ['b']);
  assert.equal(d.due(T('12:00'), 10), ['b', 'a']);
  d.set('a', T('09:00')); // and back again
  assert.equal(d.due(T('09:30'), 10), ['a']);
  assert.is(d.size, 2);
});

D('set :: refiling at the same time keeps the place in the queue', () => {
  const d = new DueIndex();
  d.set('a', T('10:00'));
  d.set('b', T('10:00'));
  d.set('a', T('10:00'));
  assert.equal(d.due(T('10:00'), 10), ['a', 'b']);
});

D('delete :: an id deleted and filed again is due once, at its new time', () => {
  const d = new DueIndex();
  d.set('a', T('10:00'));
  d.delete('a');
  assert.equal(d.due(T('10:00'), 10), []);
  d.set('a', T('10:00'));
  assert.equal(d.due(T('10:00'), 10), ['a']);
});

D('due :: many ids in random order come out sorted (the heap holds its order)', () => {
  const d = new DueIndex();
  const times: string[] = [];
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31; // a fixed pseudo-random sequence
    const t = new Date(Date.parse(T('00:00')) + (x % 86_400) * 1000).toISOString();
    times.push(t);
    d.set(`m${i}`, t);
  }
  const out = d.due('2026-12-01T00:00:00.000Z', 5000);
  assert.is(out.length, 2000);
  const at = out.map((id) => times[Number(id.slice(1))]);
  assert.equal(at, [...at].sort());
});

D('express lane :: due express SMS first, however long the normal ones waited; each lane first due, first out', () => {
  const d = new DueIndex();
  d.set('n1', T('09:00'));
  d.set('n2', T('09:30'));
  d.set('x2', T('10:01'), true);
  d.set('x1', T('10:00'), true);
  assert.equal(d.due(T('10:05'), 10), ['x1', 'x2', 'n1', 'n2']);
  assert.equal(d.due(T('10:05'), 3), ['x1', 'x2', 'n1']);
});

D('express lane :: an express SMS scheduled later hides nothing that is due', () => {
  const d = new DueIndex();
  d.set('tomorrow', T('23:00'), true);
  d.set('n1', T('09:00'));
  assert.equal(d.due(T('10:00'), 10), ['n1']);
  assert.is(d.size, 2);
});

D('express lane :: refiled (a retry later) and deleted like any other', () => {
  const d = new DueIndex();
  d.set('x', T('10:00'), true);
  d.set('n', T('10:00'));
  d.set('x', T('11:00'), true);
  assert.equal(d.due(T('10:30'), 10), ['n']);
  assert.equal(d.due(T('11:00'), 10), ['x', 'n']);
  d.delete('x');
  assert.equal(d.due(T('11:00'), 10), ['n']);
});

D.run();
