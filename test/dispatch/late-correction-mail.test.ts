import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { confirmationMails, outboxFiles, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { timeOutHeld, TimeoutsOnCue } from '../helpers/timers.js';

/**
 * An SMS failed as not confirmed, then the SMSC's late submit_sm_resp, then
 * its receipt that the SMS failed. The clerk was told "not confirmed"; what
 * follows must not be "handed to carrier (correction)" and, moments later,
 * "failed (correction)": the correction waits notify.correctionWaitSeconds
 * for the receipt, and the outcome's mail says both. A receipt that comes
 * after the correction was mailed is news, and gets its own mail. Real SMPP
 * to the simulator, which keeps answers and receipts back until the test
 * releases them: "within" and "after" are the order of events, not times.
 */
const C = suite('dispatch :: late submit_sm_resp then a failure receipt :: the clerk\'s mails');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const TO = '+4915112347201';

/** The held submit_sm times out on the test's cue (timeOutHeld), never an answer that came but was slow. */
async function withSmsc(waitSeconds: number, body: (sim: SmscSimulator, b: TestBridge, timers: TimeoutsOnCue) => Promise<void>): Promise<void> {
  const sim = new SmscSimulator({ ...LOGIN, behaviour: { holdResponses: true, holdReceipts: true, undelivNumbers: [TO] } });
  const { port } = await sim.start();
  const connector = { name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, responseTimeoutMs: 60_000, reconnectSeconds: [0.1] } };
  const timers = new TimeoutsOnCue(60_000);
  try {
    await withBridge({ connectors: [connector], notify: { correctionWaitSeconds: waitSeconds } } as never, (b) => body(sim, b, timers), { smppTimers: timers });
  } finally {
    await sim.stop();
  }
}

/** Failed as not confirmed and mailed so, then taken late: the correction stored, its receipt still held by the SMSC. */
async function correctedLate(sim: SmscSimulator, b: TestBridge, timers: TimeoutsOnCue): Promise<string> {
  const id = await sendSms(b.port, TO, { subject: 'Mahnung', text: 'Zahlung offen' });
  await timeOutHeld(sim, timers);
  await waitFor('failed as not confirmed', () => b.store.get(id)?.history.at(-1)?.uncertain);
  await confirmationMails(b, id, 1);
  assert.is(sim.releaseResponses(), 1);
  await waitFor('corrected to submitted', () => b.store.get(id)?.status === 'submitted');
  return id;
}

const mailsOf = async (b: TestBridge, id: string) => [...(await outboxFiles(b)).keys()].filter((n) => n.startsWith(`${id}.`)).map((n) => n.slice(id.length + 1).replace(/@.*$/, '')).sort();

C('the failure receipt comes within correctionWaitSeconds :: one mail, "failed (correction)", saying the carrier took it; the "handed to carrier" correction is not sent', async () => {
  await withSmsc(600, async (sim, b, timers) => {
    const id = await correctedLate(sim, b, timers);
    assert.is(sim.releaseReceipts(), 1);
    await waitFor('failed by the receipt', () => b.store.get(id)?.status === 'failed');
    const all = await confirmationMails(b, id, 2);
    await waitFor('the correction settled', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
    assert.equal(await mailsOf(b, id), ['failed', 'failed.2'], 'the "not confirmed" mail and the outcome, nothing between');
    const outcome = all.get('failed.2')!;
    assert.match(outcome.subject ?? '', /^SMS to \+4915112347201 failed \(correction\)/);
    assert.match(outcome.text ?? '', /This corrects our earlier mail, which said the SMS was not confirmed/);
    const correction = b.store.get(id)!.confirmations.find((c) => c.stage === 'submitted')!;
    assert.match(correction.where ?? '', /^not sent: the failed confirmation that followed says it/);
    const logged = b.events.find((e) => e.evt === 'confirmation-superseded');
    assert.equal(logged && [logged.msgId, logged.stage, logged.by], [id, 'submitted', 'failed']);
  });
});

C('the failure receipt comes after the correction was mailed :: two mails, "handed to carrier (correction)" and then "failed (correction)": the first was true news', async () => {
  await withSmsc(1, async (sim, b, timers) => {
    const id = await correctedLate(sim, b, timers);
    const told = (await confirmationMails(b, id, 2)).get('submitted');
    assert.match(told?.subject ?? '', /^SMS handed to carrier for \+4915112347201 \(correction\)/);
    assert.is(sim.releaseReceipts(), 1);
    await waitFor('failed by the receipt', () => b.store.get(id)?.status === 'failed');
    const all = await confirmationMails(b, id, 3);
    assert.equal([...all.keys()].sort(), ['failed', 'failed.2', 'submitted']);
    assert.match(all.get('failed.2')!.subject ?? '', /^SMS to \+4915112347201 failed \(correction\)/);
    assert.not.ok(b.events.some((e) => e.evt === 'confirmation-superseded'));
  });
});

C.run();
