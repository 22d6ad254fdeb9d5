import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_STATUS, SmscSimulator, type SimBehaviour } from '../../src/connectors/smpp/smsc-simulator.js';
import type { SmsMessage } from '../../src/store/types.js';
import { confirmationMails, metric, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { LONG_GSM } from '../connectors/smpp/harness.js';
import { gateCorrection } from '../helpers/correction-gate.js';
import { timeOutHeld, TimeoutsOnCue } from '../helpers/timers.js';

/**
 * Review 2, F1: an SMSC slower than responseTimeoutMs answers a submit_sm
 * after the bridge gave up on it (reported uncertain), then sends its
 * receipt. The late answer settles the doubt instead of being dropped.
 * Real SMPP over loopback to the simulator, which keeps its answers back
 * until the test releases them: "late" is "after the bridge gave up",
 * whatever the machine's speed. The bridge gives up on the test's cue
 * (timeOutHeld), never on an answer that came but was slow: with a real
 * 300 ms timeout, the unheld parts of a long SMS or the fallback's answer
 * could run out on a loaded machine.
 */
const L = suite('dispatch :: late submit_sm_resp');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const smpp = (name: string, port: number, extra: object = {}) => ({
  name, type: 'smpp', ...extra,
  smpp: { host: '127.0.0.1', port, ...LOGIN, responseTimeoutMs: 60_000, reconnectSeconds: [0.1] },
});

async function withSims(n: number, behaviour: Partial<SimBehaviour>, body: (sims: SmscSimulator[], ports: number[]) => Promise<void>): Promise<void> {
  const sims = Array.from({ length: n }, () => new SmscSimulator({ ...LOGIN, behaviour }));
  const ports: number[] = [];
  try {
    for (const s of sims) ports.push((await s.start()).port);
    await body(sims, ports);
  } finally {
    for (const s of sims) await s.stop();
  }
}

async function withBridge(config: object, body: (b: TestBridge, timers: TimeoutsOnCue) => Promise<void>): Promise<void> {
  const timers = new TimeoutsOnCue(60_000);
  const b = await startTestBridge(config as never, undefined, { smppTimers: timers });
  try {
    await body(b, timers);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

const send = (b: TestBridge, to: string, text: string) => sendSms(b.port, to, { subject: 'Mahnung', text });

const statusOf = (b: TestBridge, id: string) => b.store.get(id)?.status;
const last = (m: SmsMessage) => m.history.at(-1)!;

const mails = confirmationMails;

L('late ESME_ROK after the SMS failed as not confirmed (onUncertain fail) :: corrected to submitted with the SMSC id, the receipt delivers it, the clerk gets "not confirmed" and then one delivered correction', async () => {
  await withSims(1, { holdResponses: true }, async ([sim], [port]) => {
    await withBridge({ connectors: [smpp('smsc', port)] }, async (b, timers) => {
      const id = await send(b, '+4915112347001', 'Zahlung offen');
      await timeOutHeld(sim, timers);
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      const failed = last(b.store.get(id)!);
      assert.equal([failed.uncertain, failed.connector], [true, 'smsc']);
      assert.match(failed.detail ?? '', /smsc: no submit_sm_resp within 60000 ms/, 'the protocol detail is kept for the operator');
      assert.not.match(failed.reason ?? '', /submit_sm|ms\b/, 'the reason a clerk reads has no SMPP words');
      const first = (await mails(b, id, 1)).get('failed')!;
      assert.match(first.subject ?? '', /^SMS to \+4915112347001 not confirmed: "Mahnung"$/);
      assert.match(first.text ?? '', /We cannot tell whether your SMS to \+4915112347001 reached the carrier/);
      assert.match(first.text ?? '', /check with the recipient before you send it again/);
      assert.not.match(first.text ?? '', /submit_sm|could not be delivered/);

      assert.is(sim.releaseResponses(), 1);
      await waitFor('delivered', () => statusOf(b, id) === 'delivered');
      const m = b.store.get(id)!;
      const smscId = sim.received[0]!.messageId!;
      const submitted = m.history.find((e) => e.late === 'correction')!;
      assert.equal([submitted.status, submitted.connector, submitted.connectorMessageId], ['submitted', 'smsc', smscId]);
      assert.match(submitted.reason ?? '', /confirmed late that it took the SMS: it was sent once/);
      assert.equal(m.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted', 'delivered']);
      const logged = b.events.find((e) => e.evt === 'smpp-late-accepted');
      assert.equal(logged && [logged.msgId, logged.connectorMessageId, logged.part, logged.parts], [id, smscId, 1, 1]);
      const settled = b.events.find((e) => e.evt === 'sms-late-answer');
      assert.equal(settled && [settled.msgId, settled.outcome, settled.connectorMessageId, settled.status], [id, 'accepted', smscId, 'submitted']);
      assert.is(sim.received.length, 1, 'sent once');

      // The receipt came within notify.correctionWaitSeconds: one mail says both (late-correction-mail.test.ts).
      const all = await mails(b, id, 2);
      await waitFor('the correction settled', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
      assert.equal([...all.keys()].sort(), ['delivered', 'failed']);
      assert.match(m.confirmations.find((c) => c.stage === 'submitted')?.where ?? '', /^not sent: the delivered confirmation that followed says it/);
      const delivered = all.get('delivered')!;
      assert.match(delivered.subject ?? '', /^SMS delivered to \+4915112347001 \(correction\)/);
      assert.match(delivered.text ?? '', /This corrects our earlier mail, which said the SMS was not confirmed: the carrier confirmed at .+ that it took it/);
    });
  });
});

L('late ESME_ROK followed at once by its receipt :: the deliver_sm_resp goes only after the correction and the delivery are stored (a crash before loses nothing: the SMSC sends the receipt again)', async () => {
  const order: string[] = [];
  const sim = new SmscSimulator({
    ...LOGIN, behaviour: { holdResponses: true },
    log: (e) => void (e.evt === 'receipt-answered' && order.push(`answered ${String(e.status)}`)),
  });
  const { port } = await sim.start();
  try {
    await withBridge({ connectors: [smpp('smsc', port)] }, async (b, timers) => {
      const id = await send(b, '+4915112347007', 'Zahlung offen');
      await timeOutHeld(sim, timers);
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      // The correction's write is held at a gate: the receipt arrives while it is not durable yet.
      const gate = gateCorrection(b.store, id, (status) => order.push(`stored ${status}`));
      assert.is(sim.releaseResponses(), 1);
      await waitFor('the correction waiting at the gate', gate.held);
      await waitFor('the receipt sent', () => sim.receipts[0]?.deliveries === 1);
      // A barrier: PDUs are read in order on the link, so once this later deliver_sm is answered, an answer the
      // receipt got at once would have come before it.
      assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: '+4915112340000', to: 'ACME', text: 'Danke' }), SMPP_STATUS.ROK);
      assert.equal(order, [], 'the receipt is not answered while the correction is not stored');
      assert.is(sim.receipts[0]!.acked, false);
      gate.open();
      await waitFor('delivered', () => statusOf(b, id) === 'delivered');
      await waitFor('the receipt answered', () => sim.receipts[0]!.acked);
      assert.equal(order, ['stored submitted', 'stored delivered', `answered ${SMPP_STATUS.ROK}`]);
      assert.is(sim.receipts[0]!.deliveries, 1, 'answered once, not refused');
    });
  } finally {
    await sim.stop();
  }
});

L('SMS failed as unconfirmed and then taken late :: not failures of the numbers: the fraud brake does not count them, the metrics keep them apart', async () => {
  await withSims(1, { holdResponses: true }, async ([sim], [port]) => {
    const brake = { failureRatio: 0.5, minOutcomes: 2, newNumbersPerWindow: 0 };
    await withBridge({ connectors: [smpp('smsc', port)], limits: { brake } }, async (b, timers) => {
      const ids = [await send(b, '+4915112347011', 'Eins'), await send(b, '+4915112347012', 'Zwei')];
      await timeOutHeld(sim, timers, 2);
      await waitFor('both failed as not confirmed', () => ids.every((id) => statusOf(b, id) === 'failed'));
      sim.releaseResponses();
      await waitFor('both delivered', () => ids.every((id) => statusOf(b, id) === 'delivered'));
      assert.not.ok(b.events.some((e) => e.evt === 'brake-engaged'), JSON.stringify(b.events.filter((e) => e.evt === 'brake-engaged')));
      const metrics = await fetch(`http://127.0.0.1:${b.api!.port}/metrics`).then((x) => x.text());
      const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1]);
      assert.equal([
        value('mail2sms_sms_final_total{connector="smsc",status="unconfirmed"}'),
        value('mail2sms_sms_final_total{connector="smsc",status="delivered"}'),
        value('mail2sms_sms_late_answers_total{connector="smsc",outcome="accepted"}'),
        value('mail2sms_sms_submitted_total{connector="smsc"}'),
      ], [2, 2, 2, 2], metrics.split('\n').filter((l) => /final_total|late_answers|submitted_total/.test(l)).join('\n'));
      assert.not.match(metrics, /mail2sms_sms_final_total\{connector="smsc",status="failed"\}/);
    });
  });
});

