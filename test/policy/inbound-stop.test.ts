import { rm } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startTestBridge, waitFor } from '../helpers/bridge.js';
import { chat, dataLines } from '../helpers/smtp.js';

/**
 * A customer replies STOP to a reminder: over real SMPP from the SMSC
 * simulator to the bridge, onto the opt-out list, and the next mail to
 * that number is refused at RCPT; START undoes it.
 */
const S = suite('inbound STOP over SMPP');

const LOGIN = { systemId: 'bridge', password: 'pw1' };
const mail = (to: string) => ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA', ...dataLines('From: erp@acme.test\r\nSubject: Mahnung\r\n\r\nBitte zahlen.')];

S('STOP :: the number is opted out before the SMSC hears back, and mail to it gets 550 5.7.1; START lets it through again', async () => {
  const sim = new SmscSimulator({ ...LOGIN });
  const { port } = await sim.start();
  const b = await startTestBridge({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, reconnectSeconds: [0.2] } }] });
  try {
    assert.is((await chat(b.port, mail('+4915112345678'))).at(-1)!.code, 250);
    await waitFor('the bridge to bind', () => sim.connections > 0);
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: '+4915112345678', to: '80888', text: 'Stop' }), 0);
    assert.ok(b.optout.has('+4915112345678'), 'on the list once the SMSC got its answer');
    assert.ok(b.events.some((e) => e.evt === 'optout-added' && e.number === '+4915112345678' && e.by === 'sms' && e.connector === 'smsc'));
    const refused = await chat(b.port, mail('+4915112345678'));
    assert.match(refused[2].text, /^550 5\.7\.1 \+4915112345678 has asked not to receive SMS/);
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: '+4915112345678', to: '80888', text: 'START' }), 0);
    assert.is((await chat(b.port, mail('+4915112345678'))).at(-1)!.code, 250);
  } finally {
    await b.stop();
    await sim.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

S.run();
