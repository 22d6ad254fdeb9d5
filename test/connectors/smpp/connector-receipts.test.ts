import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SimBehaviour } from '../../../src/connectors/smpp/smsc-simulator.js';
import type { DeliveryReport } from '../../../src/connectors/types.js';
import { TimeoutsOnCue } from '../../helpers/timers.js';
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

/** Reports about the whole SMS, without the part reports of a multipart one. */
const whole = (reports: DeliveryReport[]) => reports.filter((r) => !r.part);

R('smpp connector :: 3-part message :: one report for the SMS, delivered, only once all 3 part receipts were sent; a part report for each of the first two', async () => {
  await withSmpp({}, async ({ sim, connector, reports }) => {
    const seen: number[] = [];
    connector.onReport((r) => void (r.part || seen.push(sim.receipts.length)));
    const res = await connector.submit(sms(LONG_GSM));
    await waitFor('report', () => whole(reports).length === 1);
    await waitFor('all receipts acknowledged', () => sim.receipts.length === 3 && sim.receipts.every((r) => r.acked));
    assert.equal(whole(reports).map((r) => [r.connectorMessageId, r.status]), [[res.ok && res.connectorMessageId, 'delivered']]);
    assert.equal(seen, [3]);
    assert.equal(reports.filter((r) => r.part).map((r) => [r.connectorMessageId, r.status, r.part?.of]), [
      [res.ok && res.connectorMessageId, 'delivered', 3], [res.ok && res.connectorMessageId, 'delivered', 3],
    ]);
  });
});

