import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_STATUS } from '../../../src/connectors/smpp/smsc-simulator.js';
import { LONG_GSM, sms, waitFor, withSmpp } from './harness.js';

const F = suite('smpp connector :: SMSC refusals and throttling');

const REFUSALS: Array<[number, object]> = [
  [0x0b, { ok: false, temporary: false, final: 'failed', reason: 'SMSC refused: ESME_RINVDSTADR (0x0B) invalid destination address' }],
  [0x0a, { ok: false, temporary: false, final: 'rejected', reason: 'SMSC refused: ESME_RINVSRCADR (0x0A) invalid source address (sender ID not allowed)' }],
  [0x45, { ok: false, temporary: false, final: 'failed', reason: 'SMSC refused: ESME_RSUBMITFAIL (0x45) submit failed' }],
  [0x61, { ok: false, temporary: false, final: 'failed', reason: 'SMSC refused: ESME_RINVSCHED (0x61) invalid scheduled delivery time' }],
  [0x14, { ok: false, temporary: true, reason: 'SMSC refused: ESME_RMSGQFUL (0x14) message queue full' }],
  [0x08, { ok: false, temporary: true, reason: 'SMSC refused: ESME_RSYSERR (0x08) system error at the SMSC' }],
  [0x64, { ok: false, temporary: true, reason: 'SMSC refused: ESME_RX_T_APPN (0x64) temporary application error at the receiver' }],
];

for (const [status, expected] of REFUSALS) {
  F(`smpp connector :: SMSC answers 0x${status.toString(16)} :: ${JSON.stringify(expected)}`, async () => {
    await withSmpp({ sim: { behaviour: { fail: { status } } } }, async ({ connector, sim }) => {
      assert.equal(await connector.submit(sms('Hallo')), expected);
      assert.is(sim.received.length, 1, 'refused once, not resent');
    });
  });
}

F('smpp connector :: ESME_RTHROTTLED for the next 4 PDUs :: every SMS taken exactly once, no failure surfaces', async () => {
  await withSmpp({ sim: { behaviour: { throttleNext: 4 } } }, async ({ connector, sim, events }) => {
    const texts = Array.from({ length: 6 }, (_, i) => `Mahnung ${i}`);
    const results = await Promise.all(texts.map((t) => connector.submit(sms(t))));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    const taken = sim.received.filter((r) => r.status === SMPP_STATUS.ROK).map((r) => r.text).sort();
    assert.equal(taken, [...texts].sort());
    assert.is(sim.received.filter((r) => r.status === SMPP_STATUS.RTHROTTLED).length, 4);
    assert.ok(events.some((e) => e.evt === 'smpp-throttled' && e.connector === 'smsc1'));
  });
});

F('smpp connector :: SMSC allows 20/s, we send 30 at once :: throttled, slowed, all 30 taken once', async () => {
  await withSmpp({ sim: { behaviour: { maxPerSecond: 20 } }, connector: { throttlePauseMs: 100 } }, async ({ connector, sim }) => {
    const texts = Array.from({ length: 30 }, (_, i) => `Kurs ${i}`);
    const results = await Promise.all(texts.map((t) => connector.submit(sms(t))));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
    assert.equal(sim.received.filter((r) => r.status === SMPP_STATUS.ROK).map((r) => r.text).sort(), [...texts].sort());
    assert.ok(sim.received.some((r) => r.status === SMPP_STATUS.RTHROTTLED), 'the SMSC throttled');
  });
});

F('smpp connector :: throttling that never ends :: temporary (not uncertain) after retryInPlaceSeconds', async () => {
  await withSmpp({ sim: { behaviour: { throttleNext: 1e9 } }, connector: { retryInPlaceSeconds: 1, throttlePauseMs: 100 } }, async ({ connector }) => {
    const res = await connector.submit(sms('Hallo'));
    assert.equal([res.ok, !res.ok && res.temporary, !res.ok && res.uncertain], [false, true, undefined]);
    assert.match(!res.ok ? res.reason : '', /^the SMSC kept throttling for 1 s: SMSC refused: ESME_RTHROTTLED \(0x58\)/);
  });
});

F('smpp connector :: throughputPerSecond 5 :: PDUs (parts included) paced by the token bucket', async () => {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  await withSmpp({ connector: { throughputPerSecond: 5 }, deps: { clock } }, async ({ connector, sim }) => {
    for (let i = 0; i < 8; i++) assert.ok((await connector.submit(sms(`Kurz ${i}`))).ok);
    assert.equal((await connector.submit(sms(LONG_GSM))).ok, true);
    assert.is(sim.received.length, 11);
    // 5 at once (the burst), the other 6 PDUs at 5 per second.
    assert.is(clock.t, 1200);
  });
});

const P = suite('smpp connector :: long SMS with a refused later part');

/** Changes the simulator's behaviour when its n-th submit_sm arrives (before it is answered). */
const onNthSubmit = (n: number, fn: () => void) => {
  let count = 0;
  return () => {
    if (++count === n) fn();
  };
};

P('smpp connector :: part 2 refused for a while (queue full) :: retried in place, the message completes with its reference', async () => {
  let sim: import('../../../src/connectors/smpp/smsc-simulator.js').SmscSimulator;
  const beforeAnswer = () => {
    first();
    second();
  };
  const first = onNthSubmit(2, () => sim.set({ fail: { status: 0x14 } }));
  const second = onNthSubmit(3, () => sim.set({ fail: undefined }));
  await withSmpp({ sim: { beforeAnswer } }, async (h) => {
    sim = h.sim;
    const res = await h.connector.submit(sms(LONG_GSM));
    assert.ok(res.ok, JSON.stringify(res));
    assert.equal(h.sim.received.map((r) => [r.concat?.seq, r.status]), [[1, 0], [2, 0x14], [2, 0], [3, 0]]);
    assert.is(h.sim.messages[0]?.text, LONG_GSM);
  });
});

P('smpp connector :: part 2 refused for good :: failed, the reason names the parts taken and why it is not resent', async () => {
  let sim: import('../../../src/connectors/smpp/smsc-simulator.js').SmscSimulator;
  const beforeAnswer = onNthSubmit(2, () => sim.set({ fail: { status: 0x45 } }));
  await withSmpp({ sim: { beforeAnswer } }, async (h) => {
    sim = h.sim;
    const res = await h.connector.submit(sms(LONG_GSM));
    assert.equal([res.ok, !res.ok && res.temporary, !res.ok && res.final], [false, false, 'failed']);
    const id = h.sim.received[0]!.messageId!;
    assert.is(!res.ok && res.reason,
      `only 1 of 3 parts were taken by the SMSC (ids ${id}); part 2 failed: SMSC refused: ESME_RSUBMITFAIL (0x45) submit failed. The recipient may see an incomplete message; not sent again to avoid duplicate parts`);
    assert.is(h.sim.received.length, 2, 'part 3 never sent');
  });
});

P('smpp connector :: connection dropped on part 2 :: uncertain, naming the part already taken', async () => {
  await withSmpp({ sim: { behaviour: { dropAfterSubmits: 1 } } }, async ({ connector, sim }) => {
    const res = await connector.submit(sms(LONG_GSM));
    assert.equal([res.ok, !res.ok && res.temporary, !res.ok && res.uncertain], [false, true, true]);
    assert.match(!res.ok ? res.reason : '', /^part 2 of 3: connection lost before the submit_sm_resp .*; the SMSC may have taken it \(part 1 was taken, id \S+\)$/);
    assert.is(sim.received.length, 2);
    await waitFor('rebound', () => connector.health().up);
  });
});

F.run();
P.run();
