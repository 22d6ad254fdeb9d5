import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimBehaviour } from '../../../src/connectors/smpp/smsc-simulator.js';
import type { DeliveryReport } from '../../../src/connectors/types.js';
import { LONG_GSM, sms, waitFor, withSmpp } from './harness.js';

const R = suite('smpp connector :: receipts');

const ID_CASES: Array<[string, Partial<SimBehaviour>]> = [
  ['decimal ids, TLVs', { idFormat: 'decimal' }],
  ['hex ids with leading zeros, TLVs', { idFormat: 'hex' }],
  ['hex in submit_sm_resp, decimal in the receipt text, no TLVs', { idFormat: 'hex', receiptIdFormat: 'decimal', receiptTlvs: false }],
  ['decimal in submit_sm_resp, hex in the receipt text, no TLVs', { idFormat: 'decimal', receiptIdFormat: 'hex', receiptTlvs: false }],
  ['receipt before its submit_sm_resp', { receiptBeforeResponse: true }],
];

for (const [name, behaviour] of ID_CASES) {
  R(`smpp connector :: ${name} :: each receipt resolves to its own message`, async () => {
    await withSmpp({ sim: { behaviour } }, async ({ connector, reports }) => {
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => connector.submit(sms(`Nachricht ${n}`, { to: `+491510000000${n}` }))));
      const ids = results.map((r) => (r.ok ? r.connectorMessageId : assert.unreachable(JSON.stringify(r))));
      await waitFor('5 reports', () => reports.length === 5);
      assert.equal(reports.map((r) => r.connectorMessageId).sort(), [...ids].sort());
      assert.ok(reports.every((r) => r.status === 'delivered'));
      assert.is(connector.health().detail, undefined);
    });
  });
}

R('smpp connector :: 3-part message :: one report, delivered, only once all 3 part receipts were sent', async () => {
  await withSmpp({}, async ({ sim, connector, reports }) => {
    const seen: number[] = [];
    connector.onReport(() => seen.push(sim.receipts.length));
    const res = await connector.submit(sms(LONG_GSM));
    await waitFor('report', () => reports.length === 1);
    await waitFor('all receipts acknowledged', () => sim.receipts.length === 3 && sim.receipts.every((r) => r.acked));
    assert.equal(reports.map((r) => [r.connectorMessageId, r.status]), [[res.ok && res.connectorMessageId, 'delivered']]);
    assert.equal(seen, [3]);
  });
});

R('smpp connector :: 3-part message to an UNDELIV number :: one failed report naming the part, stat and err', async () => {
  await withSmpp({ sim: { behaviour: { undelivNumbers: ['+4915100000009'] } } }, async ({ sim, connector, reports }) => {
    const res = await connector.submit(sms(LONG_GSM, { to: '+4915100000009' }));
    await waitFor('all receipts acknowledged', () => sim.receipts.length === 3 && sim.receipts.every((r) => r.acked));
    assert.is(reports.length, 1);
    assert.is(reports[0]!.connectorMessageId, res.ok && res.connectorMessageId);
    assert.is(reports[0]!.status, 'failed');
    assert.match(reports[0]!.reason ?? '', /^part 1 of 3: UNDELIV \(err 001; GSM error 1\)$/);
  });
});

R('smpp connector :: a report listener returning a promise :: deliver_sm_resp only after it settled', async () => {
  await withSmpp({}, async ({ sim, connector, reports }) => {
    let persisted!: () => void;
    connector.onReport(() => new Promise<void>((resolve) => (persisted = resolve)));
    await connector.submit(sms('Hallo'));
    await waitFor('report', () => reports.length === 1);
    // A round trip on the same connection: an answer written before this submit would have been read by now.
    await connector.submit(sms('Ping'));
    assert.is(sim.receipts[0]!.acked, false);
    persisted();
    await waitFor('deliver_sm_resp', () => sim.receipts[0]!.acked);
  });
});

R('smpp connector :: restart :: resume() follows the parts from the connectorMessageId, receipts stored by the SMSC are applied', async () => {
  // The SMSC keeps receipts for a system_id that has no receiver bound and sends them on the next bind.
  await withSmpp({ connector: { bindMode: 'transmitter+receiver' } }, async ({ sim, connector, port }) => {
    sim.set({ receiptDelayMs: 200 });
    const res = await connector.submit(sms(LONG_GSM));
    assert.ok(res.ok);
    await connector.stop();
    await waitFor('receipts stored at the SMSC', () => sim.receipts.length === 3);
    const { SmppConnector } = await import('../../../src/connectors/smpp/connector.js');
    const { connectorOptions } = await import('./harness.js');
    const again = new SmppConnector(connectorOptions(port));
    const reports: DeliveryReport[] = [];
    again.onReport((r) => reports.push(r));
    try {
      await again.start();
      again.resume([{ id: 'T.1', to: '+4915100000001', connectorMessageId: res.ok ? res.connectorMessageId : '' }]);
      await waitFor('report after restart', () => reports.length === 1);
      assert.equal([reports[0]!.connectorMessageId, reports[0]!.status], [res.ok && res.connectorMessageId, 'delivered']);
    } finally {
      await again.stop();
    }
  });
});

R.run();
