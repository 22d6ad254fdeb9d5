import { readdir, rm } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_STATUS, SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { spawnSmsc, type SmscProcess } from '../helpers/process.js';
import { startLoopback, type Loopback } from '../connectors/http/loopback.js';
import { queuedAs } from '../helpers/smtp.js';

/**
 * Issue 3's "Done when", end to end over real protocols: two SMPP
 * connectors (primary and fallback, each an SMSC simulator over loopback)
 * and one HTTP connector; German numbers go to the primary with the
 * fallback behind it, UK numbers over HTTP. A burst of 1,000 mails comes in
 * over SMTP (nodemailer, pooled connections) and the primary is killed with
 * SIGKILL in the middle of it.
 *
 * The primary runs as its own process (the simulator's CLI), so the kill is
 * a real crash: the kernel closes its sockets, nothing of it runs after.
 * It answers each submit_sm after 200 ms (a distant SMSC), so SMS are in
 * flight when it dies (its window is full unless the machine is slow to
 * feed it); and it sends each receipt before the answer that
 * carries the id: a crashed SMSC sends no receipts afterwards and our
 * simulator keeps nothing across processes, so an SMS the bridge counts as
 * taken by the primary must have its receipt on the wire already — which
 * also sends the whole burst through the receipt-overtakes-answer path.
 *
 * What was written to the primary and not answered when it died is
 * uncertain: the primary may have taken it. With onUncertain "resend" such
 * SMS go to the fallback and are logged as possible duplicates; exactly
 * those, and at most a window's worth.
 */
const K = suite('dispatch :: primary killed during a burst of 1,000');

const N = 1000;
const WINDOW = 10;
const LOGIN = { systemId: 'bridge', password: 'pw-smpp' };

/** Mail i goes to a UK number when i % 3 === 0, else to a German one; every number is used once. */
const numberOf = (i: number) => (i % 3 === 0 ? `+447400${String(100000 + i)}` : `+49151123${String(10000 + i)}`);

/** The HTTP aggregator: takes each SMS with its own id and reports it delivered through the callback right after answering. */
async function ukAggregator(): Promise<Loopback> {
  const peer = await startLoopback();
  let n = 0;
  peer.reply = (r) => {
    const { callback } = JSON.parse(r.body) as { callback: string };
    const id = `uk-${++n}`;
    setImmediate(() => void fetch(callback, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { id, status: 'DELIVERED' } }),
    }).catch(() => {}));
    return { status: 201, type: 'application/json', body: JSON.stringify({ messages: [{ id }] }) };
  };
  return peer;
}

function config(primaryPort: number, fallbackPort: number, uk: Loopback) {
  const smpp = (port: number) => ({ host: '127.0.0.1', port, ...LOGIN, windowSize: WINDOW, responseTimeoutMs: 5000, reconnectSeconds: [0.5] });
  return {
    connectors: [
      { name: 'primary', type: 'smpp', onUncertain: 'resend', smpp: smpp(primaryPort) },
      { name: 'fallback', type: 'smpp', smpp: smpp(fallbackPort) },
      {
        name: 'uk-http', type: 'http',
        http: {
          url: `${uk.base}/v1/messages`,
          body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}', reference: '{{id}}', callback: '{{dlr_url}}' } },
          response: { messageIdFrom: { type: 'json', path: 'messages.0.id' } },
          webhook: { enabled: true, listen: { port: 0 }, secret: 'uk-webhook-secret-0123', idParam: 'message.id', statusParam: 'message.status', statusMap: { DELIVERED: 'delivered' } },
        },
      },
    ],
    routes: [
      { name: 'germany', match: { countries: ['DE'] }, connectors: ['primary', 'fallback'] },
      { name: 'uk', match: { prefixes: ['+44'] }, connectors: ['uk-http'] },
    ],
    defaultRoute: { enabled: false },
    // An ERP's bulk run: its account is set up for it (the limits themselves are tested in test/smtp).
    limits: { countries: ['DE', 'GB'], messagesPerMinute: 0, perNumberPerHour: 0, brake: { newNumbersPerWindow: 0 } },
  };
}

/** Sends the burst over 4 pooled SMTP connections; resolves with the SMS id per mail number. */
async function burst(b: TestBridge): Promise<Map<number, string>> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4, maxMessages: Infinity });
  try {
    const ids = new Map<number, string>();
    const sent = await Promise.allSettled(Array.from({ length: N }, async (_, i) => {
      const info = await transport.sendMail({ from: 'erp@acme.test', to: `${numberOf(i)}@sms.localhost`, subject: 'x', text: `Zahlungserinnerung ${i}` });
      ids.set(i, `${queuedAs(info.response)}.1`);
    }));
    const refused = sent.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.equal(refused.map((r) => (r.reason as Error).message).slice(0, 3), [], `${refused.length} mails refused`);
    return ids;
  } finally {
    transport.close();
  }
}

