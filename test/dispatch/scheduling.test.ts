import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, waitFor } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

const S = suite('dispatch scheduling');

/**
 * The ERP case: held until its time, survives a restart, goes out after its
 * time (never before), and the confirmations show the reference and the times.
 * How soon after is the dispatcher's tick (250 ms); not asserted here: no timing in tests.
 */
S('X-SMS-Send-At ahead :: held, survives a restart, never sent before its time, reference in the confirmation', async () => {
  let b = await startTestBridge({ notify: { level: 'all' } });
  const dir = b.dir;
  try {
    const sendAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000); // whole seconds: the header carries no milliseconds
    const info = await mailer(b.port).sendMail({
      from: 'erp@acme.test', to: '+4915112345641@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
      headers: { 'X-SMS-Send-At': sendAt.toISOString().replace('.000Z', 'Z'), 'X-SMS-Reference': 'INV-4711' },
    });
    const id = /queued as ([0-9A-Z]+)/.exec(info.response)![1];
    const accepted = await simpleParser((await waitFor('acceptance confirmation', async () =>
      [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.accepted@`))))[1]);
    assert.match(accepted.text ?? '', /will be sent at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    assert.match(accepted.text ?? '', /Your reference: +INV-4711/);

    await b.stop();
    assert.is(b.sim.sent.length, 0, 'nothing sent before its time');
    b = await startTestBridge({ notify: { level: 'all' } }, dir);
    const sms = await waitFor('scheduled SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`), 10000);
    assert.ok(sms.receivedAt >= sendAt.getTime(), `sent ${sendAt.getTime() - sms.receivedAt} ms early`);
    assert.is(sms.text, 'Bitte zahlen Sie bis Freitag.');
    const delivered = await simpleParser((await waitFor('delivered confirmation', async () =>
      [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.delivered@`))))[1]);
    assert.match(delivered.text ?? '', /Your reference: +INV-4711/);
    assert.match(delivered.text ?? '', /Send time: /);
    const stages = (delivered.text ?? '').match(/^ {2}\d{4}-.*$/gm) ?? [];
    assert.equal(stages.map((l) => l.replace(/^.*UTC\S*\s+/, '')), ['Accepted', 'Handed to carrier', 'Delivered']);
  } finally {
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();
