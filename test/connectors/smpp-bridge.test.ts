import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { timelineSteps } from '../../src/api/portal-views.js';
import { messageView } from '../../src/api/views.js';
import { SMPP_STATUS, SmscSimulator, type SimBehaviour, type SimOptions } from '../../src/connectors/smpp/smsc-simulator.js';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { freePort, spawnBridge, type BridgeProcess } from '../helpers/process.js';
import { mailer, queuedAs, sendSms } from '../helpers/smtp.js';
import { failWriteOf } from '../helpers/store.js';
import { LONG_GSM } from './smpp/harness.js';

/**
 * The SMPP connector configured as `"type": "smpp"` behind the whole
 * bridge: nodemailer → SMTP → store → dispatcher → SMPP over loopback to
 * the SMSC simulator, receipts back into the store and confirmations out.
 */
const S = suite('connectors smpp through the bridge');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const smppEntry = (port: number, extra: object = {}) => ({
  name: 'smsc', type: 'smpp',
  smpp: { host: '127.0.0.1', port, ...LOGIN, password: '${SMPP_PASSWORD}', responseTimeoutMs: 5000, reconnectSeconds: [0.1], throttlePauseMs: 50, ...extra },
});
const env = { SMPP_PASSWORD: LOGIN.password };

async function withSmsc(behaviour: Partial<SimBehaviour>, body: (sim: SmscSimulator, port: number) => Promise<void>, log?: SimOptions['log'], now?: SimOptions['now']): Promise<void> {
  const sim = new SmscSimulator({ ...LOGIN, behaviour, ...(log ? { log } : {}), ...(now ? { now } : {}) });
  const { port } = await sim.start();
  try {
    await body(sim, port);
  } finally {
    await sim.stop();
  }
}