const outboxNames = async (b: TestBridge) => (await readdir(b.outbox).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'));

K('burst of 1,000 (DE over SMPP primary → fallback, UK over HTTP), primary SIGKILLed mid-burst :: all delivered, each confirmed once, possible duplicates exactly the uncertain ones', async () => {
  const primary: SmscProcess = await spawnSmsc(['--system-id', LOGIN.systemId, '--password', LOGIN.password, '--response-delay-ms', '200', '--receipt-before-response']);
  const fallback = new SmscSimulator({ ...LOGIN });
  const uk = await ukAggregator();
  let b: TestBridge | undefined;
  try {
    const { port: fallbackPort } = await fallback.start();
    b = await startTestBridge(config(primary.port, fallbackPort, uk) as never);
    const bridge = b;
    const sending = burst(bridge);
    const primaryStatus = () => bridge.connectorStatus().find((c) => c.name === 'primary')!.health;
    const atPrimary = () => primary.lines.filter((l) => l.evt === 'submit').length;
    await waitFor('the primary busy, SMS in flight', () => atPrimary() >= 100 && (primaryStatus().inFlight ?? 0) >= 1, 30000);
    primary.child.kill('SIGKILL');
    await primary.exited;
    const ids = await sending;
    assert.is(ids.size, N, 'every mail got 250');
    assert.not.ok(primaryStatus().up, 'the primary is down');

    // All 1,000 delivered, each with one final status and one confirmation.
    const finals = () => bridge.events.filter((e) => e.evt === 'sms-final');
    await waitFor('1,000 final statuses', () => finals().length >= N, 60000);
    await waitFor('1,000 confirmations', async () => (await outboxNames(bridge)).length >= N, 30000);
    const all = [...ids.values()];
    assert.equal(new Set(finals().map((e) => e.msgId)), new Set(all), 'one final status per SMS');
    assert.equal(finals().filter((e) => e.status !== 'delivered'), [], 'all delivered');
    const confirmations = await outboxNames(bridge);
    assert.is(confirmations.length, N);
    for (const id of all) assert.is(confirmations.filter((n) => n.startsWith(`${id}.delivered@`)).length, 1, `one confirmation for ${id}`);

    // UK: each over HTTP, exactly once.
    const ukIds = [...ids].filter(([i]) => i % 3 === 0).map(([, id]) => id);
    assert.equal(uk.requests.map((r) => (JSON.parse(r.body) as { reference: string }).reference).sort(), ukIds.sort());

    // DE: who took what. The primary's log holds every submit_sm it read before it died.
    const digits = (i: number) => numberOf(i).slice(1);
    const takenByPrimary = new Map<string, number>();
    for (const l of primary.lines) if (l.evt === 'submit') takenByPrimary.set(String(l.to), (takenByPrimary.get(String(l.to)) ?? 0) + 1);
    const takenByFallback = new Map<string, number>();
    for (const r of fallback.received) if (r.status === SMPP_STATUS.ROK) takenByFallback.set(r.destination.addr, (takenByFallback.get(r.destination.addr) ?? 0) + 1);
    const possible = bridge.events.filter((e) => e.evt === 'sms-possible-duplicate');
    const flagged = new Set(possible.map((e) => String(e.msgId)));
    assert.is(flagged.size, possible.length, 'each logged once');
    assert.ok(possible.every((e) => e.connector === 'primary'));
    assert.ok(flagged.size >= 1 && flagged.size <= WINDOW, `uncertain at the kill: ${flagged.size} (window ${WINDOW})`);
    const submittedVia = (id: string) => bridge.events.find((e) => e.evt === 'sms-submitted' && e.msgId === id)?.connector;
    for (const [i, id] of ids) {
      if (i % 3 === 0) continue;
      const [p, f] = [takenByPrimary.get(digits(i)) ?? 0, takenByFallback.get(digits(i)) ?? 0];
      if (flagged.has(id)) {
        // Written to the primary, never answered: maybe taken there, certainly taken by the fallback.
        assert.equal([p <= 1, f, submittedVia(id)], [true, 1, 'fallback'], `${id} (possible duplicate): primary ${p}, fallback ${f}`);
      } else {
        assert.is(p + f, 1, `${id} handed over exactly once: primary ${p}, fallback ${f}`);
        if (p === 1) assert.is(submittedVia(id), 'primary', `${id}: the primary read it and answered before it died`);
      }
    }
    assert.ok(takenByFallback.size > 0 && takenByPrimary.size >= 100, 'traffic moved from the primary to the fallback');
  } finally {
    if (primary.child.exitCode === null && primary.child.signalCode === null) primary.child.kill('SIGKILL');
    if (b) {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
    await fallback.stop();
    await uk.close();
  }
});

K.run();
