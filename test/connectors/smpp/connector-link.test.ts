import { readFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import smpp from 'smpp';
import { SmppConnector } from '../../../src/connectors/smpp/connector.js';
import { TimeoutsOnCue } from '../../helpers/timers.js';
import { CREDENTIALS, connectorOptions, sms, waitFor, withSmpp, type LoggedEvent } from './harness.js';

const L = suite('smpp connector :: link');

L('smpp connector :: window 3, SMSC stalls :: never more than 3 unanswered at the SMSC; the 3 stalled are uncertain, the 5 waiting were never written', async () => {
  // The stalled 3 time out on the test's cue; the answers that do come (the 5 after the rebind) are in time however loaded
  // the machine is. With a real 300 ms timeout, one of those timed out under a full run beside others.
  const timers = new TimeoutsOnCue(60_000);
  const setup = { sim: { behaviour: { stall: true } }, connector: { windowSize: 3, responseTimeoutMs: 60_000, enquireLinkSeconds: 3600 }, deps: { timers } };
  await withSmpp(setup, async ({ connector, sim, events }) => {
    const texts = Array.from({ length: 8 }, (_, i) => `SMS ${i}`);
    const pending = texts.map((t) => connector.submit(sms(t)));
    await waitFor('3 submits at the SMSC', () => sim.received.length === 3);
    assert.equal(connector.health().inFlight, 3);
    sim.set({ stall: false });
    assert.is(timers.expire(), 3, 'the 3 stalled submits are the requests awaiting an answer');
    const results = await Promise.all(pending);
    assert.is(sim.received.length, 3, 'the 5 waiting for the window were not sent');
    const uncertain = results.filter((r) => !r.ok && r.temporary && r.uncertain);
    assert.equal(uncertain.map((r) => !r.ok && r.reason), Array(3).fill('no submit_sm_resp within 60000 ms; the SMSC may have taken it'));
    const notSent = results.filter((r) => !r.ok && r.temporary && !r.uncertain);
    assert.is(notSent.length, 5);
    assert.ok(notSent.every((r) => !r.ok && /^not bound to the SMSC/.test(r.reason)), JSON.stringify(notSent[0]));
    assert.ok(events.some((e) => e.evt === 'smpp-stuck'), 'a window full of unanswered submits drops the link');

    // As the dispatcher would: the 5 never written go again after the rebind; the uncertain 3 are its decision.
    await waitFor('rebound', () => connector.health().up);
    const again = await Promise.all(texts.slice(3).map((t) => connector.submit(sms(t))));
    assert.ok(again.every((r) => r.ok));
    // The simulator's view: on each connection, how many earlier submits were unanswered when this one arrived.
    for (const [i, rec] of sim.received.entries()) {
      const open = sim.received.slice(0, i).filter((r) => r.peer === rec.peer && r.status === undefined).length;
      assert.ok(open < 3, `submit ${i} arrived with ${open} unanswered before it`);
    }
    assert.equal(sim.received.map((r) => r.text), texts, 'each text written once');
  });
});

L('smpp connector :: SMSC drops the connection :: unbound, reconnect, bound again, sending works', async () => {
  await withSmpp({}, async ({ connector, sim, events }) => {
    assert.ok((await connector.submit(sms('vorher'))).ok);
    sim.dropNow();
    await waitFor('reconnected', () => events.filter((e) => e.evt === 'smpp-bound').length === 2);
    assert.equal(events.map((e) => e.evt).filter((e) => e.startsWith('smpp-') && e !== 'smpp-report'),
      ['smpp-bound', 'smpp-unbound', 'smpp-reconnect', 'smpp-bound']);
    assert.equal(events.find((e) => e.evt === 'smpp-reconnect'), { evt: 'smpp-reconnect', connector: 'smsc1', bind: 'transceiver', attempt: 1, delayMs: 20 });
    assert.ok(connector.health().up);
    assert.ok((await connector.submit(sms('nachher'))).ok);
    assert.is(sim.connections, 1);
  });
});

L('smpp connector :: stopped (SIGTERM) :: our own unbind is logged as smpp-closed (info), not smpp-unbound (warn)', async () => {
  const events: LoggedEvent[] = [];
  await withSmpp({ deps: { log: (evt, data) => events.push({ evt, ...data }) } }, async ({ connector }) => {
    assert.ok((await connector.submit(sms('vorher'))).ok);
  });
  const ends = events.filter((e) => e.evt === 'smpp-closed' || e.evt === 'smpp-unbound');
  assert.equal(ends, [{ evt: 'smpp-closed', connector: 'smsc1', bind: 'transceiver', reason: 'unbound by us' }]);
});

L('smpp connector :: wrong password :: not up, state down, detail names ESME_RBINDFAIL; submit is temporary, not uncertain', async () => {
  await withSmpp({ connector: { password: 'wrong' } }, async ({ connector, sim, events }) => {
    const h = connector.health();
    assert.equal([h.up, h.state], [false, 'down']);
    assert.is(h.detail, 'bind_transceiver refused by the SMSC: ESME_RBINDFAIL (0x0D) bind failed');
    const res = await connector.submit(sms('Hallo'));
    assert.equal([res.ok, !res.ok && res.temporary, !res.ok && res.uncertain], [false, true, undefined]);
    assert.match(!res.ok ? res.reason : '', /^not bound to the SMSC \((down|connecting): bind_transceiver refused/);
    assert.is(sim.received.length, 0);
    assert.ok(events.some((e) => e.evt === 'smpp-bind-failed'));
  });
});

L('smpp connector :: nothing listening :: detail says the connection was refused, and it keeps trying', async () => {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const { port } = closed.address() as AddressInfo;
  await new Promise((r) => closed.close(r));
  const events: LoggedEvent[] = [];
  const c = new SmppConnector(connectorOptions(port), { log: (evt, data) => events.push({ evt, ...data }) });
  try {
    await c.start();
    assert.match(c.health().detail ?? '', new RegExp(`^connect to 127\\.0\\.0\\.1:${port} failed: ECONNREFUSED$`));
    await waitFor('two more attempts', () => events.filter((e) => e.evt === 'smpp-bind-failed').length >= 3);
    assert.equal(events.filter((e) => e.evt === 'smpp-reconnect').slice(0, 3).map((e) => e.delayMs), [20, 50, 50]);
  } finally {
    await c.stop();
  }
});

L('smpp connector :: transmitter+receiver :: two binds, submits on one, receipts over the other', async () => {
  await withSmpp({ connector: { bindMode: 'transmitter+receiver' } }, async ({ connector, sim, simEvents, reports }) => {
    assert.equal(simEvents.filter((e) => e.evt === 'bound').map((e) => e.mode).sort(), ['rx', 'tx']);
    const res = await connector.submit(sms('Hallo'));
    await waitFor('report', () => reports.length === 1);
    assert.equal([reports[0]!.connectorMessageId, reports[0]!.status], [res.ok && res.connectorMessageId, 'delivered']);
    assert.is(sim.connections, 2);
  });
});

/** An SMSC that binds anyone, answers enquire_link only while `answer` is true, and does `afterBind` to each bound session. */
async function oddSmsc(afterBind: (session: smpp.Session, bind: number) => void = () => {}): Promise<{ port: number; binds: number; enquiries: number; answer: boolean; close(): Promise<void> }> {
  const state = { port: 0, binds: 0, enquiries: 0, answer: true, close: async () => {} };
  const server = smpp.createServer((session) => {
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      state.binds++;
      session.send(pdu.response(), () => afterBind(session, state.binds));
    });
    session.on('unbind', (pdu: smpp.PDU) => session.send(pdu.response(), () => session.close()));
    session.on('enquire_link', (pdu: smpp.PDU) => {
      state.enquiries++;
      if (state.answer) session.send(pdu.response());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise((r) => {
    for (const s of server.sessions) s.destroy();
    server.close(() => r());
  });
  return state;
}

L('smpp connector :: enquire_link answered :: link kept; unanswered :: link dead, closed and bound again', async () => {
  const smsc = await oddSmsc();
  const events: LoggedEvent[] = [];
  // The unanswered enquire_link times out on the test's cue: an answered one that was slow on a loaded machine never
  // does (with a real 200 ms timeout it could, and the link was declared dead before the test stopped answering).
  const timers = new TimeoutsOnCue(60_000);
  const options = connectorOptions(smsc.port, { enquireLinkSeconds: 0.05, responseTimeoutMs: 60_000 });
  const c = new SmppConnector(options, { log: (evt, data) => events.push({ evt, ...data }), timers });
  try {
    await c.start();
    await waitFor('3 keepalives', () => smsc.enquiries >= 3);
    assert.equal([smsc.binds, events.filter((e) => e.evt === 'smpp-link-dead').length], [1, 0]);
    smsc.answer = false;
    const answered = smsc.enquiries;
    await waitFor('an enquire_link left unanswered', () => smsc.enquiries > answered);
    assert.is(timers.expire(), 1, 'the unanswered enquire_link is the one request awaiting an answer');
    await waitFor('link declared dead', () => events.some((e) => e.evt === 'smpp-link-dead'));
    smsc.answer = true;
    await waitFor('second bind', () => smsc.binds === 2 && c.health().up);
    const order = events.map((e) => e.evt);
    assert.equal(order.slice(order.indexOf('smpp-link-dead'), order.indexOf('smpp-link-dead') + 4), ['smpp-link-dead', 'smpp-unbound', 'smpp-reconnect', 'smpp-bound']);
  } finally {
    await c.stop();
    await smsc.close();
  }
});

const ODD: Array<[string, (session: smpp.Session) => void, string]> = [
  ['sends a PDU with command_length 8', (session) => session.socket.write(Buffer.from([0, 0, 0, 8, 0, 0, 0, 0])), 'smpp-protocol-error'],
  ['unbinds us', (session) => session.unbind(), 'smpp-unbound'],
  ['closes the socket without unbind', (session) => session.socket.end(), 'smpp-unbound'],
];

for (const [what, act, evt] of ODD) {
  L(`smpp connector :: SMSC ${what} after the first bind :: ${evt}, bound again, the process lives`, async () => {
    const smsc = await oddSmsc((session, bind) => bind === 1 && act(session));
    const events: LoggedEvent[] = [];
    const c = new SmppConnector(connectorOptions(smsc.port), { log: (e, data) => events.push({ evt: e, ...data }) });
    try {
      await c.start();
      await waitFor('second bind', () => smsc.binds === 2 && c.health().up);
      assert.ok(events.some((e) => e.evt === evt), JSON.stringify(events));
    } finally {
      await c.stop();
      await smsc.close();
    }
  });
}

const T = suite('smpp connector :: TLS');

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));

/** TLS in front of the simulator, as stunnel or an aggregator's TLS port would be. */
async function tlsFront(targetPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const [key, cert] = await Promise.all([readFile(fixture('smsc-key.pem')), readFile(fixture('smsc-cert.pem'))]);
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key, cert }, (front) => {
    const back = net.connect(targetPort, '127.0.0.1');
    for (const s of [front, back]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => (front.destroy(), back.destroy()));
    }
    front.pipe(back).pipe(front);
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

T('smpp connector :: TLS with the SMSC certificate trusted :: binds and sends; untrusted :: refused with the reason', async () => {
  await withSmpp({}, async ({ port, sim }) => {
    const front = await tlsFront(port);
    const trusted = new SmppConnector(connectorOptions(front.port, { tls: true, tlsCaFile: fixture('smsc-cert.pem') }));
    const untrusted = new SmppConnector(connectorOptions(front.port, { tls: true }));
    try {
      await trusted.start();
      assert.ok(trusted.health().up);
      assert.ok((await trusted.submit(sms('über TLS'))).ok);
      assert.is(sim.received.at(-1)!.text, 'über TLS');
      await untrusted.start();
      assert.is(untrusted.health().up, false);
      assert.match(untrusted.health().detail ?? '', /^connect to 127\.0\.0\.1:\d+ \(TLS\) failed: DEPTH_ZERO_SELF_SIGNED_CERT/);
    } finally {
      await trusted.stop();
      await untrusted.stop();
      await front.close();
    }
  });
});

void CREDENTIALS;
L.run();
T.run();
