import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_DEFAULTS, smppOptionsFromConfig } from '../../src/connectors/smpp/config.js';
import { SmppConnector } from '../../src/connectors/smpp/connector.js';
import { SMPP_STATUS, SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { gateWrite } from '../helpers/correction-gate.js';

/**
 * A receipt for a known SMS is acknowledged (deliver_sm_resp ESME_ROK) only
 * once its outcome is stored: the SMSC never sends an acknowledged receipt
 * again, so an acknowledgement before a slow write that a crash then cuts
 * short would lose the delivery for good. It was acknowledged after 10 s
 * (the answer's wait, shortened here to 50 ms) whatever the disk did. Now
 * it is answered when the write is done, however long that takes; a copy
 * the SMSC sends again meanwhile (its deliver_sm timed out) waits for the
 * same write. Real SMPP to the simulator; the store's write of the
 * delivery is held at a gate, as a slow disk would hold it.
 */
const R = suite('dispatch :: receipt of a known SMS :: slow store');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const ACK_WAIT_MS = 50;

R('the delivery\'s write takes longer than the answer\'s wait, and the SMSC sends the receipt again meanwhile :: neither copy answered before the delivery is stored, both ESME_ROK after', async () => {
  const order: Array<number | string> = [];
  const sim = new SmscSimulator({ ...LOGIN, behaviour: { holdReceipts: true }, log: (e) => void (e.evt === 'receipt-answered' && order.push(Number(e.status))) });
  const { port } = await sim.start();
  const smpp = { ...SMPP_DEFAULTS, host: '127.0.0.1', port, ...LOGIN };
  const connector = new SmppConnector(smppOptionsFromConfig('smsc', smpp), { ackWaitMs: ACK_WAIT_MS });
  const b = await startTestBridge({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN } }] } as never, undefined, { connectors: { smsc: connector } });
  try {
    const id = await sendSms(b.port, '+4915112347301', { subject: 'Mahnung', text: 'Zahlung offen' });
    await waitFor('submitted', () => b.store.get(id)?.status === 'submitted');
    const gate = gateWrite(b.store, id, (t) => t.event.status === 'delivered', (status) => order.push(`stored ${status}`));
    assert.is(sim.releaseReceipts(), 1);
    await waitFor('the delivery\'s write held', gate.held);
    const heldAt = Date.now();
    // A barrier: PDUs are read in order on the link, so once this later deliver_sm is answered, the receipt was read.
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: '+4915112340000', to: 'ACME', text: 'Danke' }), SMPP_STATUS.ROK);
    await waitFor('well past the answer\'s old deadline', () => Date.now() - heldAt > 20 * ACK_WAIT_MS);
    assert.equal([sim.receipts[0]!.acked, order], [false, []], 'not acknowledged while the delivery is not stored');
    assert.is(sim.resendUnanswered(), 1, 'the SMSC sends it again');
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: '+4915112340000', to: 'ACME', text: 'Danke' }), SMPP_STATUS.ROK);
    assert.equal([sim.receipts[0]!.deliveries, order], [2, []], 'the copy is not answered either');
    gate.open();
    await waitFor('both copies answered', () => order.filter((x) => typeof x === 'number').length === 2);
    assert.equal(order, ['stored delivered', SMPP_STATUS.ROK, SMPP_STATUS.ROK]);
    assert.is(b.store.get(id)!.status, 'delivered');
    assert.equal(b.store.get(id)!.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'delivered'], 'recorded once');
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await sim.stop();
  }
});

R.run();
