import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmppConnector } from '../../../src/connectors/smpp/connector.js';
import type { DeliveryReport } from '../../../src/connectors/types.js';
import { spawnSmsc } from '../../helpers/process.js';
import { connectorOptions, LONG_GSM, sms, waitFor, withSmpp } from './harness.js';

/** The simulator as its own process (npm run smsc-sim), as the benchmark runs it. */
const Q = suite('smsc-sim cli');

Q('smsc-sim cli :: --quiet :: binds and takes a 3-part SMS, receipts delivered; logs the bind but no line per submit or receipt', async () => {
  const smsc = await spawnSmsc(['--system-id', 'bridge', '--password', 'pw1', '--quiet']);
  const connector = new SmppConnector(connectorOptions(smsc.port));
  const reports: DeliveryReport[] = [];
  connector.onReport((r) => void reports.push(r));
  try {
    await connector.start();
    connector.resume([]);
    const res = await connector.submit(sms(LONG_GSM, { segments: 3 }));
    assert.ok(res.ok, JSON.stringify(res));
    await waitFor('delivered', () => reports.some((r) => !r.part && r.status === 'delivered'));
    await connector.stop();
    await waitFor('unbind logged', () => smsc.lines.some((l) => l.evt === 'unbind'));
    const evts = smsc.lines.map((l) => l.evt);
    assert.ok(evts.includes('bound'));
    assert.not.ok(evts.some((e) => e === 'submit' || e === 'receipt' || e === 'receipt-answered'), evts.join(' '));
  } finally {
    await connector.stop();
    smsc.child.kill('SIGTERM');
    await smsc.exited;
  }
});

Q('smsc-sim :: keepRecords false (what the CLI runs with) :: submits answered and receipts sent as before, nothing kept', async () => {
  await withSmpp({ sim: { keepRecords: false } }, async ({ sim, connector, reports }) => {
    const res = await connector.submit(sms(LONG_GSM, { segments: 3 }));
    assert.ok(res.ok, JSON.stringify(res));
    await waitFor('delivered', () => reports.some((r) => !r.part && r.status === 'delivered'));
    assert.equal([sim.received.length, sim.messages.length, sim.receipts.length], [0, 0, 0]);
  });
});

Q('smsc-sim cli :: --max-per-second 2, five SMS :: one submit line per PDU with its answer\'s status, sender and text; counting the ESME_ROK lines counts each SMS once (review 2, F9)', async () => {
  const smsc = await spawnSmsc(['--system-id', 'bridge', '--password', 'pw1', '--max-per-second', '2']);
  const connector = new SmppConnector(connectorOptions(smsc.port, { throttlePauseMs: 100 }));
  try {
    await connector.start();
    connector.resume([]);
    const texts = Array.from({ length: 5 }, (_, i) => `Mahnung ${i}`);
    const results = await Promise.all(texts.map((t, i) => connector.submit(sms(t, { to: `+49151000000${10 + i}`, sender: 'ACME' }))));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    await waitFor('five submits taken', () => smsc.lines.filter((l) => l.evt === 'submit' && l.status === 0).length === 5);
    const submits = smsc.lines.filter((l) => l.evt === 'submit');
    assert.ok(submits.some((l) => l.status === 0x58), 'some PDUs were throttled and sent again');
    const taken = submits.filter((l) => l.status === 0);
    assert.equal(taken.map((l) => l.text).sort(), texts);
    assert.ok(taken.every((l) => l.from === 'ACME' && typeof l.messageId === 'string'), JSON.stringify(taken[0]));
    assert.is(new Set(taken.map((l) => l.to)).size, 5, 'no number twice among the submits taken');
  } finally {
    await connector.stop();
    smsc.child.kill('SIGTERM');
    await smsc.exited;
  }
});

Q.run();