L('late answer for the last part of a 3-part SMS :: the whole SMS corrected to submitted with all three ids, delivered when every part\'s receipt is in', async () => {
  await withSims(1, { holdResponses: true, holdPart: 3 }, async ([sim], [port]) => {
    await withBridge({ connectors: [smpp('smsc', port)] }, async (b, timers) => {
      const id = await send(b, '+4915112347002', LONG_GSM);
      await timeOutHeld(sim, timers);
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed' && last(b.store.get(id)!).uncertain);
      assert.match(last(b.store.get(id)!).detail ?? '', /part 3 of 3: no submit_sm_resp/);
      sim.releaseResponses();
      await waitFor('delivered', () => statusOf(b, id) === 'delivered');
      const ids = sim.received.map((r) => r.messageId).join(' ');
      assert.is(b.store.get(id)!.history.find((e) => e.late === 'correction')?.connectorMessageId, ids);
      const logged = b.events.find((e) => e.evt === 'smpp-late-accepted');
      assert.equal(logged && [logged.msgId, logged.part, logged.parts], [id, 3, 3]);
      assert.equal(sim.messages.map((x) => x.text), [LONG_GSM], 'one complete message at the SMSC');
    });
  });
});

L('late answer for part 1 of 3 :: parts 2 and 3 were never sent, so it stays failed, corrected from "not confirmed" to "only part of it", and the clerk is told so', async () => {
  await withSims(1, { holdResponses: true, holdPart: 1 }, async ([sim], [port]) => {
    await withBridge({ connectors: [smpp('smsc', port)] }, async (b, timers) => {
      const id = await send(b, '+4915112347003', LONG_GSM);
      await timeOutHeld(sim, timers);
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      await mails(b, id, 1);
      sim.releaseResponses();
      await waitFor('corrected', () => b.store.get(id)!.history.some((e) => e.late === 'correction'));
      const m = b.store.get(id)!;
      assert.equal([m.status, last(m).status, last(m).uncertain], ['failed', 'failed', undefined]);
      assert.match(last(m).reason ?? '', /took only part of the SMS/);
      assert.match(last(m).detail ?? '', /part 1 of 3: the SMSC took it late .* parts 2–3 were never sent/);
      assert.is(sim.received.length, 1);
      const second = (await mails(b, id, 2)).get('failed.2');
      assert.ok(second, 'a Message-ID of its own');
      assert.match(second.subject ?? '', /^SMS to \+4915112347003 failed \(correction\)/);
      assert.match(second.text ?? '', /the carrier answered at .+ that it did not take it in full/);
    });
  });
});

