import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { holdCommand } from '../../src/cli/hold.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { writeRestoreMarker } from '../../src/store/restore-marker.js';
import type { LookupResult } from '../../src/connectors/types.js';
import type { SmsMessage } from '../../src/store/types.js';
import { bearer, call } from '../helpers/api.js';
import { confirmationMails, metric, outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { UnsureSimulator } from '../helpers/connectors.js';
import { freePort } from '../helpers/process.js';
import { sendSms } from '../helpers/smtp.js';
import { ourIdRestConnector, startLoopback, type Loopback } from '../connectors/http/loopback.js';

/**
 * After a restore, a delivery report that names a held SMS by our id
 * proves that the bridge the backup was taken of sent it: the bridge
 * settles it as sent itself (as `mail2sms hold mark … sent` would, audited
 * as its own verdict naming the report) and records the report's outcome,
 * so the clerk gets the right final mail and the SMS never goes again.
 * Real HTTP both ways: a stand-in for the Kannel smsbox (or an aggregator),
 * and its reports sent to the restored bridge's report listener.
 */
const R = suite<{ dir: string; agg: Loopback }>('dispatch :: a delivery report of a restore-held SMS');
R.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-restore-report-'));
  ctx.agg = await startLoopback();
  ctx.agg.reply = () => ({ status: 202, body: '0: Accepted for delivery' });
});
R.after.each(async (ctx) => {
  await ctx.agg.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

const SECRET = 'kannel-report-secret-1';
const backupAt = new Date(Date.now() - 60_000);
const before = new Date(backupAt.getTime() - 60_000).toISOString();

function sms(id: string, n: number, over: Partial<SmsMessage> = {}): SmsMessage {
  const to = `+491511234${String(n).padStart(4, '0')}`;
  return {
    id, mailId: id.split('.')[0], account: 'default', to, text: 'Mahnung', encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: 'clerk@acme.test', rcptTo: `${to}@sms.localhost`, receivedAt: before, subject: 'Mahnung' },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: before }], attempts: 0, notBefore: before, confirmations: [], ...over,
  };
}

/** What the backup copied: `queued` SMS waiting, those in `caught` being handed to `connector`, and the marker of a finished backup. */
async function restoredWith(dir: string, connector: string, queued: SmsMessage[], caught: SmsMessage[]): Promise<void> {
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  const all = [...queued, ...caught];
  await store.accept({ messages: all, dedupKeys: all.map(() => undefined) });
  for (const m of caught) await store.transition(m.id, { event: { status: 'submitting', at: before, connector }, attempts: 1 });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
}

const kannel = (agg: Loopback) => ({ name: 'kannel', type: 'kannel', kannel: { baseUrl: agg.base, username: 'bridge', password: 'pw', secret: SECRET, listenPort: 0, timeoutMs: 3000 } });
const hookOf = (b: TestBridge, name: string) => (b.connectors.find((c) => c.name === name) as unknown as { webhookUrl: string }).webhookUrl;

/** What Kannel does with the dlr-url the old bridge gave it: %d the report type, %A the SMSC's reply; answered once stored. */
async function kannelReport(b: TestBridge, id: string, type: number, reply: string): Promise<void> {
  const res = await fetch(`${hookOf(b, 'kannel')}?${new URLSearchParams({ secret: SECRET, id, type: String(type), reply })}`);
  assert.is(res.status, 200, `report for ${id}`);
}

async function auditLines(dir: string, evt: string): Promise<Array<Record<string, string>>> {
  const files = await readdir(join(dir, 'audit')).catch(() => [] as string[]);
  const text = (await Promise.all(files.map((f) => readFile(join(dir, 'audit', f), 'utf8')))).join('');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l.evt === evt);
}