async function withSmppBridge(port: number, extra: object, body: (b: TestBridge) => Promise<void>): Promise<void> {
  const b = await startTestBridge({ connectors: [smppEntry(port, extra)] as never }, undefined, { env });
  try {
    await body(b);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

/** One mail, one SMS; returns its id. */
const send = (smtpPort: number, to: string, text: string) => sendSms(smtpPort, to, { text });

const confirmationsOf = async (outbox: { outbox: string }, id: string) => [...(await outboxFiles(outbox)).entries()].filter(([n]) => n.startsWith(`${id}.`));

S('smpp bridge :: 3 parts, each receipt before its submit_sm_resp :: delivered once, parts 1 and 2 in the history, one confirmation', async () => {
  await withSmsc({ receiptBeforeResponse: true }, async (sim, port) => {
    await withSmppBridge(port, {}, async (b) => {
      const id = await send(b.port, '+4915112340001', LONG_GSM);
      await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
      assert.equal(sim.messages.map((m) => [m.destination, m.text]), [['4915112340001', LONG_GSM]]);
      const m = b.store.get(id)!;
      assert.equal(m.history.map((e) => e.part ? `part ${e.part.index}/${e.part.of}` : e.status), ['accepted', 'submitting', 'submitted', 'part 1/3', 'part 2/3', 'delivered']);
      // The API and the portal read the handover from the submitted event itself, and show the parts as parts.
      assert.is(messageView(m).submittedAt, m.history[2]!.at);
      assert.equal(timelineSteps(m, 'UTC').map((s) => s.label).slice(1, 4), ['Handed to the carrier', 'Part 1 of 3 delivered', 'Part 2 of 3 delivered']);
      const [[, raw]] = await waitFor('confirmation', async () => (await confirmationsOf(b, id)).length ? confirmationsOf(b, id) : undefined);
      const text = (await simpleParser(raw)).text ?? '';
      assert.match(text, /Part 1 of 3 delivered/);
      assert.match(text, /Your SMS to \+4915112340001 was delivered/);
      await waitFor('every receipt answered', () => sim.receipts.length === 3 && sim.receipts.every((r) => r.acked));
      assert.is((await confirmationsOf(b, id)).length, 1);
    });
  });
});

S('smpp bridge :: X-SMS-Flash: yes :: data_coding 0xF0 (message class 0) at the SMSC, delivered', async () => {
  await withSmsc({}, async (sim, port) => {
    await withSmppBridge(port, {}, async (b) => {
      const id = await sendSms(b.port, '+4915112340005', { text: 'Ihr Code: 4711', headers: { 'X-SMS-Flash': 'yes' } });
      await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
      assert.equal(sim.received.map((r) => [r.dataCoding, r.text]), [[0xf0, 'Ihr Code: 4711']]);
    });
  });
});

S('smpp bridge :: [VALIDITY:48] in the subject :: the SMS\'s end goes to the SMSC as validity_period (absolute, UTC, to the second)', async () => {
  await withSmsc({}, async (sim, port) => {
    await withSmppBridge(port, {}, async (b) => {
      const id = await sendSms(b.port, '+4915112340007', { subject: 'Angebot [VALIDITY:48]', text: 'Nur bis morgen: 10 % Rabatt.' });
      await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
      const expiresAt = new Date(b.store.get(id)!.expiresAt!);
      const hours = (expiresAt.getTime() - Date.parse(b.store.get(id)!.history[0]!.at)) / 3600_000;
      assert.ok(hours > 47.9 && hours <= 48, `expires ${hours} h after acceptance`);
      const two = (n: number) => String(n).padStart(2, '0');
      const wire = [expiresAt.getUTCFullYear() % 100, expiresAt.getUTCMonth() + 1, expiresAt.getUTCDate(), expiresAt.getUTCHours(), expiresAt.getUTCMinutes(), expiresAt.getUTCSeconds()].map(two).join('') + '000+';
      assert.equal(sim.received.map((r) => r.validityPeriod), [wire]);
    });
  });
});

S('smpp bridge :: [VALIDITY:0] / X-SMS-Validity: 0 :: no validity of the mail\'s own: none sent without an account default (the SMSC\'s), the account\'s 24 h with one', async () => {
  await withSmsc({}, async (sim, port) => {
    const accounts = [{ name: 'default', networks: ['127.0.0.1'] }, { name: 'longer', networks: ['127.0.0.2'], validityHours: 24 }];
    const b = await startTestBridge({ connectors: [smppEntry(port)], accounts } as never, undefined, { env });
    try {
      const from = (localAddress: string) => nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true, localAddress });
      const plain = await from('127.0.0.1').sendMail({ from: 'clerk@acme.test', to: '+4915112340008@sms.localhost', subject: 'Termin [VALIDITY:0]', text: 'Termin morgen 9 Uhr.' });
      // The header overrides the tag's 48 h with "the default", which for this account is 24 h.
      const longer = await from('127.0.0.2').sendMail({ from: 'erp@acme.test', to: '+4915112340009@sms.localhost', subject: 'Termin [VALIDITY:48]', text: 'Termin übermorgen.', headers: { 'X-SMS-Validity': '0' } });
      assert.match(plain.response, /^250 2\.0\.0 queued as [0-9A-Z]+ \(1 SMS\)$/, 'the 250 claims no validity');
      const ids = [plain, longer].map((i) => `${queuedAs(i.response)}.1`);
      await waitFor('both delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered'));
      const [none, day] = ids.map((id) => b.store.get(id)!);
      assert.is(none.expiresAt, undefined);
      const hours = (Date.parse(day.expiresAt!) - Date.parse(day.history[0]!.at)) / 3600_000;
      assert.ok(hours > 23.9 && hours <= 24, `expires ${hours} h after acceptance`);
      const byTo = new Map(sim.received.map((r) => [r.destination.addr, r.validityPeriod]));
      assert.is(byTo.get('4915112340008'), '', 'no validity_period: the SMSC\'s default');
      assert.match(byTo.get('4915112340009') ?? '', /^\d{12}000\+$/);
    } finally {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
  });
});

S('smpp bridge :: a receipt :: answered only after the delivered status is in the store', async () => {
  let b: TestBridge | undefined;
  let id = '';
  const seen: string[] = [];
  // Read the moment the SMSC gets the deliver_sm_resp; the store changes its memory only once a write is durable.
  const log: SimOptions['log'] = (e) => void (e.evt === 'receipt-answered' && seen.push(String(b?.store.get(id)?.status)));
  await withSmsc({ holdReceipts: true }, async (sim, port) => {
    await withSmppBridge(port, {}, async (bridge) => {
      b = bridge;
      id = await send(b.port, '+4915112340002', 'Ihre Zahlung ist eingegangen.');
      await waitFor('submitted, receipt held', () => bridge.store.get(id)?.status === 'submitted' && sim.heldReceipts === 1);
      sim.releaseReceipts();
      await waitFor('deliver_sm_resp', () => seen.length === 1);
      assert.equal(seen, ['delivered']);
    });
  }, log);
});

