import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { outboxFiles, startTestBridge, waitFor, type TestBridge, type TestBridgeExtras } from '../helpers/bridge.js';
import { chat, dataLines, queuedAs } from '../helpers/smtp.js';

/**
 * A customer replies STOP to a shop's marketing number: over real SMPP from
 * the SMSC simulator to the bridge, onto the opt-out list for that number
 * only. Mail goes over real SMTP: the bank's overdraft warning from its own
 * sender still reaches the customer; the shop's next SMS is refused at DATA
 * with 550 5.7.1, as is one without a sender ID (the SMSC would pick it);
 * START lets the shop through again.
 */
const S = suite('inbound STOP over SMPP :: per sender');

const LOGIN = { systemId: 'bridge', password: 'pw1' };
const HANDSET = '+4915112345678';
const OTHER = '+4915112345679';
const SHOP = '80888';
const ACCOUNT = { name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], notify: 'failure', allowedSenderIds: [SHOP, 'BANK'] };

const mail = (to: string[], headers = '', text = 'Ihr Konto ist im Minus.') => [
  'EHLO client.test', 'MAIL FROM:<erp@acme.test>', ...to.map((n) => `RCPT TO:<${n}@sms.localhost>`), 'DATA',
  ...dataLines(`From: erp@acme.test\r\nSubject: Hinweis\r\n${headers}\r\n${text}`),
];
const from = (sender: string) => `X-SMS-Sender-ID: ${sender}\r\n`;
const to = (sim: SmscSimulator, n: string) => sim.received.filter((r) => r.destination.addr === n.slice(1));

async function withSmsc(smpp: Record<string, unknown>, fn: (sim: SmscSimulator, b: TestBridge) => Promise<void>, extras: TestBridgeExtras = {}): Promise<void> {
  const sim = new SmscSimulator({ ...LOGIN });
  const { port } = await sim.start();
  const b = await startTestBridge({
    connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN, reconnectSeconds: [0.2], ...smpp } }],
    accounts: [ACCOUNT] as never,
  }, undefined, extras);
  try {
    await waitFor('the bridge to bind', () => sim.connections > 0);
    await fn(sim, b);
  } finally {
    await b.stop();
    await sim.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
}

S('STOP to the shop :: the bank\'s SMS is accepted and sent; the shop\'s is refused at DATA with 550 5.7.1 naming its number, as is one without a sender ID; START lets the shop through', () =>
  withSmsc({}, async (sim, b) => {
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'Stop' }), 0);
    assert.equal(b.optout.entries(HANDSET).map((e) => [e.source, e.sender]), [['sms', SHOP]], 'on the list for the shop\'s number once the SMSC got its answer');
    assert.ok(b.events.some((e) => e.evt === 'optout-added' && e.number === HANDSET && e.by === 'sms' && e.scope === 'sender' && e.sender === SHOP));

    const bank = await chat(b.port, mail([HANDSET], from('BANK')));
    assert.match(bank.at(-1)!.text, /^250 2\.0\.0 queued as \S+ \(1 SMS\)$/);
    const sent = await waitFor('the bank\'s SMS at the SMSC', () => to(sim, HANDSET)[0]);
    assert.equal([sent.source.addr, sent.text], ['BANK', 'Ihr Konto ist im Minus.']);

    const shop = await chat(b.port, mail([HANDSET], from(SHOP), 'Sale! 20 % off.'));
    assert.is(shop[2].code, 250, 'RCPT cannot know the sender yet');
    assert.is(shop.at(-1)!.text, `550 5.7.1 ${HANDSET} asked not to receive SMS from ${SHOP} (opt-out list), the sender ID of this SMS; nothing is sent to it`);
    const unnamed = await chat(b.port, mail([HANDSET], '', 'Sale! 20 % off.'));
    assert.match(unnamed.at(-1)!.text, /^550 5\.7\.1 \+4915112345678 asked not to receive SMS from 80888 \(opt-out list\), and this SMS names no sender ID, so it could arrive from that number/);
    assert.ok(b.events.some((e) => e.evt === 'mail-refused' && e.error === 'OptedOutOfSender' && e.from === 'erp@acme.test'), 'logged with the envelope sender');

    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'START' }), 0);
    assert.equal(b.optout.entries(HANDSET), []);
    assert.match((await chat(b.port, mail([HANDSET], from(SHOP), 'Sale! 20 % off.'))).at(-1)!.text, /^250 /);
    await waitFor('the shop\'s SMS at the SMSC', () => to(sim, HANDSET).length === 2);
    assert.equal(to(sim, HANDSET).map((r) => r.source.addr), ['BANK', SHOP]);
  }));