R('smpp connector :: 3-part message to an UNDELIV number :: one failed report naming the part, stat and err', async () => {
  await withSmpp({ sim: { behaviour: { undelivNumbers: ['+4915100000009'] } } }, async ({ sim, connector, reports }) => {
    const res = await connector.submit(sms(LONG_GSM, { to: '+4915100000009' }));
    await waitFor('all receipts acknowledged', () => sim.receipts.length === 3 && sim.receipts.every((r) => r.acked));
    assert.is(reports.length, 1);
    assert.is(reports[0]!.connectorMessageId, res.ok && res.connectorMessageId);
    assert.is(reports[0]!.status, 'failed');
    assert.match(reports[0]!.reason ?? '', /^part 1 of 3: UNDELIV \(err 001; GSM error 1: unknown subscriber, the number is not in use\)$/);
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

R('smpp connector :: a receipt before its submit_sm_resp :: answered only once the report it decides is stored', async () => {
  await withSmpp({ sim: { behaviour: { receiptBeforeResponse: true } } }, async ({ sim, connector, reports }) => {
    let persisted!: () => void;
    connector.onReport(() => new Promise<void>((resolve) => (persisted = resolve)));
    const res = await connector.submit(sms('Hallo'));
    await waitFor('report', () => reports.length === 1);
    assert.is(reports[0]!.connectorMessageId, res.ok && res.connectorMessageId);
    await connector.submit(sms('Ping', { to: '+4915100000002' }));
    assert.is(sim.receipts[0]!.acked, false, 'the receipt came before anything could store it');
    persisted();
    await waitFor('deliver_sm_resp', () => sim.receipts[0]!.acked);
  });
});

for (const wanted of [true, false]) {
  const outcome = wanted ? 'followed, and answered once its report is stored' : 'answered as an unknown receipt';
  R(`smpp connector :: a late submit_sm_resp and its receipt at once :: the receipt waits until the late answer is recorded; ${wanted ? 'wanted' : 'not wanted'}: ${outcome}`, async () => {
    // Its submit_sm_resp times out on the test's cue, once the SMSC holds it: the bind's answer, however slow on a
    // loaded machine, is in time (with a real 200 ms timeout it was the bind that could time out).
    const timers = new TimeoutsOnCue(60_000);
    const setup = { sim: { behaviour: { holdResponses: true } }, connector: { responseTimeoutMs: 60_000, enquireLinkSeconds: 3600 }, deps: { timers } };
    await withSmpp(setup, async ({ sim, connector, reports }) => {
      let recorded!: (wanted: boolean) => void;
      connector.onLateAnswer(() => new Promise<boolean>((resolve) => (recorded = resolve)));
      let stored!: () => void;
      connector.onReport(() => new Promise<void>((resolve) => (stored = resolve)));
      const submitted = connector.submit(sms('Hallo'));
      await waitFor('the submit_sm held by the SMSC', () => sim.heldResponseCount === 1);
      assert.is(timers.expire(), 1, 'the held submit_sm is the one request awaiting its answer');
      const res = await submitted;
      assert.equal(!res.ok && res.uncertain, true);
      sim.releaseResponses();
      await waitFor('the receipt sent', () => sim.receipts[0]?.deliveries === 1 && recorded !== undefined);
      // PDUs are read in order: once this later deliver_sm is answered, an answer the receipt got at once came before it.
      assert.is(await sim.sendMo({ systemId: 'bridge', from: '+4915100000009', to: 'ACME', text: 'Danke' }), 0);
      assert.is(sim.receipts[0]!.acked, false, 'held while the late answer is being recorded');
      recorded(wanted);
      if (wanted) {
        await waitFor('report', () => reports.length === 1);
        assert.equal([reports[0]!.status, reports[0]!.connectorMessageId], ['delivered', sim.received[0]!.messageId]);
        await sim.sendMo({ systemId: 'bridge', from: '+4915100000009', to: 'ACME', text: 'Danke' });
        assert.is(sim.receipts[0]!.acked, false, 'held until the report is stored');
        stored();
      }
      await waitFor('deliver_sm_resp', () => sim.receipts[0]!.acked);
      if (!wanted) assert.is(reports.length, 0);
      assert.is(sim.receipts[0]!.deliveries, 1);
    });
  });
}

R('smpp connector :: 3 parts, receipts one by one :: each part receipt answered only once its part report is stored', async () => {
  await withSmpp({ sim: { behaviour: { holdReceipts: true } } }, async ({ sim, connector, reports }) => {
    const stored: Array<() => void> = [];
    connector.onReport(() => new Promise<void>((resolve) => stored.push(resolve)));
    const res = await connector.submit(sms(LONG_GSM));
    assert.ok(res.ok);
    await waitFor('3 receipts held', () => sim.heldReceipts === 3);
    sim.releaseReceipts(1);
    await waitFor('part report', () => reports.length === 1);
    assert.equal([reports[0]!.part, reports[0]!.status], [{ index: 1, of: 3 }, 'delivered']);
    await connector.submit(sms('Ping', { to: '+4915100000002' }));
    assert.is(sim.receipts[0]!.acked, false);
    stored[0]!();
    await waitFor('deliver_sm_resp of part 1', () => sim.receipts[0]!.acked);
    sim.releaseReceipts(2);
    await waitFor('the SMS delivered', () => whole(reports).length === 1);
    for (const s of stored.splice(0)) s();
    await waitFor('every receipt answered', () => sim.receipts.every((r) => r.acked));
  });
});

R('smpp connector :: an unknown receipt after a restart :: held until resume(), then answered; refused when stopping first, so the SMSC sends it again', async () => {
  await withSmpp({ connector: { bindMode: 'transmitter+receiver' }, sim: { behaviour: { holdReceipts: true } } }, async ({ sim, connector, port, simEvents }) => {
    assert.ok((await connector.submit(sms('Vorher'))).ok);
    await waitFor('receipt held', () => sim.heldReceipts === 1);
    await connector.stop();
    sim.releaseReceipts(); // stored by the SMSC: nobody is bound to receive it
    const { SmppConnector } = await import('../../../src/connectors/smpp/connector.js');
    const { connectorOptions } = await import('./harness.js');
    const restarted = async () => {
      const c = new SmppConnector(connectorOptions(port, { bindMode: 'transmitter+receiver' }));
      await c.start();
      return c;
    };
    const first = await restarted();
    await waitFor('receipt sent to the restarted connector', () => sim.receipts[0]!.deliveries === 1);
    await first.stop(); // before resume(): answered ESME_RSYSERR, the SMSC keeps it
    assert.is(sim.receipts[0]!.acked, false);
    assert.ok(simEvents.some((e) => e.evt === 'receipt-answered' && e.status === 0x08), 'refused, not left unanswered');
    const second = await restarted();
    try {
      await waitFor('the same receipt again', () => sim.receipts[0]!.deliveries === 2);
      // A sleep, as nothing the SMSC can see follows on the receiver link (no submit_sm goes there) to serve as a barrier:
      // it cannot fail a right connector, only miss a wrong one on a very slow machine.
      await new Promise((r) => setTimeout(r, 50));
      assert.is(sim.receipts[0]!.acked, false, 'held while resume() may still claim it');
      second.resume([]);
      await waitFor('answered once nothing can claim it', () => sim.receipts[0]!.acked);
    } finally {
      await second.stop();
    }
  });
});

R('smpp connector :: restart :: resume() follows the parts from the connectorMessageId, receipts stored by the SMSC are applied', async () => {
  // The SMSC keeps receipts for a system_id that has no receiver bound and sends them on the next bind.
  await withSmpp({ connector: { bindMode: 'transmitter+receiver' } }, async ({ sim, connector, port }) => {
    // Held until the receiver is gone: sent 200 ms after the answers, they could reach it before the stop on a
    // loaded machine and be answered there, and the restarted connector never got them.
    sim.set({ holdReceipts: true });
    const res = await connector.submit(sms(LONG_GSM));
    assert.ok(res.ok);
    await waitFor('3 receipts held', () => sim.heldReceipts === 3);
    await connector.stop();
    assert.is(sim.releaseReceipts(), 3);
    await waitFor('receipts stored at the SMSC', () => sim.receipts.length === 3);
    const { SmppConnector } = await import('../../../src/connectors/smpp/connector.js');
    const { connectorOptions } = await import('./harness.js');
    const again = new SmppConnector(connectorOptions(port));
    const reports: DeliveryReport[] = [];
    again.onReport((r) => reports.push(r));
    try {
      await again.start();
      again.resume([{ id: 'T.1', to: '+4915100000001', connectorMessageId: res.ok ? res.connectorMessageId : '' }]);
      await waitFor('report after restart', () => whole(reports).length === 1);
      assert.equal(whole(reports).map((r) => [r.connectorMessageId, r.status]), [[res.ok && res.connectorMessageId, 'delivered']]);
    } finally {
      await again.stop();
    }
  });
});

R.run();