S('smpp bridge :: a receipt the store cannot write :: refused (ESME_RSYSERR), sent again by the SMSC, delivered once the store writes again', async () => {
  const answers: unknown[] = [];
  await withSmsc({ holdReceipts: true }, async (sim, port) => {
    await withSmppBridge(port, {}, async (b) => {
      const id = await send(b.port, '+4915112340006', 'Ihre Karte ist unterwegs.');
      await waitFor('submitted, receipt held', () => b.store.get(id)?.status === 'submitted' && sim.heldReceipts === 1);
      // Exactly the write of this receipt's status fails, as an I/O error would (then the journal recovers on a fresh segment).
      failWriteOf(b.store, (rec) => rec.id === id && (rec.event as { status?: string } | undefined)?.status === 'delivered');
      sim.releaseReceipts();
      await waitFor('delivered after the SMSC sent it again', () => b.store.get(id)?.status === 'delivered');
      // The status is in the store before the deliver_sm_resp reaches the SMSC: wait for that answer too.
      await waitFor('the second answer', () => answers.length === 2);
      assert.equal(answers, [0x08, 0], 'refused while it could not be stored, then taken');
      assert.is(sim.receipts[0]!.deliveries, 2);
      assert.ok(b.events.some((e) => e.evt === 'report-failed' && e.connector === 'smsc'));
    });
  }, (e) => void (e.evt === 'receipt-answered' && answers.push(e.status)));
});

S('smpp bridge :: the SMSC throttles (ESME_RTHROTTLED above 15/s) :: sending slows down, every SMS delivered once, none failed or retried', async () => {
  // The SMSC's clock stands still until it has throttled once, so the 16th SMS meets the limit however slowly a loaded
  // machine sends them (at times it did not reach 15 in a second); from then on it runs, and the limit is the real one.
  let stood: Date | undefined = new Date();
  const log: SimOptions['log'] = (e) => void (e.evt === 'submit' && e.status === SMPP_STATUS.RTHROTTLED && (stood = undefined));
  await withSmsc({ maxPerSecond: 15 }, async (sim, port) => {
    await withSmppBridge(port, { windowSize: 10 }, async (b) => {
      const numbers = Array.from({ length: 40 }, (_, i) => `+49151123${String(50000 + i)}`);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
      const ids = await Promise.all(numbers.map(async (n, i) => {
        const info = await transport.sendMail({ from: 'clerk@acme.test', to: `${n}@sms.localhost`, subject: 'x', text: `Erinnerung ${i}` });
        return `${queuedAs(info.response)}.1`;
      })).finally(() => transport.close());
      await waitFor('all delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered'), 20000);
      assert.ok(sim.received.some((r) => r.status === SMPP_STATUS.RTHROTTLED), 'the SMSC did throttle');
      assert.ok(b.events.some((e) => e.evt === 'smpp-throttled'), 'and the connector slowed down');
      const accepted = sim.received.filter((r) => r.status === SMPP_STATUS.ROK).map((r) => r.destination.addr).sort();
      assert.equal(accepted, numbers.map((n) => n.slice(1)).sort(), 'each SMS taken exactly once');
      assert.not.ok(b.events.some((e) => e.evt === 'sms-retry' || (e.evt === 'sms-final' && e.status !== 'delivered')));
    });
  }, log, () => stood ?? new Date());
});

S('smpp bridge :: connector state :: bound with its window in the status and the log; down when the SMSC goes, bound again when it is back', async () => {
  const sim = new SmscSimulator({ ...LOGIN });
  const { port } = await sim.start();
  let back: SmscSimulator | undefined;
  try {
    await withSmppBridge(port, { windowSize: 7 }, async (b) => {
      const lines = () => b.events.filter((e) => e.evt === 'connector-status' && e.connector === 'smsc');
      assert.equal(pick(lines()[0]), { why: 'start', up: true, state: 'bound', inFlight: 0, window: 7, breaker: 'closed', takenLastMinute: 0 });
      const id = await send(b.port, '+4915112340004', 'Guten Morgen');
      await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
      assert.equal(b.connectorStatus()[0]!.taken, { lastMinute: 1, total: 1 });
      await sim.stop(); // listener closed, connections dropped: the SMSC is gone
      await waitFor('a line saying it is down', () => lines().some((l) => l.why === 'changed' && l.up === false));
      assert.not.ok(b.connectorStatus()[0]!.health.up);
      back = new SmscSimulator({ ...LOGIN, port });
      await back.start();
      await waitFor('a line saying it is bound again', () => lines().at(-1)?.state === 'bound');
      assert.equal(pick(lines().at(-1)), { why: 'changed', up: true, state: 'bound', inFlight: 0, window: 7, breaker: 'closed', takenLastMinute: 1 });
    });
  } finally {
    await sim.stop();
    await back?.stop();
  }
});

