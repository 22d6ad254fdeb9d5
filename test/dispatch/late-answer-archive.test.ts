import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { confirmationMails, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { timeOutHeld, TimeoutsOnCue } from '../helpers/timers.js';

/**
 * An SMS failed as not confirmed is final, and once its "not confirmed"
 * mail went, a compaction would move it to the archive, where a late
 * answer cannot correct it. It stays live while its connector can still
 * answer (SMPP: the submit_sm is pending on the link), and goes to the
 * archive once no answer can come. Real SMPP to the simulator, which
 * keeps its answers back until the test releases them; a small journal
 * segment makes the bridge compact while the SMS waits.
 */
const A = suite('dispatch :: late submit_sm_resp :: archiving');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };

async function send(b: TestBridge, to: string, text: string): Promise<string> {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'Mahnung', text });
  return `${queuedAs(info.response)}.1`;
}

/** Sends mail (to other numbers, answered at once) until the store has compacted away at least one finished SMS once more. */
async function compactAgain(b: TestBridge, from: number): Promise<void> {
  const before = b.events.filter((e) => e.evt === 'store-compacted' && Number(e.archived) > 0).length;
  for (let n = from; ; n++) {
    if (b.events.filter((e) => e.evt === 'store-compacted' && Number(e.archived) > 0).length > before) return;
    assert.ok(n < from + 200, 'no compaction');
    const id = await send(b, `+49151123${String(n).padStart(5, '0')}`, 'Fülltext für das Journal, damit es umschlägt.');
    // Or already archived by the compaction it brought about (then it never reads as delivered again).
    await waitFor('filler delivered, its mail sent', () => {
      const m = b.store.get(id);
      return !m || (m.status === 'delivered' && m.confirmations.every((c) => c.sentAt));
    });
  }
}

/**
 * The held submit_sm's response timeout runs out on the test's cue (timeOutHeld): the fillers' answers, which the
 * SMSC sends at once, are in time however slow the machine (with a real 300 ms timeout one could fail as not
 * confirmed, never to be delivered).
 */
async function withSmsc(body: (sim: SmscSimulator, b: TestBridge, timers: TimeoutsOnCue) => Promise<void>): Promise<void> {
  const sim = new SmscSimulator({ ...LOGIN, behaviour: { holdResponses: true } });
  const { port } = await sim.start();
  const timers = new TimeoutsOnCue(60_000);
  const connector = { name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, responseTimeoutMs: 60_000, reconnectSeconds: [0.1] } };
  const b = await startTestBridge({ connectors: [connector], store: { journalSegmentBytes: 4096 }, notify: { level: 'final' } } as never, undefined, { smppTimers: timers });
  try {
    await body(sim, b, timers);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await sim.stop();
  }
}

A('failed as not confirmed, its mail sent, the store compacted while the SMSC may still answer :: still live, and the late ESME_ROK corrects it: delivered, with a correction mail', async () => {
  await withSmsc(async (sim, b, timers) => {
    const id = await send(b, '+4915112347101', 'Zahlung offen');
    await timeOutHeld(sim, timers);
    await waitFor('failed as not confirmed', () => b.store.get(id)?.history.at(-1)?.uncertain);
    await confirmationMails(b, id, 1);
    await waitFor('its mail recorded as sent', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
    sim.set({ holdResponses: false });
    await compactAgain(b, 20001);
    assert.is(b.store.get(id)?.status, 'failed', 'not archived while its answer can come');
    assert.is(sim.releaseResponses(), 1);
    await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
    assert.equal(b.store.get(id)!.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted', 'delivered']);
    assert.match((await confirmationMails(b, id, 2)).get('delivered')?.subject ?? '', /^SMS delivered to \+4915112347101 \(correction\)/);
  });
});

A('failed as not confirmed, and the link to the SMSC is lost (no answer can come any more) :: archived at the next compaction as usual', async () => {
  await withSmsc(async (sim, b, timers) => {
    const id = await send(b, '+4915112347102', 'Zahlung offen');
    await timeOutHeld(sim, timers);
    await waitFor('failed as not confirmed', () => b.store.get(id)?.history.at(-1)?.uncertain);
    await waitFor('its mail recorded as sent', () => b.store.get(id)!.confirmations.length > 0 && b.store.get(id)!.confirmations.every((c) => c.sentAt));
    sim.set({ holdResponses: false });
    sim.dropNow();
    await waitFor('bound again', () => b.events.filter((e) => e.evt === 'smpp-bound').length >= 2);
    await compactAgain(b, 21001);
    assert.is(b.store.get(id), undefined, 'archived');
  });
});

A.run();
