import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { RecentSends } from '../../src/store/recent.js';
import type { SmsMessage } from '../../src/store/types.js';
import { openStore, sms, T0 } from '../helpers/store.js';

const R = suite<{ dir: string }>('store recent sends');

R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-recent-'));
});

R.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const t = (min: number) => T0.getTime() + min * 60_000;
const A = '+4915100000001';
const B = '+4915100000002';

R('index :: per account and number, times kept in order even when they come out of it; pruned; rows load back', () => {
  const r = new RecentSends();
  r.add('acme', A, t(10));
  r.add('acme', A, t(5)); // a concurrent session's mail, stored a moment later
  r.add('acme', B, t(7));
  r.add('beta', A, t(8));
  assert.is(r.count('acme', A, t(5)), 1, 'after `since`, not at it');
  assert.is(r.count('acme', A, t(4)), 2);
  assert.is(r.count('beta', B, t(0)), 0);
  assert.equal(r.perAccount(t(6)), new Map([['acme', [t(7), t(10)]], ['beta', [t(8)]]]));
  const copy = new RecentSends();
  copy.load(r.rows());
  assert.equal(copy.rows(), r.rows());
  r.prune(t(7));
  assert.equal(r.rows(), [['acme', A, [t(10)]], ['beta', A, [t(8)]]]);
  r.add('acme', A, t(70)); // adding an hour later drops what left the hour
  assert.equal(r.rows(), [['acme', A, [t(70)]]]);
});

const to = (id: string, number: string, over: Partial<SmsMessage> = {}) => sms(id, { account: 'acme', to: number, ...over });

R('journal store :: counts what the policy counted (not a duplicate by content, not a STOP answer; a later cancel still counts), after a restart from the journal and from the snapshot', async ({ dir }) => {
  let s = await openStore(dir);
  const since = new Date(t(-60));
  try {
    await s.accept({ messages: [to('M1.1', A), to('M2.1', A)], dedupKeys: [undefined, undefined] });
    await s.accept({ messages: [to('M3.1', A, { status: 'cancelled' })], dedupKeys: [undefined] }); // stored as a duplicate by content
    await s.accept({ messages: [to('M4.1', A, { answerTo: { keyword: 'STOP', connector: 'smpp' } })], dedupKeys: ['stop'] });
    await s.transition('M2.1', { event: { status: 'cancelled', at: T0.toISOString(), by: 'api user erp' } });
    assert.is(s.sentTo('acme', A, since), 2);
    for (let i = 0; i < 2; i++) {
      await s.close();
      s = await openStore(dir); // first from the journal, then (that start compacted) from the snapshot
      assert.is(s.sentTo('acme', A, since), 2, `start ${i + 1}`);
      assert.is(s.sentTo('acme', B, since), 0);
      assert.is(s.sentTo('beta', A, since), 0);
      assert.equal(s.sentPerAccount(since), new Map([['acme', [T0.getTime(), T0.getTime()]]]));
    }
  } finally {
    await s.close();
  }
});

R('journal store :: a snapshot from before the counts were saved: the live messages in it count', async ({ dir }) => {
  let s = await openStore(dir);
  try {
    await s.accept({ messages: [to('M1.1', A)], dedupKeys: [undefined] });
    await s.close();
    s = await openStore(dir); // compacts
    await s.close();
    const file = join(dir, 'state.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as { recent?: unknown; messages: unknown[] };
    assert.ok(state.recent && state.messages.length === 1);
    delete state.recent;
    await writeFile(file, JSON.stringify(state));
    s = await openStore(dir);
    assert.is(s.sentTo('acme', A, new Date(t(-60))), 1);
  } finally {
    await s.close();
  }
});

R('journal store :: recentSends off (no account has a rate or a per-number cap): nothing kept, nothing saved', async ({ dir }) => {
  let s = await openStore(dir, undefined, undefined, { recentSends: false });
  try {
    await s.accept({ messages: [to('M1.1', A)], dedupKeys: [undefined] });
    assert.is(s.sentTo('acme', A, new Date(t(-60))), 0);
    await s.close();
    s = await openStore(dir, undefined, undefined, { recentSends: false }); // compacts
    await s.close();
    assert.not.match(await readFile(join(dir, 'state.json'), 'utf8'), '"recent"');
    s = await openStore(dir);
  } finally {
    await s.close();
  }
});

R.run();
