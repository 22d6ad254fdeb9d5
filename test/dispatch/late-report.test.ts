import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { DeliveryReport } from '../../src/connectors/types.js';
import { readUnmatched } from '../../src/dispatch/late-report.js';
import type { SmsMessage, StatusEvent } from '../../src/store/types.js';
import { confirmationMails, metric, startTestBridge, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { holdWriteOf, openStore, sms as storedSms } from '../helpers/store.js';
import { ourIdRestConnector, startLoopback, type Loopback, type Recorded } from '../connectors/http/loopback.js';

/**
 * Review 4a, F1: a Kannel smsbox (or an HTTP aggregator) that takes an SMS
 * but whose answer to the request is lost, then reports on it under our
 * own id. The report is the late answer: it settles the SMS left "not
 * confirmed" instead of being answered 200 and dropped. Real HTTP on
 * loopback both ways: a stand-in for the smsbox, and the dlr-url called
 * back as Kannel does. "Lost" is the stand-in dropping the connection once
 * it read the request (or after the report it sent meanwhile arrived), so
 * nothing here depends on timing.
 */
const L = suite('dispatch :: late delivery report (Kannel, http)');

const SECRET = 'kannel-report-secret-1';

async function withKannel(body: (kannel: Loopback) => Promise<void>): Promise<void> {
  const kannel = await startLoopback();
  try {
    await body(kannel);
  } finally {
    await kannel.close();
  }
}

const kannelConnector = (kannel: Loopback, extra: object = {}) => ({
  name: 'kannel', type: 'kannel', ...extra,
  kannel: { baseUrl: kannel.base, username: 'bridge', password: 'pw', secret: SECRET, listenPort: 0, timeoutMs: 3000 },
});

const send = (b: TestBridge, to: string, text: string) => sendSms(b.port, to, { subject: 'Mahnung', text });

/** What Kannel does with the dlr-url of a sendsms request: fills in %d (the report type) and %A, and GETs it. */
const kannelReport = (req: Recorded, type: number, reply = 'ACK') =>
  fetch(req.url.searchParams.get('dlr-url')!.replace('%d', String(type)).replace('%A', encodeURIComponent(reply)));

const statusOf = (b: TestBridge, id: string) => b.store.get(id)?.status;
const last = (m: SmsMessage) => m.history.at(-1)!;

L('Kannel took the SMS, its answer was lost (onUncertain fail), then it reports it delivered under our id :: corrected to submitted and delivered, one "(correction)" mail, counted as unconfirmed then late', async () => {
  await withKannel(async (kannel) => {
    kannel.reply = () => 'reset';
    await withBridge({ connectors: [kannelConnector(kannel)] } as never, async (b) => {
      const id = await send(b, '+4915112348001', 'Zahlung offen');
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      assert.equal([last(b.store.get(id)!).uncertain, last(b.store.get(id)!).connector], [true, 'kannel']);
      assert.match((await confirmationMails(b, id, 1)).get('failed')!.subject ?? '', /not confirmed/);

      const res = await kannelReport(kannel.requests[0], 1);
      assert.is(res.status, 200);
      // Answered once stored: the SMS is delivered by the time Kannel hears 200.
      const m = b.store.get(id)!;
      assert.is(m.status, 'delivered');
      assert.equal(m.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted', 'delivered']);
      const corrected = m.history.find((e) => e.late === 'correction')!;
      assert.equal([corrected.status, corrected.connector, corrected.connectorMessageId], ['submitted', 'kannel', id]);
      assert.match(corrected.detail ?? '', /kannel: its delivery report \(delivered.*\) names the SMS, so the gateway took it/);
      const settled = b.events.find((e) => e.evt === 'sms-late-answer');
      assert.equal(settled && [settled.msgId, settled.connector, settled.outcome, settled.status, settled.recorded], [id, 'kannel', 'accepted', 'submitted', true]);
      assert.is(kannel.requests.length, 1, 'sent once');

      // Taken and delivered in one report: one correction mail says both.
      const all = await confirmationMails(b, id, 2);
      await waitFor('the correction settled', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
      assert.equal([...all.keys()].sort(), ['delivered', 'failed']);
      assert.match(all.get('delivered')!.subject ?? '', /^SMS delivered to \+4915112348001 \(correction\)/);
      assert.equal([
        await metric(b, 'mail2sms_sms_final_total{connector="kannel",status="unconfirmed"}'),
        await metric(b, 'mail2sms_sms_final_total{connector="kannel",status="delivered"}'),
        await metric(b, 'mail2sms_sms_late_answers_total{connector="kannel",outcome="accepted"}'),
        await metric(b, 'mail2sms_sms_final_total{connector="kannel",status="failed"}'),
      ], [1, 1, 1, undefined]);
    });
  });
});

L('Kannel took the SMS, its answer was lost, then it reports it rejected (type 16) under our id :: settled once, straight to rejected with its id, one correction mail that says it was taken and then rejected', async () => {
  await withKannel(async (kannel) => {
    kannel.reply = () => 'reset';
    await withBridge({ connectors: [kannelConnector(kannel)] } as never, async (b) => {
      const id = await send(b, '+4915112348005', 'Zahlung offen');
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      await confirmationMails(b, id, 1);
      assert.is((await kannelReport(kannel.requests[0], 16, 'NACK/absent subscriber')).status, 200);
      const m = b.store.get(id)!;
      assert.is(m.status, 'rejected');
      assert.equal(m.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'rejected'], 'never shown as submitted on the way');
      const corrected = last(m);
      assert.equal([corrected.late, corrected.connector, corrected.connectorMessageId, corrected.reason], ['correction', 'kannel', id, 'NACK/absent subscriber']);
      const settled = b.events.find((e) => e.evt === 'sms-late-answer');
      assert.equal(settled && [settled.status, settled.taken, settled.recorded], ['rejected', true, true]);
      const all = await confirmationMails(b, id, 2);
      await waitFor('every confirmation sent', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
      assert.equal(b.store.get(id)!.confirmations.map((c) => c.stage), ['failed', 'rejected'], 'no "handed to carrier" mail in between');
      assert.equal([...(await confirmationMails(b, id, 2)).keys()].sort(), ['failed', 'rejected']);
      const text = all.get('rejected')!.text ?? '';
      assert.match(all.get('rejected')!.subject ?? '', /\(correction\)/);
      assert.match(text, /NACK\/absent subscriber/);
      assert.match(text, /the carrier confirmed at .+ that it took it/);
      assert.not.match(text, /did not take it/);
      assert.equal([
        await metric(b, 'mail2sms_sms_final_total{connector="kannel",status="rejected"}'),
        await metric(b, 'mail2sms_sms_submitted_total{connector="kannel"}'),
      ], [1, 1]);
    });
  });
});

L('Kannel reports "SMSC accepted" (type 8) while the request is still under way, then its answer is lost (onUncertain resend, a fallback ready) :: submitted through Kannel, not sent again, delivered by the next report', async () => {
  await withKannel(async (kannel) => {
    const arrived: DeliveryReport[] = [];
    kannel.reply = async (req) => {
      void kannelReport(req, 8).catch(() => undefined);
      await waitFor('the type 8 report at the bridge', () => arrived.length > 0);
      return 'reset' as const;
    };
    const config = {
      connectors: [kannelConnector(kannel, { onUncertain: 'resend' }), { name: 'fallback', type: 'simulator', simulator: { deliveryDelayMs: 20 } }],
    };
    await withBridge(config as never, async (b) => {
      b.connectors.find((c) => c.name === 'kannel')!.onReport((r) => void arrived.push(r));
      const id = await send(b, '+4915112348002', 'Zahlung offen');
      await waitFor('submitted', () => statusOf(b, id) === 'submitted');
      const m = b.store.get(id)!;
      assert.equal([last(m).connector, last(m).connectorMessageId], ['kannel', id]);
      assert.match(last(m).reason ?? '', /network error.*, but a delivery report of kannel for it shows that it took the SMS/);
      assert.is(b.sims.fallback.sent.length, 0, 'not sent again through the fallback');
      assert.not.ok(b.events.some((e) => e.evt === 'sms-possible-duplicate'));

      assert.is((await kannelReport(kannel.requests[0], 1)).status, 200);
      assert.is(statusOf(b, id), 'delivered');
    });
  });
});

L('http connector with webhook.ourIdParam: answer lost, then the aggregator reports under its own id with our reference :: corrected to submitted with the aggregator\'s id, delivered', async () => {
  await withKannel(async (agg) => {
    agg.reply = () => 'reset';
    const config = {
      connectors: [ourIdRestConnector(agg.base, SECRET, { DELIVERED: 'delivered' })],
    };
    await withBridge(config as never, async (b) => {
      const id = await send(b, '+4915112348003', 'Zahlung offen');
      await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
      const callback = (JSON.parse(agg.requests[0].body) as { callback: string }).callback;
      const res = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { id: 'AGG-77', status: 'DELIVERED' } }) });
      assert.is(res.status, 200);
      const m = b.store.get(id)!;
      assert.is(m.status, 'delivered');
      assert.equal(m.history.find((e) => e.late === 'correction')?.connectorMessageId, 'AGG-77');
    });
  });
});

