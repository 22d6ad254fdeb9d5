import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_DEFAULTS, smppOptionsFromConfig } from '../../src/connectors/smpp/config.js';
import { SmppConnector } from '../../src/connectors/smpp/connector.js';
import { SMPP_STATUS, SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { gateCorrection } from '../helpers/correction-gate.js';
import { timeOutHeld, TimeoutsOnCue } from '../helpers/timers.js';

/**
 * A receipt the SMSC sends right after a late submit_sm_resp waits for the
 * correction that makes its SMS known. That correction can take far longer
 * than the receipt's answer may wait (it waits for a resend under way,
 * minutes on a slow SMSC): the receipt must then not be acknowledged, since
 * a crash before the correction is stored would lose it for good. It is
 * refused (ESME_RSYSERR) and the SMSC sends it again, as the simulator does
 * a second later, until it is stored and answered ESME_ROK. Real SMPP to the
 * simulator; the correction's write is held at a gate for as long as the
 * test wants; the answer's wait is shortened to 300 ms (10 s in service).
 */
const R = suite('dispatch :: late submit_sm_resp :: its receipt');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };

R('the correction is stored only after the receipt\'s answer may wait :: the receipt is refused (not acknowledged) until then, sent again by the SMSC, and answered ESME_ROK once the delivery is stored', async () => {
  const answers: Array<number | string> = [];
  const sim = new SmscSimulator({
    ...LOGIN, behaviour: { holdResponses: true },
    log: (e) => void (e.evt === 'receipt-answered' && answers.push(Number(e.status))),
  });
  const { port } = await sim.start();
  // The submit_sm times out on the test's cue (timeOutHeld), never a bind answer that came but was slow.
  const timers = new TimeoutsOnCue(60_000);
  const smpp = { ...SMPP_DEFAULTS, host: '127.0.0.1', port, ...LOGIN, responseTimeoutMs: 60_000, reconnectSeconds: [0.1] };
  const connector = new SmppConnector(smppOptionsFromConfig('smsc', smpp), { ackWaitMs: 300, timers });
  const b = await startTestBridge({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN } }] } as never, undefined, { connectors: { smsc: connector } });
  try {
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112347201@sms.localhost', subject: 'Mahnung', text: 'Zahlung offen' });
    const id = `${queuedAs(info.response)}.1`;
    await timeOutHeld(sim, timers);
    await waitFor('failed as not confirmed', () => b.store.get(id)?.history.at(-1)?.uncertain);
    const gate = gateCorrection(b.store, id, (status) => answers.push(`stored ${status}`));
    assert.is(sim.releaseResponses(), 1);
    await waitFor('the correction waiting at the gate', gate.held);
    await waitFor('the receipt refused, then sent again', () => (sim.receipts[0]?.deliveries ?? 0) >= 2 && answers.length >= 1);
    assert.is(sim.receipts[0]!.acked, false, 'not acknowledged while its SMS is not known');
    assert.equal(answers.filter((a) => a !== SMPP_STATUS.RSYSERR), [], 'only refused so far');
    gate.open();
    await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
    await waitFor('the receipt acknowledged', () => sim.receipts[0]!.acked);
    const stored = answers.indexOf('stored delivered');
    assert.ok(stored > 0 && answers.indexOf(SMPP_STATUS.ROK) > stored, `acknowledged only after the delivery was stored: ${JSON.stringify(answers)}`);
    assert.equal(b.store.get(id)!.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted', 'delivered']);
    assert.is(sim.received.length, 1, 'sent once');
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await sim.stop();
  }
});

R.run();
