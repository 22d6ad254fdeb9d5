import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { confirmationMails, metric, startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * dispatch.maxAgeHours ends an SMS no connector took in time. When the
 * reason is the connector's own (the SMSC refuses our credentials), the
 * SMS failed for the gateway's fault: its reason says so, and the fraud
 * brake, which watches how many of an account's numbers fail, does not
 * count it. Real SMPP to the simulator, which refuses the bind; the
 * bridge's clock is moved past the limit.
 */
const A = suite('dispatch :: maxAgeHours');

A('the SMSC refuses the bind (wrong password) until maxAgeHours pass :: failed with a reason naming the connection problem, not counted by the fraud brake', async () => {
  const sim = new SmscSimulator({ systemId: 'bridge', password: 'right-pw' });
  const { port } = await sim.start();
  let t = Date.now();
  const connector = { name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, systemId: 'bridge', password: 'wrong-pw', reconnectSeconds: [1] } };
  const brake = { failureRatio: 0.5, minOutcomes: 2, newNumbersPerWindow: 0 };
  const b = await startTestBridge({ connectors: [connector], dispatch: { maxAgeHours: 1, retry: { baseSeconds: 60, jitter: 0 } }, limits: { brake } } as never, undefined, { now: () => new Date(t) });
  try {
    const ids: string[] = [];
    for (const to of ['+4915112349001', '+4915112349002']) {
      const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject: 'Mahnung', text: 'Zahlung offen' });
      ids.push(`${queuedAs(info.response)}.1`);
    }
    await waitFor('both waiting for a retry', () => ids.every((id) => b.events.some((e) => e.evt === 'sms-retry' && e.msgId === id)));
    t += 2 * 3600_000;
    await waitFor('both failed', () => ids.every((id) => b.store.get(id)?.status === 'failed'));
    for (const id of ids) {
      const reason = b.store.get(id)!.history.at(-1)!.reason ?? '';
      assert.match(reason, /^gave up after \d+ attempts in 1 h, because of a problem with the gateway's connection to the carrier, not with this SMS or its number: /);
      assert.match(reason, /smsc: down\b.*refused by the SMSC/);
    }
    const finals = b.events.filter((e) => e.evt === 'sms-final');
    assert.equal(finals.map((e) => [e.status, e.connectorFault]), [['failed', true], ['failed', true]]);
    // Apart from failures of numbers, so that an alert on those does not fire for a wrong password.
    assert.equal([await metric(b, 'mail2sms_sms_final_total{connector="unknown",status="connector-fault"}'), await metric(b, 'mail2sms_sms_final_total{connector="unknown",status="failed"}')], [2, undefined]);
    const text = (await confirmationMails(b, ids[0]!, 1)).get('failed')!.text ?? '';
    assert.match(text, /problem with the gateway's connection to the carrier/);
    assert.not.ok(b.events.some((e) => e.evt === 'brake-engaged'), 'two failures of two SMS, but not the numbers\' fault');
    assert.is(sim.received.length, 0);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await sim.stop();
  }
});

A.run();
