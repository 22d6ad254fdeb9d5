import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { Snapshot, snapshotJson, type SnapshotData } from '../../src/store/snapshot.js';
import type { SmsMessage } from '../../src/store/types.js';

const S = suite('store snapshot');

function data(messages: number, dedup: number, recent = 0): SnapshotData {
  const at = '2026-11-23T10:00:00.000Z';
  const m = (i: number): SmsMessage => ({
    id: `M${i}.1`, mailId: `M${i}`, account: 'default', to: '+4915112345678', text: `Text "${i}" ümlaut\n😀`, encoding: 'UCS2', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: '+4915112345678@sms.localhost', receivedAt: at },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at }], attempts: 0, notBefore: at, confirmations: [],
  });
  return {
    version: 1, seq: 42, savedAt: at, usage: [['default', 492_346, 7]],
    messages: Array.from({ length: messages }, (_, i) => m(i)),
    dedup: Array.from({ length: dedup }, (_, i) => [`k${i}`, `M${i}.1`, 1_800_000_000_000 + i] as [string, string, number]),
    ...(recent ? { recent: Array.from({ length: recent }, (_, i) => ['default', `+49151${i}`, [1_800_000_000_000, 1_800_000_000_000 + i]] as [string, string, number[]]) } : {}),
  };
}

for (const [messages, dedup, recent] of [[0, 0, 0], [1, 1, 1], [500, 5000, 0], [1201, 12_345, 6001]]) {
  S(`snapshotJson :: ${messages} messages, ${dedup} dedup keys, ${recent} numbers of the last hour :: JSON of exactly the data, every key kept, in pieces`, () => {
    const d = data(messages, dedup, recent);
    const pieces = [...snapshotJson(d)];
    assert.equal(JSON.parse(pieces.join('')), JSON.parse(JSON.stringify(d)));
    if (messages > 500) assert.ok(pieces.length > 4, 'written in pieces');
  });
}

S('write then read :: the state comes back whole, and the file is plain JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
  try {
    const d = data(1201, 3000);
    const s = new Snapshot(join(dir, 'state.json'));
    await s.write(d);
    assert.equal(await new Snapshot(join(dir, 'state.json')).read(), d);
    assert.equal(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')), d);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();