/** The journal record of SMS `id`'s late correction (late-answer.ts). */
const correctionWrite = (id: string) => (rec: { id?: string; event?: unknown }) => rec.id === id && (rec.event as { late?: string } | undefined)?.late === 'correction';

/** An http connector's SMS whose answer was lost, failed as not confirmed; its callback and a report of it under the aggregator's id. */
async function notConfirmed(b: TestBridge, agg: Loopback, to: string) {
  const id = await send(b, to, 'Zahlung offen');
  await waitFor('failed as not confirmed', () => statusOf(b, id) === 'failed');
  const callback = (JSON.parse(agg.requests.at(-1)!.body) as { callback: string }).callback;
  const report = (status: string) => fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { id: 'AGG-88', status } }) }).then((r) => r.status);
  return { id, report };
}

for (const fails of [false, true]) {
  L(`regression: an http report sent again while the late answer's correction is written${fails ? ', and that write fails' : ''} :: the copy waits for that write and gets its answer (${fails ? '500 both, then stored when sent again' : '200 both'}), not a second settling ("sent twice")`, async () => {
    await withKannel(async (agg) => {
      agg.reply = () => 'reset';
      await withBridge({ connectors: [ourIdRestConnector(agg.base, SECRET, { DELIVERED: 'delivered', ACCEPTED: 'enroute' })] } as never, async (b) => {
        const { id, report } = await notConfirmed(b, agg, fails ? '+4915112348011' : '+4915112348010');
        const slow = holdWriteOf(b.store, correctionWrite(id), { thenFail: fails });
        const first = report('DELIVERED');
        let copyAnswer: number | undefined;
        try {
          await slow.held;
          // The aggregator gave up on the first callback and sends it again; answered before the write, it never repeats it.
          const copy = report('DELIVERED').then((s) => (copyAnswer = s));
          copy.catch(() => {});
          await waitFor('the copy seen as one being written', () => copyAnswer !== undefined || b.events.some((e) => e.evt === 'report-repeated' && e.connectorMessageId === 'AGG-88'));
          assert.is(copyAnswer, undefined, 'not answered while the write it repeats is under way');
        } finally {
          slow.release();
        }
        const want = fails ? 500 : 200;
        assert.is(await first, want);
        assert.is(await waitFor('the copy answered', () => copyAnswer), want);
        if (fails) {
          assert.is(statusOf(b, id), 'failed');
          assert.is(await report('DELIVERED'), 200);
        }
        const m = b.store.get(id)!;
        assert.is(m.status, 'delivered');
        assert.equal(m.history.filter((e) => e.late).map((e) => [e.late, e.status]), [['correction', 'submitted']], 'settled once: no "sent twice" note');
        assert.not.ok(b.events.some((e) => e.evt === 'sms-sent-twice'));
      });
    });
  });
}

