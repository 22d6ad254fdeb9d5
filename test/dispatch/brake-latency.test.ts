import { stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { addMessage, Labels, type Aggs } from '../../src/api/history/aggregate.js';
import { brakeCommand } from '../../src/cli/brake.js';
import { buildConfig } from '../../src/config/load.js';
import { appendToArchive } from '../../src/store/archive.js';
import { newMailId } from '../../src/store/ids.js';
import type { SmsMessage } from '../../src/store/types.js';
import { basic, call } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * An SMS the fraud brake held until an operator released its account: the
 * hold is a rule kept, not slowness, so sms-final's latencyMs counts from the
 * release and heldMs says how long it was held, as for quiet hours; the
 * statistics count the same, and a statistics cache of the figures from
 * before (stats-cache.json, version 1) is recomputed, not served.
 */
const L = suite('latency of an SMS the fraud brake held');

const NUMBERS = ['+4915112345681', '+4915112345682', '+4915112345683'];
const HOUR = 3600_000;
const silentIo = { readStdin: async () => '', out: () => {}, err: () => {} };

/** Three SMS to new numbers, scheduled 10 minutes ahead (accepting them engages the brake), held when due, released two hours later. */
async function heldAndReleased(b: TestBridge, clock: { offset: number }): Promise<string[]> {
  const at = new Date(Date.now() + 10 * 60_000).toISOString();
  const info = await mailer(b.port).sendMail({
    from: 'erp@acme.test', to: NUMBERS.map((n) => `${n}@sms.localhost`), subject: 'Mahnung', text: 'Bitte zahlen.', headers: { 'X-SMS-Send-At': at },
  });
  const ids = NUMBERS.map((_, i) => `${queuedAs(info.response)}.${i + 1}`);
  await waitFor('the brake', () => b.events.find((e) => e.evt === 'brake-engaged'));
  clock.offset = 11 * 60_000;
  await waitFor('all three held', () => ids.every((id) => b.store.get(id)?.history.at(-1)?.hold === 'brake') || undefined);
  clock.offset += 2 * HOUR;
  assert.is(await brakeCommand(['release', 'default'], buildConfig({ store: { dir: b.dir } }), silentIo), 0);
  await waitFor('all three delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered') || undefined, 10_000);
  return ids;
}

/** A delivered SMS as compaction files it two days ago (every time moved back), under a new id. */
function twoDaysAgo(m: SmsMessage): SmsMessage {
  const back = (iso: string) => new Date(Date.parse(iso) - 48 * HOUR).toISOString();
  const c = structuredClone(m);
  c.mailId = newMailId(new Date(Date.parse(m.mail.receivedAt) - 48 * HOUR), () => Buffer.from('00000000b1', 'hex'));
  c.id = `${c.mailId}.1`;
  c.mail.receivedAt = back(c.mail.receivedAt);
  if (c.sendAt) c.sendAt = back(c.sendAt);
  c.history = c.history.map((e) => ({ ...e, at: back(e.at), ...(e.until ? { until: back(e.until) } : {}) }));
  return c;
}

L('released two hours after it was due :: latencyMs from the release, heldMs the hold; the statistics too, a version 1 cache of the old figures recomputed', async () => {
  const clock = { offset: 0 };
  const b = await startTestBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, undefined, { now: () => new Date(Date.now() + clock.offset) });
  try {
    const ids = await heldAndReleased(b, clock);
    const m = b.store.get(ids[0])!;
    const released = m.history.find((e) => e.reason === 'the fraud brake of account "default" was released: sent now')!.at;
    const final = await waitFor('sms-final', () => b.events.find((e) => e.evt === 'sms-final' && e.msgId === ids[0]));
    assert.is(final.latencyMs, Date.parse(m.history.at(-1)!.at) - Date.parse(released), 'from the release to delivery');
    assert.is(final.heldMs, Date.parse(released) - Date.parse(m.sendAt!), 'the hold itself, apart');
    assert.ok((final.heldMs as number) > 2 * HOUR, JSON.stringify(final));

    // The same SMS archived two days ago, and a cache written before this change: its sums count the hold as latency.
    const old = twoDaysAgo(m);
    await appendToArchive(b.store.archiveDir, [old]);
    const file = join(b.store.archiveDir, `${old.history.at(-1)!.at.slice(0, 10)}.jsonl`);
    const stale: Aggs = {};
    addMessage(stale, { ...old, history: old.history.filter((e) => !e.hold) }, new Labels(b.config.options.timeZone));
    assert.ok(Object.values(stale).some((a) => Object.keys(a.latency ?? {}).some((k) => Number(k) > 80)), 'the old figure: over two hours');
    const cache = { version: 1, timeZone: b.config.options.timeZone, files: { [basename(file)]: { size: (await stat(file)).size, aggs: stale } } };
    await writeFile(join(b.dir, 'stats-cache.json'), JSON.stringify(cache));

    await b.users.add('root', 'default', 'admin-password-1', 'admin');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const now = Date.now() + clock.offset;
    const stats = await call(b, 'GET', `/api/v1/stats?from=${day(now - 4 * 24 * HOUR)}&to=${day(now + 24 * HOUR)}`, { auth: basic('root', 'admin-password-1') });
    assert.is(stats.status, 200, JSON.stringify(stats.body));
    assert.is(stats.body.latency.delivered, 4, 'three live, one archived');
    assert.ok(stats.body.latency.p95Ms < 10 * 60_000, `no two-hour latency: ${JSON.stringify(stats.body.latency)}`);
  } finally {
    await stopTestBridge(b);
  }
});

L.run();
