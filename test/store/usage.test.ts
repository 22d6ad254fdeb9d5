import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { JournalStore } from '../../src/store/journal-store.js';
import type { SmsMessage } from '../../src/store/types.js';
import { UsageIndex } from '../../src/store/usage.js';

const U = suite('store usage');

U('index :: per account and hour; since() from the hour of `from`; pruned', () => {
  const u = new UsageIndex();
  u.add('acme', '2026-11-23T09:59:59Z', 2);
  u.add('acme', '2026-11-23T10:00:00Z', 3);
  u.add('beta', '2026-11-23T10:30:00Z', 7);
  assert.is(u.since('acme', new Date('2026-11-23T10:00:00Z')), 3);
  assert.is(u.since('acme', new Date('2026-11-23T09:30:00Z')), 5);
  u.prune(new Date('2026-11-23T10:00:00Z'));
  assert.equal(u.rows(), [['acme', Date.parse('2026-11-23T10:00:00Z') / 3_600_000, 3], ['beta', Date.parse('2026-11-23T10:00:00Z') / 3_600_000, 7]]);
});

function sms(id: string, segments: number, at: string): SmsMessage {
  return {
    id, mailId: id.split('.')[0], account: 'acme', to: '+4915112345678', text: 'x', encoding: 'GSM7', segments,
    mail: { envelopeFrom: '', rcptTo: 'x', receivedAt: at }, notify: 'none', status: 'accepted', history: [{ status: 'accepted', at }], attempts: 0, notBefore: at, confirmations: [],
  };
}

U('journal store :: counts come back after a restart, from the journal and from the snapshot alike', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-usage-'));
  const now = () => new Date('2026-11-23T12:00:00Z');
  const open = async () => {
    const s = new JournalStore({ dir, segmentBytes: 4096, duplicateWindowHours: 1, now });
    await s.open();
    return s;
  };
  try {
    let s = await open();
    for (let i = 0; i < 20; i++) await s.accept({ messages: [sms(`M${i}.1`, 2, '2026-11-23T11:00:00Z')], dedupKeys: [undefined] }); // rolls segments: snapshots
    await s.close();
    s = await open();
    assert.is(s.segmentsSince('acme', new Date('2026-11-23T00:00:00Z')), 40);
    assert.is(s.segmentsSince('beta', new Date('2026-11-23T00:00:00Z')), 0);
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

U('journal store :: a duplicate accepted as cancelled (duplicate detection) does not count; the SMS it repeats does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-usage-'));
  const at = '2026-11-23T11:00:00Z';
  try {
    const s = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 1, now: () => new Date('2026-11-23T12:00:00Z') });
    await s.open();
    await s.accept({ messages: [sms('M1.1', 2, at)], dedupKeys: [undefined] });
    const dup = { ...sms('M2.1', 2, at), status: 'cancelled' as const, history: [{ status: 'cancelled' as const, at, duplicateOf: 'M1.1' }] };
    await s.accept({ messages: [dup], dedupKeys: [undefined] });
    assert.is(s.segmentsSince('acme', new Date('2026-11-23T00:00:00Z')), 2);
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

U('journal store :: an SMS cancelled before any attempt gives its segments back, after a restart too; one cancelled after an attempt keeps counting', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-usage-'));
  const now = () => new Date('2026-11-23T12:00:00Z');
  const at = '2026-11-23T11:00:00Z';
  const open = async () => {
    const s = new JournalStore({ dir, segmentBytes: 4096, duplicateWindowHours: 1, now });
    await s.open();
    return s;
  };
  const day = new Date('2026-11-23T00:00:00Z');
  try {
    let s = await open();
    for (const id of ['A.1', 'B.1', 'C.1']) await s.accept({ messages: [sms(id, 2, at)], dedupKeys: [undefined] });
    assert.is(s.segmentsSince('acme', day), 6);
    await s.transition('A.1', { event: { status: 'cancelled', at } });
    assert.is(s.segmentsSince('acme', day), 4, 'A never went to a connector');
    // B was tried once and is queued again (a temporary failure): it may have cost something, it keeps counting.
    await s.transition('B.1', { event: { status: 'submitting', at }, attempts: 1 });
    await s.transition('B.1', { event: { status: 'accepted', at } });
    await s.transition('B.1', { event: { status: 'cancelled', at } });
    assert.is(s.segmentsSince('acme', day), 4);
    await s.close();
    s = await open();
    assert.is(s.segmentsSince('acme', day), 4, 'the same after replaying the journal');
    for (let i = 0; i < 20; i++) await s.accept({ messages: [sms(`M${i}.1`, 1, at)], dedupKeys: [undefined] }); // rolls segments: snapshots
    await s.close();
    s = await open();
    assert.is(s.segmentsSince('acme', day), 24, 'and from a snapshot');
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

U.run();
