import nodemailer from 'nodemailer';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { startTestBridge, stopTestBridge, waitFor } from '../helpers/bridge.js';

/**
 * An urgent SMS during a month-end run: the aggregator takes 5 SMS a second,
 * 30 reminders wait, and then a clerk sends an overdraft warning with "high
 * importance" set in the mail client (X-Priority: 1, as Outlook and
 * Thunderbird write it). It must go out ahead of the reminders still waiting,
 * with SMPP's priority_flag set, and the reminders without it.
 */
const E = suite('dispatch :: express SMS go ahead of the normal ones waiting');

const LOGIN = { systemId: 'bridge', password: 'pw-smpp' };
const reminders = Array.from({ length: 30 }, (_, i) => `+49151123${String(20000 + i)}`);
const URGENT = '+4915112329999';

E('30 reminders waiting, then a mail of high importance :: its SMS is among the first few handed over, with priority_flag 1', async () => {
  const smsc = new SmscSimulator({ ...LOGIN });
  const { port } = await smsc.start();
  const b = await startTestBridge({
    connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, throughputPerSecond: 5 } }],
    dispatch: { concurrency: 2 },
    limits: { countries: ['DE'], messagesPerMinute: 0, perNumberPerHour: 0, brake: { newNumbersPerWindow: 0 } },
  } as never);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'erp@acme.test', to: reminders.map((n) => `${n}@sms.localhost`), subject: 'x', text: 'Zahlungserinnerung' });
    await transport.sendMail({ from: 'clerk@acme.test', to: `${URGENT}@sms.localhost`, subject: 'x', text: 'Ihr Konto ist überzogen.', priority: 'high' });
    const to = (s: { destination: { addr: string } }) => `+${s.destination.addr}`;
    await waitFor('the urgent SMS at the SMSC', () => smsc.received.some((s) => to(s) === URGENT), 20000);
    const position = smsc.received.findIndex((s) => to(s) === URGENT);
    assert.ok(position < 25, `the urgent SMS was handed over as number ${position + 1} of 31`);
    assert.is(smsc.received[position].priorityFlag, 1);
    await waitFor('every reminder at the SMSC', () => reminders.every((n) => smsc.received.some((s) => to(s) === n)), 30000);
    assert.equal(new Set(smsc.received.filter((s) => to(s) !== URGENT).map((s) => s.priorityFlag)), new Set([0]), 'the reminders go without the flag');
  } finally {
    transport.close();
    await stopTestBridge(b);
    await smsc.stop();
  }
});

E.run();
