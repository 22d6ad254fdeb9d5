import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SubmitResult } from '../../../src/connectors/types.js';
import type { SmppConnector } from '../../../src/connectors/smpp/connector.js';
import type { SmscSimulator } from '../../../src/connectors/smpp/smsc-simulator.js';
import { TimeoutsOnCue } from '../../helpers/timers.js';
import { LONG_GSM, sms, waitFor, withSmpp } from './harness.js';

/**
 * How much the connector keeps going at once. Throughput itself is a
 * benchmark figure (bench/), never a test assertion: these tests pin the
 * shape that makes it possible — the window really filled, long SMS to one
 * number paced by receipts instead of failing — so a change that serialises
 * sending shows up as a failed test, not only as a slower benchmark.
 */
const C = suite('smpp connector :: concurrency');

/** LONG_GSM is 3 parts; this 300-character text of basic characters is 2, like the benchmark's mail. */
const TWO_PARTS = 'Ihre Rechnung 2026-1234 ist seit dem 15.11. faellig. '.repeat(6).slice(0, 300);
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+49151200${String(i).padStart(5, '0')}`);

/**
 * 512 submit_sm through a window of 50, answered at once by the simulator: the harness's 1 s response timeout
 * failed some of them as uncertain on a loaded machine, so these wait as long as the product's default.
 */
const FLOODED = { windowSize: 50, responseTimeoutMs: 10_000 };

/** Counts the submits that have settled so far, keeping their results in order. */
function track(pending: Array<Promise<SubmitResult>>) {
  const settled: SubmitResult[] = [];
  const all = Promise.all(pending.map((p) => p.then((r) => (settled.push(r), r))));
  return { settled, all };
}

C('smpp connector :: window 8, 20 two-part SMS queued, SMSC holding its answers :: 8 submit_sm outstanding at once, the rest not written yet; all 20 taken once answered', async () => {
  await withSmpp({ sim: { behaviour: { holdResponses: true } }, connector: { windowSize: 8 } }, async ({ sim, connector }) => {
    const { all } = track(numbers(20).map((to) => connector.submit(sms(TWO_PARTS, { to, segments: 2 }))));
    // A connector that waited for each answer before the next submit (or for each SMS before the next) would stop at 1 here.
    await waitFor('8 submit_sm outstanding at the SMSC', () => sim.heldResponseCount === 8);
    assert.is(connector.health().inFlight, 8);
    assert.is(sim.received.length, 8, 'nothing beyond the window was written');
    assert.equal(new Set(sim.received.map((r) => r.destination.addr)).size, 8, 'part 1 of 8 different SMS: parts of one SMS go in order, SMS side by side');
    sim.set({ holdResponses: false });
    sim.releaseResponses();
    const results = await all;
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
    assert.is(sim.received.length, 40);
    assert.equal(sim.messages.map((m) => m.text), Array(20).fill(TWO_PARTS));
  });
});

C('smpp connector :: 260 long SMS to one number, receipts held :: 256 go out (every 8-bit reference once), 4 wait for receipts instead of failing; none sent twice', async () => {
  await withSmpp({ sim: { behaviour: { holdReceipts: true } }, connector: FLOODED }, async ({ sim, connector }) => {
    const to = '+4915100000042';
    const { settled, all } = track(Array.from({ length: 260 }, () => connector.submit(sms(TWO_PARTS, { to, segments: 2 }))));
    await waitFor('256 SMS taken', () => settled.length === 256);
    assert.ok(settled.every((r) => r.ok), JSON.stringify(settled.find((r) => !r.ok)));
    assert.is(sim.received.length, 512, 'the 4 without a reference have not been written');
    const refs = (from: number, to: number) => new Set(sim.received.slice(from, to).map((r) => r.concat!.ref));
    assert.is(refs(0, 512).size, 256, 'no reference used by two messages in flight');
    // Receipts free references; each waiting SMS gets one in turn.
    sim.set({ holdReceipts: false });
    sim.releaseReceipts();
    const results = await all;
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
    assert.is(sim.received.length, 520);
    assert.is(sim.messages.length, 260, 'each SMS reassembles once');
    assert.is(refs(512, 520).size, 4);
  });
});

C('smpp connector :: 257 long SMS to one number, receipts never come :: the 257th is refused for now as a matter of that SMS (scope sms), nothing of it written', async () => {
  await withSmpp({ sim: { behaviour: { holdReceipts: true } }, connector: FLOODED, deps: { refWaitMs: 50 } }, async ({ sim, connector }) => {
    const to = '+4915100000043';
    const results = await Promise.all(Array.from({ length: 257 }, () => connector.submit(sms(TWO_PARTS, { to, segments: 2 }))));
    assert.is(results.filter((r) => r.ok).length, 256);
    const refused = results.find((r) => !r.ok);
    assert.equal(refused && { ...refused, reason: /^all concatenation references for \+4915100000043 in use/.test(refused.reason) },
      { ok: false, temporary: true, scope: 'sms', reason: true });
    assert.is(sim.received.length, 512);
    assert.ok(connector.health().up, 'the connector itself is fine');
  });
});

C('smpp connector :: stopped while long SMS wait for a reference :: they end at once as temporary, not sent', async () => {
  let waiting: Array<Promise<SubmitResult>> = [];
  await withSmpp({ sim: { behaviour: { holdReceipts: true } }, connector: FLOODED }, async ({ sim, connector }) => {
    const to = '+4915100000044';
    const first = await Promise.all(Array.from({ length: 256 }, () => connector.submit(sms(TWO_PARTS, { to, segments: 2 }))));
    assert.ok(first.every((r) => r.ok));
    waiting = [connector.submit(sms(TWO_PARTS, { to, segments: 2 })), connector.submit(sms(TWO_PARTS, { to, segments: 2 }))];
    assert.is(sim.received.length, 512);
  });
  // withSmpp stopped the connector (its refWaitMs is the default 10 s: these ended because of the stop)
  const ended = await Promise.all(waiting);
  assert.equal(ended.map((r) => !r.ok && [r.temporary, r.scope, r.reason]), Array(2).fill([true, 'sms', 'connector smsc1 is stopping']));
});

C('smpp connector :: a long SMS that cannot be sent after its reference was taken :: the reference is given back', async () => {
  await withSmpp({ connector: { windowSize: 50 } }, async ({ connector }) => {
    const to = '+4915100000045';
    // 256 refused SMS (more than 255 parts) each take a reference first; none may stay in use.
    for (let i = 0; i < 256; i++) {
      const r = await connector.submit(sms('a'.repeat(153 * 256), { to, segments: 256 }));
      assert.equal(!r.ok && [r.temporary, /255/.test(r.reason)], [false, true]);
    }
    const ok = await connector.submit(sms(TWO_PARTS, { to, segments: 2 }));
    assert.ok(ok.ok, JSON.stringify(ok));
  });
});

/**
 * Moves the connector's reference counter on by `n` (it is shared by all numbers): long SMS to another number that cannot be
 * sent (more than 255 parts) each take the next reference and give it back. UCS-2 keeps the text short.
 */
async function turnRefs(connector: SmppConnector, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await connector.submit(sms('ж'.repeat(67 * 256), { to: '+4915100000099', encoding: 'UCS2', segments: 256 }));
    assert.equal(!r.ok && /255/.test(r.reason), true);
  }
}

/**
 * Part 2 held unanswered until its response timeout runs out on the test's cue. The timeout itself is long, so
 * every answer that does come is in time however loaded the machine; no enquire_link runs meanwhile.
 */
function partTwoUnanswered(behaviour: { holdReceipts?: boolean } = {}) {
  const timers = new TimeoutsOnCue(60_000);
  const setup = {
    sim: { behaviour: { holdResponses: true, holdPart: 2, ...behaviour } },
    connector: { responseTimeoutMs: 60_000, enquireLinkSeconds: 3600, windowSize: 50 }, deps: { random: () => 0, timers },
  };
  /** Submits the long SMS and, once the SMSC holds part 2, lets that part's response timeout run out. */
  const submitUnanswered = async (connector: SmppConnector, sim: SmscSimulator, to: string): Promise<SubmitResult> => {
    const result = connector.submit(sms(TWO_PARTS, { to, segments: 2 }));
    await waitFor('part 2 held by the SMSC', () => sim.heldResponseCount === 1);
    assert.is(timers.expire(), 1, 'part 2 is the one request awaiting its answer');
    return result;
  };
  return { setup, submitUnanswered };
}

C('smpp connector :: part 2 of a long SMS unanswered in time, then taken late :: its reference stays reserved while the SMSC may still take it and then until its receipts are in; a later long SMS to the number gets another one', async () => {
  const { setup, submitUnanswered } = partTwoUnanswered({ holdReceipts: true });
  await withSmpp(setup, async ({ sim, connector, reports, events }) => {
    connector.onLateAnswer(async () => true);
    const to = '+4915100000046';
    const refOf = (n: number) => sim.received.filter((r) => r.destination.addr === to.slice(1))[n * 2]!.concat!.ref;
    const first = await submitUnanswered(connector, sim, to);
    assert.equal(!first.ok && first.uncertain, true, JSON.stringify(first));
    assert.is(refOf(0), 0);
    await turnRefs(connector, 255); // the counter is back at 0
    sim.set({ holdResponses: false });
    assert.ok((await connector.submit(sms(TWO_PARTS, { to, segments: 2 }))).ok);
    assert.is(refOf(1), 1, 'not the reference of the SMS whose part 2 the SMSC may still take');

    assert.is(sim.releaseResponses(), 1);
    await waitFor('taken late', () => events.some((e) => e.evt === 'smpp-late-accepted'));
    await turnRefs(connector, 254);
    assert.ok((await connector.submit(sms(TWO_PARTS, { to, segments: 2 }))).ok);
    assert.is(refOf(2), 2, 'references 0 (taken late) and 1 still await their receipts');

    await waitFor('the receipts of all three held', () => sim.heldReceipts === 6);
    sim.set({ holdReceipts: false });
    sim.releaseReceipts();
    await waitFor('all three delivered', () => reports.filter((r) => !r.part && r.status === 'delivered').length === 3);
    await turnRefs(connector, 253);
    assert.ok((await connector.submit(sms(TWO_PARTS, { to, segments: 2 }))).ok);
    assert.is(refOf(3), 0, 'free again once the receipts of the SMS taken late are in');
    assert.equal(sim.messages.filter((m) => m.destination === to.slice(1)).map((m) => m.text), Array(4).fill(TWO_PARTS));
  });
});

C('smpp connector :: part 2 of a long SMS unanswered in time, then the link closes :: no answer can come any more, its reference is free again', async () => {
  const { setup, submitUnanswered } = partTwoUnanswered();
  await withSmpp(setup, async ({ sim, connector, events }) => {
    const to = '+4915100000047';
    const first = await submitUnanswered(connector, sim, to);
    assert.equal(!first.ok && first.uncertain, true, JSON.stringify(first));
    sim.set({ holdResponses: false });
    sim.dropNow();
    await waitFor('bound again', () => events.filter((e) => e.evt === 'smpp-bound').length === 2);
    await turnRefs(connector, 255);
    const second = await connector.submit(sms(TWO_PARTS, { to, segments: 2 }));
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(sim.received.filter((r) => r.destination.addr === to.slice(1)).map((r) => r.concat!.ref), [0, 0, 0, 0], 'both SMS with reference 0');
  });
});

C.run();
