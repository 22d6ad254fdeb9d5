import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { startBridge, type Bridge } from '../../src/bridge.js';
import { buildConfig } from '../../src/config/load.js';
import { SimulatorConnector } from '../../src/connectors/simulator.js';
import type { OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { waitFor } from '../helpers/bridge.js';
import { sms } from '../helpers/store.js';
import { refusal } from '../../src/dispatch/cancel.js';
import { sendSms } from '../helpers/smtp.js';

/** The simulator with a gate: submit() waits until the test opens it, so an SMS can be caught "in flight". */
class GatedSimulator extends SimulatorConnector {
  readonly entered: string[] = [];
  readonly sent: string[] = [];
  private gate: Promise<void> = Promise.resolve();
  private openGate = () => {};

  close(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate();
  }

  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    this.entered.push(sms.id);
    await this.gate;
    this.sent.push(sms.id);
    return super.submit(sms);
  }
}

interface Ctx { b: Bridge; sim: GatedSimulator; dir: string; clock: { offset: number } }

const S = suite('dispatch cancel (Bridge.cancel)', {} as Ctx);
S.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-cancel-'));
  ctx.clock = { offset: 0 };
  const now = () => new Date(Date.now() + ctx.clock.offset);
  const config = buildConfig({ smtp: { port: 0 }, api: { port: 0 }, store: { dir: ctx.dir }, notify: { level: 'final' }, dispatch: { concurrency: 3 }, log: { level: 'silent' } }, 'test');
  ctx.sim = new GatedSimulator({ name: 'simulator', deliveryDelayMs: 10, failNumbersEndingWith: [], sentLog: '', now });
  ctx.b = await startBridge(config, { log: () => {}, connectors: { simulator: ctx.sim }, now });
});
S.after.each(async (ctx) => {
  ctx.sim.open();
  await ctx.b.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

async function schedule(b: Bridge, to: string, aheadMs: number, now = Date.now()): Promise<string> {
  const at = new Date(Math.ceil((now + aheadMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return sendSms(b.smtp.port, to, { text: `Termin ${to}`, headers: { 'X-SMS-Send-At': at } });
}

S('scheduled SMS :: cancelled with who asked in its history, its confirmation queued, never due again', async ({ b }) => {
  const id = await schedule(b, '+4915112345680', 3600_000);
  const r = await b.cancel(id, { who: 'api user erp', account: 'default' });
  assert.equal([r.ok, r.ok && r.status], [true, 'cancelled']);
  const m = b.store.get(id)!;
  assert.equal([m.status, m.history.at(-1)!.by, m.history.at(-1)!.reason], ['cancelled', 'api user erp', 'by api user erp']);
  assert.ok(m.confirmations.some((c) => c.stage === 'cancelled'), 'the sender is told (notify level final)');
  assert.equal(b.store.due(new Date(Date.now() + 2 * 3600_000), 10).map((x) => x.id), []);
});

S('refusals :: unknown id and another account\'s SMS look the same (not-found); a second cancel: final', async ({ b }) => {
  const id = await schedule(b, '+4915112345681', 3600_000);
  assert.equal(await b.cancel('NOSUCH.1', { who: 'cli' }), { ok: false, id: 'NOSUCH.1', reason: 'not-found', message: 'there is no SMS NOSUCH.1 waiting to be sent (unknown, or finished long ago)' });
  const other = await b.cancel(id, { who: 'api user beta', account: 'beta' });
  assert.equal([other.ok, !other.ok && other.reason], [false, 'not-found']);
  assert.ok((await b.cancel(id, { who: 'cli' })).ok);
  const again = await b.cancel(id, { who: 'cli' });
  assert.equal([again.ok, !again.ok && again.reason, !again.ok && again.message], [false, 'final', `the SMS ${id} to +4915112345681 was already cancelled at ${b.store.get(id)!.history.at(-1)!.at} and cannot be cancelled`]);
});

S('race :: an SMS being handed to the connector right now is not cancelled, and is sent exactly once', async ({ b, sim }) => {
  sim.close();
  const id = await sendSms(b.smtp.port, '+4915112345682', { text: 'Jetzt' });
  await waitFor('the SMS in the connector', () => sim.entered.includes(id));
  const r = await b.cancel(id, { who: 'cli' });
  assert.equal([r.ok, !r.ok && r.reason], [false, 'too-late']);
  assert.match(!r.ok ? r.message : '', /is being handed to the carrier right now and can no longer be cancelled$/);
  sim.open();
  await waitFor('delivered', () => b.store.get(id)?.status === 'delivered' || undefined);
  assert.equal(sim.sent.filter((x) => x === id), [id]);
  const late = await b.cancel(id, { who: 'cli' });
  assert.equal([late.ok, !late.ok && late.reason], [false, 'final']);
});

S('race :: cancels while scheduled SMS fall due — each ends either cancelled and never sent, or sent and not cancelled', async ({ b, sim, clock }) => {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push(await schedule(b, `+49151123457${String(i).padStart(2, '0')}`, 60_000));
  sim.close();
  clock.offset = 61_000; // all due at once; the dispatcher (concurrency 3) takes some, the cancels meet the rest
  await waitFor('SMS in the connector', () => sim.entered.length >= 3 || undefined);
  const results = await Promise.all(ids.map((id) => b.cancel(id, { who: 'cli' })));
  sim.open();
  assert.equal(results.filter((r) => !r.ok).length, 3, 'the three in flight were too late');
  await waitFor('every SMS settled', () => ids.every((id) => ['cancelled', 'delivered'].includes(b.store.get(id)?.status ?? '')) || undefined);
  for (const [i, id] of ids.entries()) {
    const status = b.store.get(id)!.status;
    assert.is(status === 'cancelled', results[i].ok, `${id}: cancel said ${JSON.stringify(results[i])}, status ${status}`);
    assert.is(sim.entered.includes(id), status !== 'cancelled', `${id}: ${status}, handed over: ${sim.entered.includes(id)}`);
  }
});

S('too late :: the time it was handed over is in the reader\'s zone when one is given (a clerk\'s reply), else ISO 8601', () => {
  const history = [{ status: 'accepted' as const, at: '2026-11-30T22:00:00.000Z' }, { status: 'submitting' as const, at: '2026-11-30T22:00:05.000Z' }, { status: 'submitted' as const, at: '2026-11-30T22:00:06.000Z' }];
  const m = sms('MX1.1', { status: 'submitted', to: '+4915112345683', history });
  const said = (timeZone?: string) => { const r = refusal(m, timeZone); return r && !r.ok ? r.message : ''; };
  assert.is(said('Europe/Berlin'), 'the SMS MX1.1 to +4915112345683 was handed to the carrier at 2026-11-30 23:00:05 UTC+01:00 and can no longer be cancelled');
  assert.is(said(), 'the SMS MX1.1 to +4915112345683 was handed to the carrier at 2026-11-30T22:00:05.000Z and can no longer be cancelled');
});

S.run();