L('late refusal (ESME_RSYSERR) :: stays failed, no longer "not confirmed": the history says the carrier did not take it, logged (sms-final, late) and counted as failed', async () => {
  await withSims(1, { holdResponses: true, fail: { status: SMPP_STATUS.RSYSERR } }, async ([sim], [port]) => {
    await withBridge({ connectors: [smpp('smsc', port)] }, async (b, timers) => {
      const id = await send(b, '+4915112347004', 'Zahlung offen');
      await timeOutHeld(sim, timers);
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      sim.releaseResponses();
      await waitFor('corrected', () => b.store.get(id)!.history.some((e) => e.late === 'correction'));
      const m = b.store.get(id)!;
      assert.is(m.status, 'failed');
      assert.match(last(m).reason ?? '', /did not take the SMS: it was not sent, and you can send it again/);
      const logged = b.events.find((e) => e.evt === 'smpp-late-refused');
      assert.equal(logged && [logged.msgId, logged.status], [id, SMPP_STATUS.RSYSERR]);
      // Its outcome is logged as one, and counted as a failure of the SMS now, no longer as unconfirmed only.
      const finals = b.events.filter((e) => e.evt === 'sms-final' && e.msgId === id);
      assert.equal(finals.map((e) => [e.status, e.uncertain, e.late]), [['failed', true, undefined], ['failed', undefined, true]]);
      assert.match(String(finals[1]!.reason), /did not take the SMS/);
      assert.is(await metric(b, 'mail2sms_sms_final_total{connector="smsc",status="failed"}'), 1);
    });
  });
});