/** What an aggregator with webhook.ourIdParam posts to the report listener: its id and status (`query` adds our id as ref). */
const restReport = (b: TestBridge, query: string, status: string, id = 'AGG-77') => fetch(`${hookOf(b, 'rest')}?secret=${SECRET}${query}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { id, status } }),
});

const cli = { readStdin: async () => '', out: () => undefined, err: () => undefined };

R('Kannel reports held SMS under our id :: caught and queued ones settled as sent by the bridge with the report\'s outcome, one marked by hand too; mailed, audited, never sent', async ({ dir, agg }) => {
  await restoredWith(dir, 'kannel', [sms('Q.1', 2)], [sms('K.1', 1), sms('K.3', 3)]);
  const b = await startTestBridge({ connectors: [kannel(agg)] } as never, dir);
  try {
    await b.users.add('root', 'default', 'admin-password-1', 'admin');
    const marked = await call(b, 'POST', '/api/v1/messages/K.3/backup-verdict', { auth: await bearer(b, 'root', 'admin-password-1'), body: { verdict: 'sent' } });
    assert.is(marked.status, 200, JSON.stringify(marked.body));

    await kannelReport(b, 'K.1', 1, 'ACK');
    await kannelReport(b, 'Q.1', 2, 'NACK/absent subscriber');
    await kannelReport(b, 'K.3', 1, 'ACK');
    const k1 = b.store.get('K.1')!;
    assert.equal(k1.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
    const verdict = k1.history[2];
    const by = 'this bridge, from kannel\'s delivery report (delivered: ACK, id K.1)';
    assert.equal([verdict.backup, verdict.by, verdict.connector, verdict.connectorMessageId], ['sent', by, 'kannel', 'K.1']);
    assert.match(verdict.reason!, /^handed to the carrier through kannel by the bridge the backup was taken of, as kannel's delivery report .* shows; not sent again$/);
    const q1 = b.store.get('Q.1')!;
    assert.equal([q1.status, q1.history.at(-1)!.reason, q1.history.at(-2)!.backup], ['failed', 'NACK/absent subscriber', 'sent']);
    assert.is(b.store.get('K.3')!.status, 'delivered');
    assert.not.ok(b.events.some((e) => e.evt === 'report-unmatched'), 'no report thrown away');

    const audited = await waitFor('the verdicts in the audit log', async () => {
      const lines = await auditLines(dir, 'sms-backup-verdict');
      return lines.length === 3 ? lines : undefined;
    });
    assert.equal(audited.map((l) => [l.msgId, l.verdict, /^this bridge/.test(l.by)]), [['K.3', 'sent', false], ['K.1', 'sent', true], ['Q.1', 'sent', true]]);
    assert.match((await confirmationMails(b, 'K.1', 1)).get('delivered')?.subject ?? '', /^SMS delivered to \+4915112340001/);
    assert.match((await confirmationMails(b, 'Q.1', 1)).get('failed')?.text ?? '', /NACK\/absent subscriber/);

    // Released: nothing of before the backup goes out; a mail taken now does.
    assert.is(await holdCommand(['release'], b.config, cli), 0);
    await waitFor('released', () => b.events.some((e) => e.evt === 'dispatch-released'));
    const fresh = await sendSms(b.port, '+4915112340009', { subject: 'Neu', text: 'Nach der Wiederherstellung' });
    await waitFor('the new SMS handed to Kannel', () => b.store.get(fresh)?.status === 'submitted');
    assert.equal(agg.requests.map((r) => r.url.searchParams.get('to')), ['+4915112340009'], 'only the new SMS was sent');
  } finally {
    await b.stop();
  }
});

R('Kannel, a caught SMS released without a report :: the clerk is told a late answer may still come, and a late report corrects it', async ({ dir, agg }) => {
  await restoredWith(dir, 'kannel', [], [sms('K.5', 5)]);
  const b = await startTestBridge({ connectors: [kannel(agg)] } as never, dir);
  try {
    assert.is(await holdCommand(['release'], b.config, cli), 0);
    await waitFor('settled as not confirmed', () => b.store.get('K.5')?.status === 'failed');
    assert.ok(b.store.get('K.5')!.history.at(-1)!.answerableUntil, 'Kannel names our id in its reports: kept answerable');
    const failed = await waitFor('the not-confirmed mail', async () => (await confirmationMails(b, 'K.5', 1)).get('failed'));
    assert.match(failed.text ?? '', 'the carrier\'s answer has not reached the restored service so far');
    assert.match(failed.text ?? '', 'Should the carrier still answer, we will write to you again.');
    await kannelReport(b, 'K.5', 1, 'ACK');
    await waitFor('corrected to delivered', () => b.store.get('K.5')?.status === 'delivered');
    assert.equal(agg.requests, [], 'never sent again');
  } finally {
    await b.stop();
  }
});

R('http connector with webhook.ourIdParam :: an "accepted" report under the aggregator\'s id and our reference settles a caught SMS, the final report under the aggregator\'s id alone finds it', async ({ dir, agg }) => {
  await restoredWith(dir, 'rest', [], [sms('H.1', 4)]);
  const rest = ourIdRestConnector(agg.base, SECRET, { ACCEPTED: 'enroute', DELIVERED: 'delivered' });
  const b = await startTestBridge({ connectors: [rest] } as never, dir);
  try {
    const report = (query: string, status: string) => restReport(b, query, status);
    assert.is((await report('&ref=H.1', 'ACCEPTED')).status, 200);
    const m = b.store.get('H.1')!;
    assert.equal([m.status, m.history.at(-1)!.backup, m.history.at(-1)!.connectorMessageId], ['submitted', 'sent', 'AGG-77']);
    assert.is((await report('', 'DELIVERED')).status, 200);
    assert.is(b.store.get('H.1')!.status, 'delivered');
    assert.is(agg.requests.length, 0, 'never sent');
  } finally {
    await b.stop();
  }
});

/** A connector whose lookup (at start, for an SMS a restart interrupted) answers only once the test opens it. */
class SlowLookup extends UnsureSimulator {
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  override async lookup(id: string): Promise<LookupResult> {
    const r = super.lookup(id);
    await this.gate;
    return r;
  }
}

/**
 * Starts the bridge on `dir` with Kannel's report listener on a known port and a connector "slow" whose lookup at start
 * (of an SMS a restart interrupted) waits; `body` may send Kannel reports meanwhile, and `started()` lets the lookup
 * answer and gives the bridge once its start is done.
 */
async function duringSlowStart(dir: string, agg: Loopback, body: (t: { report: (id: string) => Promise<Response>; started: () => Promise<TestBridge> }) => Promise<void>): Promise<void> {
  const port = await freePort();
  const slow = new SlowLookup('slow');
  const config = { connectors: [{ ...kannel(agg), kannel: { ...kannel(agg).kannel, listenPort: port } }, { name: 'slow', type: 'simulator' }] };
  const starting = startTestBridge(config as never, dir, { connectors: { slow } });
  try {
    await waitFor('the start asking the slow connector', () => slow.lookups.length > 0);
    await body({
      report: (id) => fetch(`http://127.0.0.1:${port}/dlr/kannel?${new URLSearchParams({ secret: SECRET, id, type: '1', reply: 'ACK' })}`),
      started: () => (slow.open(), starting),
    });
  } finally {
    slow.open();
    await (await starting).stop();
  }
}

