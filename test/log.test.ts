import { suite } from './helpers/suite.js';
import * as assert from 'uvu/assert';
import { TurnBatchedLines } from '../src/log.js';

const Lines = suite('log :: lines batched per turn of the event loop');

const sink = () => {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text) };
};
const nextTurn = () => new Promise((r) => setImmediate(r));

Lines('lines of one turn :: one write, in order, at the end of the turn', async () => {
  const s = sink();
  const lines = new TurnBatchedLines(s);
  lines.write('a\n');
  lines.write('b\n');
  lines.write('c\n');
  assert.equal(s.writes, [], 'nothing before the turn ends');
  await nextTurn();
  assert.equal(s.writes, ['a\nb\nc\n']);
  lines.write('d\n');
  await nextTurn();
  assert.equal(s.writes, ['a\nb\nc\n', 'd\n']);
});

Lines('flush :: writes what is held at once, and the scheduled write finds nothing left', async () => {
  const s = sink();
  const lines = new TurnBatchedLines(s);
  lines.write('stopping\n');
  lines.write('stopped\n');
  lines.flush();
  assert.equal(s.writes, ['stopping\nstopped\n']);
  await nextTurn();
  assert.equal(s.writes, ['stopping\nstopped\n']);
  lines.flush();
  assert.equal(s.writes.length, 1, 'no empty write');
});

Lines.run();
