import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { confirmationMails, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { sendSms } from '../helpers/smtp.js';
import { startLoopback, type Loopback, type Recorded } from '../connectors/http/loopback.js';
import { JournalStore } from '../../src/store/journal-store.js';

/**
 * A Kannel smsbox takes an SMS but its answer is lost: the SMS fails as not
 * confirmed, its mail goes, and it is final. Kannel's delivery report may
 * come any time later (there is no link whose end says it cannot any
 * more); a compaction must not move the SMS to the archive first, where the
 * report cannot find it (it was logged report-unmatched and lost). It stays
 * live for LATE_REPORT_HOURS (72 h, the longest validity the bridge asks
 * for), then goes to the archive as usual. Real HTTP both ways to a stand-in
 * for the smsbox; a small journal segment makes the bridge compact while
 * the SMS waits.
 */
const A = suite('dispatch :: late delivery report (Kannel) :: archiving');

const SECRET = 'kannel-report-secret-1';
const HOUR = 3_600_000;

async function withKannel(body: (kannel: Loopback, b: TestBridge, clock: { shift: number }) => Promise<void>): Promise<void> {
  const kannel = await startLoopback();
  // The first request's answer is lost; the fillers' are refused at once (final, their mails sent, archivable).
  kannel.reply = () => (kannel.requests.length === 1 ? 'reset' : { status: 400, body: 'Invalid destination' });
  const connector = { name: 'kannel', type: 'kannel', kannel: { baseUrl: kannel.base, username: 'bridge', password: 'pw', secret: SECRET, listenPort: 0, timeoutMs: 3000 } };
  const clock = { shift: 0 };
  const config = { connectors: [connector], store: { journalSegmentBytes: 4096 }, notify: { level: 'final' } };
  const b = await startTestBridge(config as never, undefined, { now: () => new Date(Date.now() + clock.shift) });
  try {
    await body(kannel, b, clock);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
    await kannel.close();
  }
}

/** Sends mail (refused by the stand-in, final at once) until the store has archived at least one finished SMS once more. */
async function compactAgain(b: TestBridge, from: number): Promise<void> {
  const compactions = () => b.events.filter((e) => e.evt === 'store-compacted' && Number(e.archived) > 0).length;
  const before = compactions();
  for (let n = from; compactions() === before; n++) {
    assert.ok(n < from + 200, 'no compaction');
    const id = await sendSms(b.port, `+49151123${String(n).padStart(5, '0')}`, { subject: 'Füller', text: 'Fülltext für das Journal, damit es umschlägt.' });
    // Or already archived by the compaction it brought about.
    await waitFor('filler refused, its mail sent', () => {
      const m = b.store.get(id);
      return !m || (m.status === 'rejected' && m.confirmations.every((c) => c.sentAt));
    }, 15_000);
  }
}

/** Failed as not confirmed, its mail sent: final, and owing nothing. */
async function unconfirmed(b: TestBridge, to: string): Promise<string> {
  const id = await sendSms(b.port, to, { subject: 'Mahnung', text: 'Zahlung offen' });
  await waitFor('failed as not confirmed', () => b.store.get(id)?.history.at(-1)?.uncertain);
  await confirmationMails(b, id, 1);
  await waitFor('its mail recorded as sent', () => b.store.get(id)!.confirmations.every((c) => c.sentAt));
  return id;
}

/** What Kannel does with the dlr-url of a sendsms request: fills in %d (the report type) and %A, and GETs it. */
const kannelReport = (req: Recorded, type: number, reply: string) =>
  fetch(req.url.searchParams.get('dlr-url')!.replace('%d', String(type)).replace('%A', encodeURIComponent(reply)));

A('failed as not confirmed, the store compacted, then Kannel reports it failed under our id :: still live, settled to failed with Kannel\'s reason, a correction mail', async () => {
  await withKannel(async (kannel, b) => {
    const id = await unconfirmed(b, '+4915112348201');
    await compactAgain(b, 22001);
    assert.is(b.store.get(id)?.status, 'failed', 'not archived while a report can come');
    assert.is((await kannelReport(kannel.requests[0], 2, 'NACK/absent subscriber')).status, 200);
    const m = b.store.get(id)!;
    assert.equal([m.history.at(-1)!.late, m.history.at(-1)!.reason, m.history.at(-1)!.uncertain], ['correction', 'NACK/absent subscriber', undefined]);
    assert.not.ok(b.events.some((e) => e.evt === 'report-unmatched'));
    const mail = (await confirmationMails(b, id, 2)).get('failed.2');
    assert.match(mail?.subject ?? '', /^SMS to \+4915112348201 failed \(correction\)/);
    assert.match(mail?.text ?? '', /NACK\/absent subscriber/);
  });
});

A('failed as not confirmed, no report for longer than 72 h :: archived at the next compaction, as any final SMS', async () => {
  await withKannel(async (_kannel, b, clock) => {
    const id = await unconfirmed(b, '+4915112348202');
    assert.is(Date.parse(b.store.get(id)!.history.at(-1)!.answerableUntil!) - Date.parse(b.store.get(id)!.history.at(-1)!.at), 72 * HOUR);
    clock.shift = 72 * HOUR + 60_000;
    await compactAgain(b, 23001);
    assert.is(b.store.get(id), undefined, 'archived');
  });
});

A('interrupted by a restart while being handed to Kannel :: failed as not confirmed at the start, and kept for a late report as after a lost answer', async () => {
  const kannel = await startLoopback();
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-kannel-restart-'));
  try {
    // What a crash mid-handover leaves: the SMS in submitting at Kannel, whose lookup cannot tell.
    const at = new Date(Date.now() - 60_000).toISOString();
    const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
    await store.open();
    await store.accept({ messages: [{
      id: 'K.1', mailId: 'K', account: 'default', to: '+4915112348203', text: 'Mahnung', encoding: 'GSM7', segments: 1,
      mail: { envelopeFrom: 'clerk@acme.test', rcptTo: '+4915112348203@sms.localhost', receivedAt: at },
      notify: 'final', status: 'accepted', history: [{ status: 'accepted', at }], attempts: 0, notBefore: at, confirmations: [],
    }], dedupKeys: [undefined] });
    await store.transition('K.1', { event: { status: 'submitting', at, connector: 'kannel' }, attempts: 1 });
    await store.close();
    const connector = { name: 'kannel', type: 'kannel', kannel: { baseUrl: kannel.base, username: 'bridge', password: 'pw', secret: SECRET, listenPort: 0, timeoutMs: 3000 } };
    const b = await startTestBridge({ connectors: [connector] } as never, dir);
    try {
      const last = await waitFor('failed as not confirmed', () => b.store.get('K.1')?.history.at(-1)?.uncertain ? b.store.get('K.1')!.history.at(-1) : undefined);
      assert.is(Date.parse(last.answerableUntil!) - Date.parse(last.at), 72 * HOUR);
    } finally {
      await b.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await kannel.close();
  }
});

/** What Kannel does after a restart of the bridge: the dlr-url of the request, sent to the report listener's new port. */
const reportTo = (b: TestBridge, id: string, type: number, reply: string) => {
  const hook = (b.connectors.find((c) => c.name === 'kannel') as unknown as { webhookUrl: string }).webhookUrl;
  return fetch(`${hook}?secret=${SECRET}&id=${encodeURIComponent(id)}&type=${type}&reply=${encodeURIComponent(reply)}`);
};

A('failed as not confirmed, its mail sent :: it waits out of memory (review L5), and Kannel\'s late report reads it back and corrects it, before and after a restart, one correction mail each', async () => {
  const kannel = await startLoopback();
  kannel.reply = () => 'reset';
  const connector = { name: 'kannel', type: 'kannel', kannel: { baseUrl: kannel.base, username: 'bridge', password: 'pw', secret: SECRET, listenPort: 0, timeoutMs: 3000 } };
  const config = { connectors: [connector], notify: { level: 'final' } } as never;
  let b = await startTestBridge(config);
  const dir = b.dir;
  try {
    const first = await unconfirmed(b, '+4915112348204');
    const second = await unconfirmed(b, '+4915112348205');
    await waitFor('both out of memory', () => b.store.spooled === 2);
    assert.is(b.store.hotCount, 0);
    assert.is((await kannelReport(kannel.requests[0], 1, 'ACK/')).status, 200);
    const m = b.store.get(first)!;
    assert.equal(m.history.map((e) => e.status), ['accepted', 'submitting', 'failed', 'submitted', 'delivered']);
    assert.is(m.history.find((e) => e.late === 'correction')?.connectorMessageId, first);
    assert.match((await confirmationMails(b, first, 2)).get('delivered')?.subject ?? '', /^SMS delivered to \+4915112348204 \(correction\)/);

    await b.stop();
    b = await startTestBridge(config, dir);
    await waitFor('the other out of memory again after the restart', () => b.store.spooled === 1);
    assert.is((await reportTo(b, second, 2, 'NACK/absent subscriber')).status, 200);
    const n = b.store.get(second)!;
    assert.equal([n.status, n.history.at(-1)!.late, n.history.at(-1)!.reason], ['failed', 'correction', 'NACK/absent subscriber']);
    assert.match((await confirmationMails(b, second, 2)).get('failed.2')?.subject ?? '', /^SMS to \+4915112348205 failed \(correction\)/);
    assert.is(kannel.requests.length, 2, 'each sent once');
    assert.not.ok(b.events.some((e) => e.evt === 'report-unmatched'));
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
    await kannel.close();
  }
});

A.run();