R('a Kannel report while the start still settles what a restart interrupted :: the caught SMS is found all the same, not parked as early', async ({ dir, agg }) => {
  await restoredWith(dir, 'kannel', [], [sms('K.5', 5)]);
  // Taken after the backup, interrupted by a restart of the restored bridge: asked of its connector at start.
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  const after = new Date(backupAt.getTime() + 10_000).toISOString();
  await store.accept({ messages: [sms('P.1', 6, { mail: { ...sms('P.1', 6).mail, receivedAt: after }, history: [{ status: 'accepted', at: after }], notBefore: after })], dedupKeys: [undefined] });
  await store.transition('P.1', { event: { status: 'submitting', at: after, connector: 'slow' }, attempts: 1 });
  await store.close();
  await duringSlowStart(dir, agg, async ({ report, started }) => {
    assert.is((await report('K.5')).status, 200);
    const b = await started();
    assert.is(b.store.get('K.5')!.status, 'delivered', 'stored before the report was answered');
  });
});

R('a plain restart, a Kannel report of an SMS the start has not settled yet (review 8, A-M1) :: read once it is settled, corrected to delivered and answered, not parked for ten minutes', async ({ dir, agg }) => {
  // No restore: both were being handed over when the bridge stopped; P.1 (asked first) keeps the start busy.
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  await store.open();
  await store.accept({ messages: [sms('P.1', 6), sms('K.5', 5)], dedupKeys: [undefined, undefined] });
  await store.transition('P.1', { event: { status: 'submitting', at: before, connector: 'slow' }, attempts: 1 });
  await store.transition('K.5', { event: { status: 'submitting', at: before, connector: 'kannel' }, attempts: 1 });
  await store.close();
  await duringSlowStart(dir, agg, async ({ report, started }) => {
    const answered = report('K.5');
    await new Promise((res) => setTimeout(res, 300)); // the report is in before P.1's lookup answers: it has to wait for K.5
    const b = await started();
    assert.is((await answered).status, 200);
    assert.is(b.store.get('K.5')!.status, 'delivered', 'stored before the report was answered');
    assert.not.ok(b.events.some((e) => e.evt === 'report-unmatched'));
  });
});

