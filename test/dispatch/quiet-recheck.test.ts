import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startBridge } from '../../src/bridge.js';
import { buildConfig } from '../../src/config/load.js';
import { SimulatorConnector } from '../../src/connectors/simulator.js';
import type { OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { wallTimeIn } from '../../src/mail/dates.js';
import { waitFor } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { formatTime } from '../../src/notify/times.js';

/** Fails the first attempt with a temporary error, as a throttled aggregator does. */
class FlakySimulator extends SimulatorConnector {
  readonly attempts: Array<{ id: string; at: number }> = [];
  constructor(o: ConstructorParameters<typeof SimulatorConnector>[0], private readonly clock: () => Date) {
    super(o);
  }
  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.attempts.push({ id: sms.id, at: this.clock().getTime() });
    if (this.attempts.length === 1) return { ok: false, temporary: true, reason: 'throttled' };
    return super.submit(sms);
  }
}

const two = (n: number) => String(n).padStart(2, '0');
const parisAt = (ms: number) => {
  const w = wallTimeIn(new Date(ms), 'Europe/Paris');
  return `${two(w.hour)}:${two(w.minute)}`;
};

const D = suite('dispatch quiet hours before every attempt');

type Run = { b: Awaited<ReturnType<typeof startBridge>>; sim: FlakySimulator; clock: { offset: number }; events: Array<Record<string, unknown>> };

/** A bridge whose first attempt fails (a retry in a second) and whose clock the test moves on. */
async function withFlakyBridge(options: Record<string, unknown>, fn: (r: Run) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-quiet-'));
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  const config = buildConfig({
    smtp: { port: 0 }, api: { port: 0 }, store: { dir }, log: { level: 'silent' }, limits: { countries: ['*'] }, dispatch: { retry: { baseSeconds: 1, maxSeconds: 1, jitter: 0 } }, options,
  }, 'test');
  const sim = new FlakySimulator({ name: 'simulator', deliveryDelayMs: 10, failNumbersEndingWith: [], sentLog: '', now }, now);
  const events: Array<Record<string, unknown>> = [];
  const b = await startBridge(config, { log: (evt, data) => void events.push({ evt, ...data }), connectors: { simulator: sim }, now });
  try {
    await fn({ b, sim, clock, events });
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

D('retry :: a retry that falls into the recipient\'s quiet hours waits for their end, with the hold in the history', async () => {
  const start = Date.now();
  const window = { from: parisAt(start + 30 * 60_000), to: parisAt(start + 90 * 60_000) };
  await withFlakyBridge({ countryQuietHours: { FR: window } }, async ({ b, sim, clock, events }) => {
    const id = await sendSms(b.smtp.port, '+33612345678', { text: 'Bonjour' });
    await waitFor('the failed first attempt', () => b.store.get(id)?.history.some((e) => e.reason?.includes('throttled')) || undefined);
    clock.offset = 40 * 60_000; // the retry is due inside the quiet window
    const held = await waitFor('the hold', () => b.store.get(id)?.history.find((e) => e.until));
    assert.equal([held.quiet?.source, held.quiet?.zone], ['country FR', 'Europe/Paris'], JSON.stringify(held));
    // For operators' tools: the hold's facts as fields, the end as an ISO instant, no sentence to parse.
    const line = events.find((e) => e.evt === 'sms-held' && e.msgId === id);
    assert.equal(line, {
      evt: 'sms-held', msgId: id, account: b.store.get(id)!.account, reason: 'quiet hours', until: held.until,
      rule: 'country FR', zone: 'Europe/Paris', window: `${window.from}-${window.to}`,
    });
    assert.is(sim.attempts.length, 1, 'no attempt inside quiet hours');
    clock.offset = 91 * 60_000;
    await waitFor('delivered after the window', () => b.store.get(id)?.status === 'delivered' || undefined);
    assert.ok(sim.attempts[1].at >= Date.parse(held.until!), 'not before the end of the quiet hours');
  });
});

D('retry :: a retry that falls into a blackout period ending past two weeks fails, the rule kept as data and worded from it', async () => {
  await withFlakyBridge({}, async ({ b, sim, clock }) => {
    const [start, end] = [Date.now() + 30 * 60_000, Date.now() + 20 * 86_400_000].map((t) => `${new Date(t).toISOString().slice(0, 19)}Z`);
    const id = await sendSms(b.smtp.port, '+4915112345678', { text: 'Hallo', subject: `[BLACKOUTPERIODS:${start}/${end}] x` });
    await waitFor('the failed first attempt', () => b.store.get(id)?.history.some((e) => e.reason?.includes('throttled')) || undefined);
    clock.offset = 40 * 60_000; // the retry is due inside the period
    const failed = await waitFor('failed', () => b.store.get(id)?.history.find((e) => e.status === 'failed'));
    assert.equal([failed.quiet?.source, failed.quiet?.start, failed.quiet?.end], ['your mail', new Date(start).toISOString(), new Date(end).toISOString()], JSON.stringify(failed));
    assert.is(failed.reason, `a blackout period set in your mail: ${formatTime(start)} to ${formatTime(end)}, leaves no time to send within two weeks`);
    assert.is(sim.attempts.length, 1, 'not sent inside the period');
  });
});

D.run();
