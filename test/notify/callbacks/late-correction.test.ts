import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../../src/connectors/smpp/smsc-simulator.js';
import { confirmationMails, outboxFiles, waitFor, withBridge } from '../../helpers/bridge.js';
import { sendSms } from '../../helpers/smtp.js';
import { timeOutHeld, TimeoutsOnCue } from '../../helpers/timers.js';
import { Receiver } from './receiver.js';

/**
 * An SMS failed as not confirmed, then the SMSC's late submit_sm_resp, then
 * its failure receipt. The clerk's mail waits notify.correctionWaitSeconds
 * for the outcome and sends one (dispatch/late-correction-mail.test.ts); the
 * integrator's status callback does not wait: every state change is pushed
 * when it is stored, the correction to "submitted" first, so that an ERP
 * that resends failures learns at once that the SMS went after all. Real
 * SMPP to the simulator, which holds answers and receipts until released.
 */
const C = suite('status callbacks :: a late correction is pushed at once, not held back as the clerk\'s mail is');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const TO = '+4915112347301';

C('late submit_sm_resp, then a failure receipt within correctionWaitSeconds :: pushes failed (uncertain), submitted (correction) before the receipt, failed (correction); the clerk gets one correction mail', async () => {
  const sim = new SmscSimulator({ ...LOGIN, behaviour: { holdResponses: true, holdReceipts: true, undelivNumbers: [TO] } });
  const erp = await new Receiver().start();
  // The held submit_sm times out on the test's cue (timeOutHeld), never an answer that came but was slow.
  const timers = new TimeoutsOnCue(60_000);
  try {
    const { port } = await sim.start();
    await withBridge({
      connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, responseTimeoutMs: 60_000, reconnectSeconds: [0.1] } }],
      accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], statusCallbacks: { allow: [`${erp.url}/hooks/`], secret: 'erp-callback-secret-0123456789' }, statusCallback: `${erp.url}/hooks/status` }],
      notify: { correctionWaitSeconds: 600 },
    } as never, async (b) => {
      const id = await sendSms(b.port, TO, { subject: 'Mahnung', text: 'Zahlung offen' });
      await timeOutHeld(sim, timers);
      await waitFor('the uncertain failure pushed', () => erp.got.some((g) => g.body.smsId === id && g.body.uncertain));
      assert.is(sim.releaseResponses(), 1);
      // The receipt is still held at the SMSC: the push cannot be waiting for it.
      const correction = await waitFor('the correction pushed', () => erp.got.find((g) => g.body.smsId === id && g.body.status === 'submitted'));
      assert.equal([correction.body.correction, correction.body.final, correction.body.connectorMessageId !== null], [true, false, true]);
      assert.not.ok([...(await outboxFiles(b)).keys()].some((n) => n.startsWith(`${id}.submitted`)), 'the clerk\'s correction mail waits');

      assert.is(sim.releaseReceipts(), 1);
      const outcome = await waitFor('the outcome pushed', () => erp.got.find((g) => g.body.smsId === id && g.body.status === 'failed' && g.body.correction));
      assert.equal([outcome.body.final, outcome.body.eventId], [true, `${id}/failed/${b.store.get(id)!.history.length - 1}`]);
      assert.equal(erp.statuses(id), ['accepted', 'failed', 'submitted', 'failed'], 'every state change, in order, each once');

      await waitFor('the mail correction settled', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
      const mails = await confirmationMails(b, id, 2);
      assert.equal([...mails.keys()].map((k) => k.split('.')[0]), ['failed', 'failed'], 'the clerk: "not confirmed", then one "failed (correction)", no "handed to carrier"');
      assert.ok([...mails.values()].some((m) => /^SMS to \+4915112347301 failed \(correction\)/.test(m.subject ?? '')));
    }, { smppTimers: timers });
  } finally {
    await erp.stop();
    await sim.stop();
  }
});

C.run();