L('another report of the SMS (delivered) while the correction of its first one ("accepted", enroute) is written :: read once that is recorded: delivered, settled once', async () => {
  await withKannel(async (agg) => {
    agg.reply = () => 'reset';
    await withBridge({ connectors: [ourIdRestConnector(agg.base, SECRET, { DELIVERED: 'delivered', ACCEPTED: 'enroute' })] } as never, async (b) => {
      const arrived: DeliveryReport[] = [];
      b.connectors.find((c) => c.name === 'rest')!.onReport((r) => void arrived.push(r));
      const { id, report } = await notConfirmed(b, agg, '+4915112348012');
      const slow = holdWriteOf(b.store, correctionWrite(id));
      const first = report('ACCEPTED');
      let second: Promise<number>;
      try {
        await slow.held;
        second = report('DELIVERED');
        second.catch(() => {});
        await waitFor('the delivered report at the bridge', () => arrived.some((r) => r.status === 'delivered'));
        assert.is(statusOf(b, id), 'failed', 'the correction is still being written');
      } finally {
        slow.release();
      }
      assert.is(await first, 200);
      assert.is(await second!, 200);
      const m = await waitFor('delivered', () => (statusOf(b, id) === 'delivered' ? b.store.get(id) : undefined));
      assert.equal(m.history.filter((e) => e.late).map((e) => [e.late, e.status]), [['correction', 'submitted']]);
      assert.not.ok(b.events.some((e) => e.evt === 'sms-sent-twice'));
    });
  });
});

