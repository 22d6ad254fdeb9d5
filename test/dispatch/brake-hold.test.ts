import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { brakeCommand } from '../../src/cli/brake.js';
import { buildConfig } from '../../src/config/load.js';
import type { SmsMessage } from '../../src/store/types.js';
import { markerSent, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/** The fraud brake stops what an account has queued too, not only its new mail; a release lets it go, once. */
const H = suite('dispatch brake holds queued SMS');

const NUMBERS = ['+4915112345671', '+4915112345672', '+4915112345673'];
const silentIo = { readStdin: async () => '', out: () => {}, err: () => {} };

/** Three SMS to numbers never seen before, scheduled 10 minutes ahead: accepting them engages the brake (3 new numbers). */
async function scheduleSpike(b: TestBridge, clock: { offset: number }): Promise<string[]> {
  const at = new Date(Date.now() + clock.offset + 10 * 60_000).toISOString();
  const info = await mailer(b.port).sendMail({
    from: 'erp@acme.test', to: NUMBERS.map((n) => `${n}@sms.localhost`), subject: 'Mahnung', text: 'Bitte zahlen.', headers: { 'X-SMS-Send-At': at },
  });
  const mailId = queuedAs(info.response);
  await waitFor('the brake', () => b.events.find((e) => e.evt === 'brake-engaged'));
  return NUMBERS.map((_, i) => `${mailId}.${i + 1}`);
}

const heldAll = (b: TestBridge, ids: string[]) => ids.every((id) => b.store.get(id)?.history.at(-1)?.hold === 'brake') || undefined;

function assertSentOnceAfterRelease(b: TestBridge, ids: string[]) {
  assert.equal(b.sim.sent.map((s) => s.to).filter((to) => NUMBERS.includes(to)).sort(), NUMBERS, 'each number once');
  for (const id of ids) {
    const h = (b.store.get(id) as SmsMessage).history;
    const hold = h.find((e) => e.hold === 'brake')!;
    assert.match(hold.reason ?? '', /^held: account "default" is stopped by the fraud brake \(3 numbers never sent to before within 60 minutes\); it is sent once an operator runs mail2sms brake release default$/);
    assert.ok(h.some((e) => e.reason === 'the fraud brake of account "default" was released: sent now'), 'the release is in the history');
  }
}

H('scheduled SMS of an account the brake stopped :: held when due, nothing sent; the CLI release sends each once', async () => {
  const clock = { offset: 0 };
  // A second account on 127.0.0.2, not stopped: its SMS, due after the holds, is the barrier of the "nothing sent" check.
  const accounts = [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [] }, { name: 'other', networks: ['127.0.0.2/32'], addresses: [] }];
  const b = await startTestBridge({ accounts, limits: { brake: { newNumbersPerWindow: 3 } } }, undefined, { now: () => new Date(Date.now() + clock.offset) });
  try {
    const ids = await scheduleSpike(b, clock);
    clock.offset = 11 * 60_000;
    await waitFor('all three held', () => heldAll(b, ids));
    const marker = await markerSent(b, { localAddress: '127.0.0.2' });
    assert.equal(b.sim.sent.map((s) => s.to), [marker], 'nothing of the stopped account reached the connector');
    assert.ok(b.events.some((e) => e.evt === 'sms-held' && e.msgId === ids[0]));

    assert.is(await brakeCommand(['release', 'default'], buildConfig({ store: { dir: b.dir } }), silentIo), 0);
    await waitFor('all three delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered') || undefined);
    assertSentOnceAfterRelease(b, ids);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

H('a release reads only the held SMS :: no walk of the queue; another account\'s SMS queued for tomorrow stay out of memory, unread', async () => {
  const clock = { offset: 0 };
  const accounts = [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [] }, { name: 'other', networks: ['127.0.0.2/32'], addresses: [] }];
  const b = await startTestBridge({ accounts, limits: { brake: { newNumbersPerWindow: 3 } } }, undefined, { now: () => new Date(Date.now() + clock.offset) });
  try {
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    await mailer(b.port, '127.0.0.2').sendMail({
      from: 'erp@acme.test', to: ['+4915112345681@sms.localhost', '+4915112345682@sms.localhost'], subject: 'Termin', text: 'Ihr Termin morgen.', headers: { 'X-SMS-Send-At': tomorrow },
    });
    const ids = await scheduleSpike(b, clock);
    clock.offset = 11 * 60_000;
    await waitFor('all three held', () => heldAll(b, ids));
    await waitFor('the held and the other account\'s SMS out of memory', () => b.store.spooled === 5 || undefined);
    const walks: string[] = [];
    const inStatus = b.store.inStatus.bind(b.store);
    b.store.inStatus = (status) => (walks.push(status), inStatus(status));
    assert.is(await brakeCommand(['release', 'default'], buildConfig({ store: { dir: b.dir } }), silentIo), 0);
    await waitFor('all three delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered') || undefined);
    assertSentOnceAfterRelease(b, ids);
    assert.is(walks.includes('accepted'), false, 'the queue was not walked');
    assert.is(b.store.spooled, 2, 'the other account\'s SMS still out of memory');
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

H('released while the bridge was down :: the held SMS go at the next start, not an hour later', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  const first = await startTestBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, undefined, { now });
  const dir = first.dir;
  let ids: string[];
  try {
    ids = await scheduleSpike(first, clock);
    clock.offset = 11 * 60_000;
    await waitFor('all three held', () => heldAll(first, ids));
  } finally {
    await first.stop();
  }
  let b: TestBridge | undefined;
  try {
    assert.is(await brakeCommand(['release', 'default'], buildConfig({ store: { dir } }), silentIo), 0);
    b = await startTestBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, dir, { now });
    await waitFor('all three delivered', () => ids.every((id) => b!.store.get(id)?.status === 'delivered') || undefined);
    assertSentOnceAfterRelease(b, ids);
  } finally {
    await b?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

H('released while the holds are being written :: they go out now, not at the hourly look', async () => {
  const clock = { offset: 0 };
  const b = await startTestBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, undefined, { now: () => new Date(Date.now() + clock.offset) });
  try {
    const ids = await scheduleSpike(b, clock);
    // Hold writes wait at a gate, so the release lands while each is in flight.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const pending: string[] = [];
    const transition = b.store.transition.bind(b.store);
    b.store.transition = async (id, t) => {
      if (t.event.hold === 'brake') {
        pending.push(id);
        await gate;
      }
      return transition(id, t);
    };
    clock.offset = 11 * 60_000;
    await waitFor('three holds in flight', () => pending.length === 3 || undefined);
    assert.is(await brakeCommand(['release', 'default'], buildConfig({ store: { dir: b.dir } }), silentIo), 0);
    await waitFor('the bridge sees the release', () => b.events.find((e) => e.evt === 'brake-lifted'));
    open();
    await waitFor('all three delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered') || undefined);
    assertSentOnceAfterRelease(b, ids);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

H.run();