for (const refOnBoth of [false, true]) {
  R(`http connector with webhook.ourIdParam, "accepted" and "delivered" sent at once, ${refOnBoth ? 'both naming our id' : 'the second under the aggregator\'s id alone'} (review 8, A-M2) :: the caught SMS ends delivered, no report thrown away or parked`, async ({ dir, agg }) => {
    await restoredWith(dir, 'rest', [], [sms('H.1', 4)]);
    const rest = ourIdRestConnector(agg.base, SECRET, { ACCEPTED: 'enroute', DELIVERED: 'delivered' });
    const b = await startTestBridge({ connectors: [rest] } as never, dir);
    try {
      const report = (query: string, status: string) => restReport(b, query, status);
      // Not awaited one by one: the second comes while the verdict of the first is being written.
      const [accepted, delivered] = await Promise.all([report('&ref=H.1', 'ACCEPTED'), report(refOnBoth ? '&ref=H.1' : '', 'DELIVERED')]);
      assert.equal([accepted.status, delivered.status], [200, 200]);
      assert.equal(b.store.get('H.1')!.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
      assert.not.ok(b.events.some((e) => e.evt === 'report-unmatched'), 'no report thrown away');
      assert.is(agg.requests.length, 0, 'never sent');
    } finally {
      await b.stop();
    }
  });
}

R('settled by an interim report after a restore, no final report within dispatch.receiptTimeoutHours (review 8, A-L1) :: expired as any SMS whose report did not come, not as one whose reports went to the old bridge', async ({ dir, agg }) => {
  await restoredWith(dir, 'rest', [], [sms('H.2', 7)]);
  const rest = ourIdRestConnector(agg.base, SECRET, { ACCEPTED: 'enroute', DELIVERED: 'delivered' });
  const clock = { shift: 0 };
  const b = await startTestBridge({ connectors: [rest], dispatch: { receiptTimeoutHours: 1 } } as never, dir, { now: () => new Date(Date.now() + clock.shift) });
  try {
    const res = await restReport(b, '&ref=H.2', 'ACCEPTED', 'AGG-78');
    assert.is(res.status, 200);
    assert.is(b.store.get('H.2')!.status, 'submitted');
    clock.shift = 3600_000 + 60_000;
    await waitFor('expired', () => b.store.get('H.2')!.status === 'expired');
    const last = b.store.get('H.2')!.history.at(-1)!;
    assert.is(last.backup, undefined);
    assert.is(last.reason, 'no delivery report within 1 h');
  } finally {
    await b.stop();
  }
});

R('marked sent, no delivery report within dispatch.receiptTimeoutHours :: expired as sent without a report, not as undeliverable: worded so in English and German, relayed in a DSN, no mail at notify failure', async ({ dir }) => {
  const berlin = { account: 'berlin', mail: { ...sms('U.2', 2).mail, envelopeFrom: 'clerk@berlin.test' } };
  await restoredWith(dir, 'smpp-like', [], [sms('U.1', 1), sms('U.2', 2, berlin), sms('U.3', 3, { notify: 'failure' }), sms('U.4', 4, { dsn: { notify: ['SUCCESS'] } })]);
  const accounts = [{ name: 'default', networks: ['127.0.0.0/8'], addresses: [] }, { name: 'berlin', networks: [], addresses: ['@berlin.test'], language: 'de' }];
  const clock = { shift: 0 };
  const unsure = new UnsureSimulator('smpp-like', { deliveryDelayMs: 20 });
  const config = { connectors: [{ name: 'smpp-like', type: 'simulator' }], accounts, dispatch: { receiptTimeoutHours: 1 } };
  const b = await startTestBridge(config as never, dir, { connectors: { 'smpp-like': unsure }, now: () => new Date(Date.now() + clock.shift) });
  try {
    await b.users.add('root', 'default', 'admin-password-1', 'admin');
    const auth = await bearer(b, 'root', 'admin-password-1');
    for (const id of ['U.1', 'U.2', 'U.3', 'U.4']) assert.is((await call(b, 'POST', `/api/v1/messages/${id}/backup-verdict`, { auth, body: { verdict: 'sent' } })).status, 200, id);
    clock.shift = 3600_000 + 60_000;
    for (const id of ['U.1', 'U.2', 'U.3', 'U.4']) await waitFor(`${id} final`, () => b.store.get(id)!.status === 'expired');
    const last = b.store.get('U.1')!.history.at(-1)!;
    assert.equal([last.backup, last.connector], ['sent', 'smpp-like']);
    assert.match(last.reason!, /^sent by the bridge the backup this store was restored from was taken of; no delivery report reached this one within 1 h/);
    const en = (await confirmationMails(b, 'U.1', 1)).get('expired')!;
    assert.match(en.subject ?? '', /^SMS to \+4915112340001 sent, no delivery report/);
    assert.match(en.text ?? '', /Your SMS to \+4915112340001 was sent, but no delivery report will come for it\. Our service had to be restored from a backup/);
    assert.not.match(en.text ?? '', /could not be delivered/);
    const de = (await confirmationMails(b, 'U.2', 1)).get('expired')!;
    assert.match(de.subject ?? '', /^SMS an \+4915112340002 gesendet, kein Zustellbericht/);
    assert.match(de.text ?? '', /dorthin gingen die Zustellberichte des Netzbetreibers/);
    await confirmationMails(b, 'U.4', 1);
    const dsn = [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith('U.4.'))![1];
    assert.match(dsn, /Content-Type: message\/delivery-status/);
    assert.match(dsn, /\r?\nAction: relayed\r?\nStatus: 2\.0\.0\r?\n/);
    await waitFor('the mails recorded as sent', () => ['U.1', 'U.2', 'U.4'].every((id) => b.store.get(id)!.confirmations.every((c) => c.sentAt)));
    assert.not.ok([...(await outboxFiles(b)).keys()].some((n) => n.startsWith('U.3.')), 'notify failure: no failure to tell of');
    assert.is(await metric(b, 'mail2sms_sms_final_total{connector="smpp-like",status="unreported"}'), 4);
    assert.is(await metric(b, 'mail2sms_sms_final_total{connector="smpp-like",status="expired"}'), undefined);
  } finally {
    await b.stop();
  }
});

R.run();