L('restart after a crash in the middle of a sendsms request :: not confirmed (Kannel cannot be asked), and Kannel\'s report under our id settles it', async () => {
  await withKannel(async (kannel) => {
    const dir = await mkdtemp(join(tmpdir(), 'mail2sms-late-report-'));
    try {
      const store = await openStore(dir, { now: new Date() });
      await store.accept({ messages: [storedSms('MXCRASH.1')], dedupKeys: [undefined] });
      await store.transition('MXCRASH.1', { event: { status: 'submitting', at: new Date().toISOString(), connector: 'kannel' }, attempts: 1 });
      await store.close();
      const b = await startTestBridge({ connectors: [kannelConnector(kannel)] } as never, dir);
      try {
        const failed = last(b.store.get('MXCRASH.1')!);
        assert.equal([failed.status, failed.uncertain, failed.connector], ['failed', true, 'kannel']);
        assert.match(failed.detail ?? '', /interrupted by a restart/);
        const hook = (b.connectors.find((c) => c.name === 'kannel') as unknown as { webhookUrl: string }).webhookUrl;
        assert.is((await fetch(`${hook}?secret=${SECRET}&id=MXCRASH.1&type=1&reply=ACK`)).status, 200);
        assert.is(statusOf(b, 'MXCRASH.1'), 'delivered');
        assert.is(kannel.requests.length, 0, 'not sent again');
      } finally {
        await b.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

L('a Kannel report that names no SMS of ours, or one whose outcome is recorded :: answered 200, and logged as report-unmatched for the operator', async () => {
  await withKannel(async (kannel) => {
    kannel.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
    await withBridge({ connectors: [kannelConnector(kannel)] } as never, async (b) => {
      const id = await send(b, '+4915112348004', 'Zahlung offen');
      await waitFor('submitted', () => statusOf(b, id) === 'submitted');
      assert.is((await kannelReport(kannel.requests[0], 1)).status, 200);
      assert.is(statusOf(b, id), 'delivered');
      assert.is((await kannelReport(kannel.requests[0], 2)).status, 200, 'a second report after the final one');
      assert.is(statusOf(b, id), 'delivered');
      const unknown = new URL(kannel.requests[0].url.searchParams.get('dlr-url')!.replace('%d', '1').replace('%A', 'x'));
      unknown.searchParams.set('id', 'MXNOSUCHSMS.1');
      assert.is((await fetch(unknown)).status, 200);
      const logged = b.events.filter((e) => e.evt === 'report-unmatched').map((e) => [e.connector, e.ourId, e.status, e.why]);
      assert.equal(logged, [
        ['kannel', id, 'failed', 'the SMS was recorded as taken by kannel before, and its outcome is recorded'],
        ['kannel', 'MXNOSUCHSMS.1', 'delivered', 'it names no SMS in the live store'],
      ]);
    });
  });
});

L.run();

const R = suite('dispatch :: late-report :: what an unmatched report naming our SMS means');

const ev = (status: StatusEvent['status'], extra: Partial<StatusEvent> = {}): StatusEvent => ({ status, at: '2025-01-01T00:00:00Z', ...extra });
const sms = (...history: StatusEvent[]) => ({ id: 'MX1.1', status: history.at(-1)!.status, history }) as SmsMessage;
const named: DeliveryReport = { connectorMessageId: 'MX1.1', ourId: 'MX1.1', status: 'delivered', at: new Date(0) };
const handed = [ev('accepted'), ev('submitting', { connector: 'kannel' })];

const cases: Array<[name: string, m: SmsMessage | undefined, r: DeliveryReport, kind: string]> = [
  ['no id of ours in it: its submit answer may still bring the connector\'s id', sms(...handed), { ...named, ourId: undefined }, 'wait'],
  ['being handed to this connector now: an early report', sms(...handed), named, 'wait'],
  ['failed as not confirmed by this connector', sms(...handed, ev('failed', { connector: 'kannel', uncertain: true })), named, 'late'],
  ['waiting for its retry after this connector failed (a 500 after it stored the SMS)', sms(...handed, ev('accepted')), named, 'late'],
  ['being resent through another connector (onUncertain resend)', sms(...handed, ev('submitting', { connector: 'smsc' })), named, 'late'],
  ['delivered through another connector after a resend', sms(...handed, ev('submitting', { connector: 'smsc' }), ev('submitted', { connector: 'smsc', connectorMessageId: 'x' }), ev('delivered', { connector: 'smsc' })), named, 'late'],
  ['not in the live store', undefined, named, 'stray'],
  ['never handed to this connector', sms(ev('accepted'), ev('submitting', { connector: 'smsc' }), ev('failed', { connector: 'smsc', uncertain: true })), named, 'stray'],
  ['taken by this connector before (a repeated report)', sms(...handed, ev('submitted', { connector: 'kannel', connectorMessageId: 'MX1.1' }), ev('delivered', { connector: 'kannel' })), named, 'stray'],
  ['refused by this connector for good', sms(...handed, ev('rejected', { connector: 'kannel' })), named, 'stray'],
];
for (const [name, m, r, kind] of cases) {
  R(`late-report :: ${name} :: ${kind}`, () => {
    const what = readUnmatched(m, 'kannel', r);
    assert.is(what.kind, kind, JSON.stringify(what));
    if (what.kind === 'late') assert.equal([what.answer.id, what.answer.outcome, what.answer.connectorMessageId], ['MX1.1', 'accepted', 'MX1.1']);
  });
}

R.run();