S('a mail to an opted-out number and another :: 250 naming the one held back; its SMS is stored cancelled and confirmed as not sent, the other goes', () =>
  withSmsc({}, async (sim, b) => {
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'STOP' }), 0);
    const r = await chat(b.port, mail([HANDSET, OTHER], from(SHOP), 'Sale! 20 % off.'));
    const last = r.at(-1)!.text;
    assert.match(last, new RegExp(`^250 2\\.0\\.0 queued as (\\S+) \\(1 SMS\\); \\${HANDSET} asked not to receive SMS from ${SHOP} \\(opt-out list\\), the sender ID of this SMS; nothing is sent to it$`));
    const mailId = queuedAs(last);
    await waitFor('the other number\'s SMS at the SMSC', () => to(sim, OTHER).length === 1);
    const held = b.store.get(`${mailId}.1`)!;
    assert.equal([held.to, held.status, held.history.at(-1)!.by], [HANDSET, 'cancelled', 'its recipient, who opted out']);
    assert.match(held.history.at(-1)!.reason!, /asked not to receive SMS from 80888/);
    assert.ok(b.events.some((e) => e.evt === 'sms-final' && e.msgId === held.id && e.status === 'cancelled' && e.error === 'OptedOutOfSender'));
    const note = await waitFor('the confirmation that it was not sent', async () => [...(await outboxFiles(b)).values()].find((m) => m.includes(HANDSET)));
    assert.match(note.replace(/\r\n\s+/g, ' '), /asked not to receive SMS from 80888/);
    assert.equal(to(sim, HANDSET), [], 'nothing reached the handset');
  }));

S('no sender ID :: the connector\'s default sender decides — refused when it is the number the handset opted out of, sent when it is another', async () => {
  await withSmsc({ defaultSender: SHOP }, async (_sim, b) => {
    await b.optout.add(HANDSET, new Date(), { via: 'sms', sender: SHOP });
    assert.match((await chat(b.port, mail([HANDSET]))).at(-1)!.text, /^550 5\.7\.1 \+4915112345678 asked not to receive SMS from 80888 \(opt-out list\), the sender this SMS would go out with \(the gateway's default\)/);
  });
  await withSmsc({ defaultSender: 'BANK' }, async (sim, b) => {
    await b.optout.add(HANDSET, new Date(), { via: 'sms', sender: SHOP });
    assert.match((await chat(b.port, mail([HANDSET]))).at(-1)!.text, /^250 /);
    assert.is((await waitFor('the SMS at the SMSC', () => to(sim, HANDSET)[0])).source.addr, 'BANK');
  });
});

S('STOP ALL, then START to the shop :: the shop\'s SMS goes again, every other sender\'s is still refused (the customer asked only the shop back)', () =>
  withSmsc({}, async (sim, b) => {
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'STOP ALL' }), 0);
    assert.match((await chat(b.port, mail([HANDSET], from('BANK'))))[2].text, /^550 5\.7\.1 /, 'every sender: refused at RCPT');
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'START' }), 0);
    assert.ok(b.events.some((e) => e.evt === 'optout-narrowed' && e.number === HANDSET && e.allowed === SHOP));
    assert.match((await chat(b.port, mail([HANDSET], from(SHOP), 'Sale! 20 % off.'))).at(-1)!.text, /^250 /);
    const bank = await chat(b.port, mail([HANDSET], from('BANK')));
    assert.is(bank[2].code, 250, 'RCPT cannot know the sender any more');
    assert.is(bank.at(-1)!.text, `550 5.7.1 ${HANDSET} has asked not to receive SMS from any sender of this gateway but ${SHOP} (opt-out list); nothing is sent to it`);
    assert.match((await chat(b.port, mail([HANDSET]))).at(-1)!.text, /^550 5\.7\.1 /, 'no sender ID: the SMSC could pick any');
    await waitFor('the shop\'s SMS at the SMSC', () => to(sim, HANDSET).length === 1);
    assert.equal(to(sim, HANDSET).map((r) => r.source.addr), [SHOP]);
  }));

S('SMS queued before the STOP :: when they fall due, the one from the shop is cancelled, the bank\'s is sent', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  await withSmsc({}, async (sim, b) => {
    const sendAt = new Date(Math.ceil(now().getTime() / 1000) * 1000 + 3600_000).toISOString().replace('.000Z', 'Z');
    const idOf = (r: Array<{ text: string }>) => `${queuedAs(r.at(-1)!.text)}.1`;
    const shop = idOf(await chat(b.port, mail([HANDSET], `${from(SHOP)}X-SMS-Send-At: ${sendAt}\r\n`, 'Sale tomorrow!')));
    const bank = idOf(await chat(b.port, mail([HANDSET], `${from('BANK')}X-SMS-Send-At: ${sendAt}\r\n`)));
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: SHOP, text: 'STOP' }), 0);
    clock.offset += 2 * 3600_000;
    const cancelled = await waitFor('the shop\'s SMS to be settled', () => b.events.find((e) => e.evt === 'sms-final' && e.msgId === shop));
    assert.equal([cancelled.status, cancelled.reason], ['cancelled', `${HANDSET} asked not to receive SMS from ${SHOP} (opt-out list), the sender ID of this SMS; nothing is sent to it`]);
    await waitFor('the bank\'s SMS handed to the SMSC', () => b.events.find((e) => e.evt === 'sms-submitted' && e.msgId === bank));
    assert.equal(to(sim, HANDSET).map((r) => r.source.addr), ['BANK']);
  }, { now });
});

S.run();