L('onUncertain resend, the retry still waiting :: the late ESME_ROK makes it submitted, it is not sent again, delivered once', async () => {
  await withSims(1, { holdResponses: true }, async ([sim], [port]) => {
    const config = { connectors: [smpp('smsc', port, { onUncertain: 'resend' })], dispatch: { retry: { baseSeconds: 3600 } } };
    await withBridge(config, async (b, timers) => {
      const id = await send(b, '+4915112347005', 'Zahlung offen');
      await timeOutHeld(sim, timers);
      await waitFor('waiting for its retry', () => b.events.some((e) => e.evt === 'sms-retry' && e.msgId === id));
      sim.set({ holdResponses: false });
      sim.releaseResponses();
      await waitFor('delivered', () => statusOf(b, id) === 'delivered');
      assert.is(sim.received.length, 1, 'not sent again');
      assert.equal(b.store.get(id)!.history.map((e) => e.status), ['accepted', 'submitting', 'accepted', 'submitted', 'delivered']);
    });
  });
});

L('onUncertain resend, sent again through the fallback before the late ESME_ROK :: it went twice: recorded in its history, sms-sent-twice at warn, status stays delivered', async () => {
  await withSims(2, {}, async ([primary, fallback], [p1, p2]) => {
    primary.set({ holdResponses: true });
    const config = { connectors: [smpp('primary', p1, { onUncertain: 'resend' }), smpp('fallback', p2)] };
    await withBridge(config, async (b, timers) => {
      const id = await send(b, '+4915112347006', 'Zahlung offen');
      await timeOutHeld(primary, timers);
      await waitFor('delivered through the fallback', () => statusOf(b, id) === 'delivered');
      primary.releaseResponses();
      await waitFor('recorded twice', () => b.store.get(id)!.history.some((e) => e.late === 'note'));
      const m = b.store.get(id)!;
      assert.is(m.status, 'delivered');
      assert.match(last(m).reason ?? '', /^sent twice: primary took the SMS after all/);
      const twice = b.events.find((e) => e.evt === 'sms-sent-twice');
      assert.equal(twice && [twice.msgId, twice.connector, twice.connectorMessageId], [id, 'primary', primary.received[0]!.messageId]);
      assert.is(primary.received.length + fallback.received.length, 2);
    });
  });
});

L.run();