const pick = (l: Record<string, unknown> | undefined) =>
  l && { why: l.why, up: l.up, state: l.state, inFlight: l.inFlight, window: l.window, breaker: l.breaker, takenLastMinute: l.takenLastMinute };

/**
 * The bug this guards: which parts of a multipart SMS were delivered lived
 * only in the connector's memory, and the SMSC does not send an answered
 * receipt again, so after a restart the SMS waited for a receipt that never
 * came and expired. The bridge runs as its own process and is killed with
 * SIGKILL between the receipts of part 1 and of parts 2 and 3.
 */
S('smpp bridge :: restart (SIGKILL) between part receipts :: the part answered before is not needed again, the SMS is delivered and confirmed once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-smpp-'));
  let p: BridgeProcess | undefined;
  try {
    await withSmsc({ holdReceipts: true }, async (sim, port) => {
      const config = join(dir, 'config.json');
      await writeFile(config, JSON.stringify({
        smtp: { port: await freePort() }, api: { port: 0 }, store: { dir: join(dir, 'data') }, log: { level: 'info' },
        connectors: [{ ...smppEntry(port), smpp: { ...smppEntry(port).smpp, password: LOGIN.password } }],
      }));
      p = await spawnBridge(config);
      const id = await send(p.port, '+4915112340003', LONG_GSM);
      await waitFor('3 parts taken, receipts held', () => sim.heldReceipts === 3);
      sim.releaseReceipts(1);
      await waitFor('part 1 answered', () => sim.receipts[0]?.acked);
      p.child.kill('SIGKILL');
      await p.exited;

      p = await spawnBridge(config);
      await waitFor('bound again', () => p!.lines.some((l) => l.evt === 'smpp-bound'));
      sim.releaseReceipts();
      await waitFor('delivered after the restart', () => p!.lines.some((l) => l.evt === 'sms-final' && l.msgId === id));
      const final = p.lines.find((l) => l.evt === 'sms-final' && l.msgId === id)!;
      assert.is(final.status, 'delivered', JSON.stringify(final));
      await waitFor('every receipt answered', () => sim.receipts.every((r) => r.acked));
      assert.equal(sim.receipts.map((r) => r.deliveries), [1, 1, 1], 'no receipt had to be sent twice');
      const outbox = { outbox: join(dir, 'data', 'outbox') };
      const [[, raw]] = await waitFor('confirmation', async () => (await confirmationsOf(outbox, id)).length ? confirmationsOf(outbox, id) : undefined);
      assert.match((await simpleParser(raw)).text ?? '', /Part 1 of 3 delivered[\s\S]*Part 2 of 3 delivered/);
      assert.is((await confirmationsOf(outbox, id)).length, 1);
    });
  } finally {
    if (p && p.child.exitCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});

S('smpp bridge :: 25 two-part SMS due at once, window 10, SMSC holding its answers :: 10 submit_sm outstanding at the SMSC (the dispatcher and the connector keep the window full), then all delivered once', async () => {
  // The guard against a serialised send path (one SMS or one PDU at a time) somewhere between store and socket.
  await withSmsc({ holdResponses: true }, async (sim, port) => {
    await withSmppBridge(port, { windowSize: 10 }, async (b) => {
      const numbers = Array.from({ length: 25 }, (_, i) => `+49151123${String(60000 + i)}`);
      const text = 'Ihre Rechnung 2026-1234 ist seit dem 15.11. faellig. '.repeat(6).slice(0, 300);
      const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', subject: 'x', text, envelope: { from: 'clerk@acme.test', to: numbers.map((n) => `${n}@sms.localhost`) } });
      const mailId = queuedAs(info.response);
      await waitFor('10 submit_sm outstanding', () => sim.heldResponseCount === 10);
      assert.is(sim.received.length, 10, 'none beyond the window');
      assert.is(new Set(sim.received.map((r) => r.destination.addr)).size, 10, 'the first parts of 10 SMS');
      assert.equal(b.connectorStatus()[0].health.inFlight, 10);
      sim.set({ holdResponses: false });
      sim.releaseResponses();
      const ids = numbers.map((_, i) => `${mailId}.${i + 1}`);
      await waitFor('all delivered', () => ids.every((id) => b.store.get(id)?.status === 'delivered'), 20000);
      assert.equal(sim.messages.map((m) => m.destination).sort(), numbers.map((n) => n.slice(1)).sort(), 'each SMS reassembled once');
    });
  });
});

S.run();
