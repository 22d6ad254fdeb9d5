import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { outboxFiles, waitFor, type TestBridge } from '../helpers/bridge.js';
import { accounts, forwardedMail, HANDSET, LOGIN, OUR_NUMBER, remind, withSmsc } from '../helpers/replies.js';

/**
 * A customer answers a payment reminder by SMS and the answer reaches the
 * clerk who sent it, by mail, over real SMPP: the clerk mails the reminder
 * (nodemailer), the SMSC simulator takes it and later delivers the
 * customer's reply to the bridge's bind; the bridge answers the deliver_sm
 * only once the reply is in its journal, and the notifier writes the mail,
 * threaded to the clerk's own, with Reply-To the handset's SMS address.
 */
const F = suite('handsets\' replies forwarded to the clerk over SMPP');

const CLERK = 'clerk@acme.test';
const ESME_ROK = 0;

const received = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-received');

F('a reply to the reminder :: stored before the deliver_sm_resp; one mail to the clerk, threaded to the reminder, Reply-To the handset, the text exactly as received', () =>
  withSmsc({}, async (sim, b) => {
    const id = await remind(b, sim, { messageId: '<reminder-4711@acme.test>' });
    const words = 'Habe gestern bezahlt.\nGruss, Max Muster\n-- \nSent from my phone';
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text: words }), ESME_ROK);
    assert.is(received(b).length, 1, 'the reply was durable before the SMSC got its answer');
    const replyId = String(received(b)[0].replyId);
    assert.equal([received(b)[0].msgId, received(b)[0].account, received(b)[0].chars], [id, 'acme', [...words].length]);
    const mail = await forwardedMail(b, replyId);
    assert.is(mail.inReplyTo, '<reminder-4711@acme.test>');
    assert.equal(mail.references, '<reminder-4711@acme.test>');
    assert.is(mail.replyTo?.text, `${HANDSET}@sms.localhost`);
    assert.is(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', CLERK);
    assert.is(mail.subject, `SMS reply from ${HANDSET}: "Habe gestern bezahlt. Gruss, Max Muster…" [SRC:${OUR_NUMBER}]`);
    assert.is(mail.headers.get('auto-submitted'), 'auto-generated');
    const body = mail.text ?? '';
    assert.ok(body.includes(`\n\n${words}\n\n`), 'the customer\'s words, signature and all, exactly as received');
    assert.match(body, new RegExp(`^${HANDSET.replace('+', '\\+')} replied to your SMS at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\+0[12]:00:`));
    assert.match(body, /It answers your SMS of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0[12]:00 to \+4915112345678:\n> Bitte begleichen Sie die Rechnung INV-4711 bis Freitag\./);
    assert.match(body, new RegExp(`Our reference: +${id.replace('.', '\\.')}`));
    // No text of the customer's in the log.
    assert.not.ok(JSON.stringify(b.events).includes('bezahlt'));
    await waitFor('the mail recorded as sent', () => b.events.find((e) => e.evt === 'sms-reply-forwarded' && e.replyId === replyId));
  }));

F('German account :: the forwarded reply is worded in German with German times', () =>
  withSmsc({ accounts: accounts({ language: 'de' }) }, async (sim, b) => {
    await remind(b, sim);
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text: 'Ist bezahlt' }), ESME_ROK);
    const mail = await forwardedMail(b, String(received(b)[0].replyId));
    assert.is(mail.subject, `SMS-Antwort von ${HANDSET}: „Ist bezahlt“ [SRC:${OUR_NUMBER}]`);
    assert.match(mail.text ?? '', /hat am \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d MES?Z auf Ihre SMS geantwortet:\n\nIst bezahlt\n/);
    assert.match(mail.text ?? '', /Die Antwort bezieht sich auf Ihre SMS vom /);
  }));

const unmatched = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-unmatched');
const mo = (sim: SmscSimulator, text: string, to = OUR_NUMBER.slice(1), from = HANDSET) => sim.sendMo({ systemId: LOGIN.systemId, from, to, text });

F('the same reply delivered again (its deliver_sm_resp was lost) :: one reply stored, one mail', () =>
  withSmsc({}, async (sim, b) => {
    await remind(b, sim);
    assert.is(await mo(sim, 'Danke, erledigt'), ESME_ROK);
    assert.is(await mo(sim, 'Danke, erledigt'), ESME_ROK);
    assert.is(received(b).length, 1);
    const dup = b.events.find((e) => e.evt === 'sms-reply-duplicate');
    assert.is(dup?.of, received(b)[0].replyId);
    await forwardedMail(b, String(received(b)[0].replyId));
    // Other words are another reply.
    assert.is(await mo(sim, 'Und noch eine Frage'), ESME_ROK);
    assert.is(received(b).length, 2);
  }));

F('no match :: a number we never wrote to, a reply to another number of ours, and one after the window are logged with the reason and forwarded to nobody', async () => {
  const clock = { offset: 0 };
  await withSmsc({ inbound: { forward: { windowHours: 2 } } }, async (sim, b) => {
    assert.is(await mo(sim, 'Wer ist da?', OUR_NUMBER.slice(1), '+4915199999999'), ESME_ROK);
    assert.match(String(unmatched(b).at(-1)?.reason), /no SMS from a numeric sender went to this number within the window/);
    await remind(b, sim);
    assert.is(await mo(sim, 'Falsche Nummer?', '4930111111'), ESME_ROK);
    assert.match(String(unmatched(b).at(-1)?.reason), /no SMS from \+4930111111 went to this number within the window/);
    clock.offset = 2 * 3600_000 + 1000;
    assert.is(await mo(sim, 'Zu spaet'), ESME_ROK);
    assert.match(String(unmatched(b).at(-1)?.reason), /no SMS from a numeric sender went to this number within the window/);
    assert.is(received(b).length, 0);
    assert.not.ok(JSON.stringify(b.events).includes('Zu spaet'), 'only the length is logged');
    assert.is(unmatched(b).at(-1)?.chars, 8);
  }, { now: () => new Date(Date.now() + clock.offset) });
});

F('no match :: an SMS from a name (alphanumeric sender) cannot be replied to, so a reply never matches it', () =>
  withSmsc({ accounts: accounts({ senderId: 'ACME', allowedSenderIds: ['ACME'] }) }, async (sim, b) => {
    await remind(b, sim);
    assert.is(await mo(sim, 'Hallo?', ''), ESME_ROK);
    assert.is(await mo(sim, 'Hallo?'), ESME_ROK);
    assert.is(received(b).length, 0);
    assert.is(unmatched(b).length, 2);
  }));

F('the reply does not say where it went :: forwarded when a single sender wrote to the number, not when two did (no guessing between them)', () =>
  withSmsc({ accounts: [...accounts(), { name: 'shop', addresses: ['@shop.test'], networks: [], senderId: '80888', numericSender: '80888' }] }, async (sim, b) => {
    await remind(b, sim);
    assert.is(await mo(sim, 'Erledigt', ''), ESME_ROK);
    assert.is(received(b).length, 1, 'one candidate: taken');
    // The shop writes to the same customer (through the API, as its user).
    await b.users.add('shopuser', 'shop', 'shop-password-1');
    const res = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('shopuser:shop-password-1').toString('base64')}` },
      body: JSON.stringify({ to: HANDSET, text: 'Ihr Paket ist da.', confirmTo: 'orders@shop.test' }),
    });
    assert.is(res.status, 201);
    await waitFor('the shop\'s SMS at the SMSC', () => sim.received.some((r) => r.text === 'Ihr Paket ist da.'));
    const shopId = String(((await res.json()) as { messages: Array<{ id: string }> }).messages[0].id);
    await waitFor('handed over', () => ['submitted', 'delivered'].includes(b.store.get(shopId)?.status ?? ''));
    assert.is(await mo(sim, 'Welches?', ''), ESME_ROK);
    assert.is(received(b).length, 1);
    assert.match(String(unmatched(b).at(-1)?.reason), /does not say which number it was sent to, and 2 senders wrote to this number within the window \(\+4930901820, 80888\)/);
    // Said plainly, each reaches its own sender.
    assert.is(await mo(sim, 'Danke!', '80888'), ESME_ROK);
    assert.equal(received(b).map((e) => [e.msgId, e.account]).at(-1), [shopId, 'shop']);
  }));

F('two accounts share one sender number :: the reply goes to the sender of the most recent SMS to that number', () =>
  withSmsc({ accounts: [...accounts(), { name: 'acme2', addresses: ['@acme2.test'], networks: [], senderId: OUR_NUMBER, numericSender: OUR_NUMBER }] }, async (sim, b) => {
    await remind(b, sim);
    await b.users.add('other', 'acme2', 'other-password-1');
    const res = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('other:other-password-1').toString('base64')}` },
      body: JSON.stringify({ to: HANDSET, text: 'Ihr Termin ist morgen.', confirmTo: 'desk@acme2.test' }),
    });
    const later = String(((await res.json()) as { messages: Array<{ id: string }> }).messages[0].id);
    await waitFor('handed over', () => ['submitted', 'delivered'].includes(b.store.get(later)?.status ?? ''));
    assert.is(await mo(sim, 'Passt'), ESME_ROK);
    assert.equal([received(b)[0].msgId, received(b)[0].account], [later, 'acme2']);
    const mail = await forwardedMail(b, String(received(b)[0].replyId));
    assert.is(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'desk@acme2.test');
  }));

F('a STOP that matches :: the number leaves for that sender as before, and the clerk is told in the mail', () =>
  withSmsc({}, async (sim, b) => {
    await remind(b, sim);
    assert.is(await mo(sim, 'STOP'), ESME_ROK);
    assert.ok(b.optout.find(HANDSET, OUR_NUMBER));
    const mail = await forwardedMail(b, String(received(b)[0].replyId));
    assert.match(mail.text ?? '', /\n\nSTOP\n\nThe reply is a STOP: \+4915112345678 gets no more SMS from \+4930901820\./);
    assert.is(received(b)[0].keyword, 'STOP');
  }));

F('an account that forwards no replies (forwardReplies: false) :: nothing stored, the reply is logged as unmatched with the reason', () =>
  withSmsc({ accounts: accounts({ forwardReplies: false }) }, async (sim, b) => {
    await remind(b, sim);
    assert.is(await mo(sim, 'Hallo'), ESME_ROK);
    assert.is(received(b).length, 0);
    assert.match(String(unmatched(b).at(-1)?.reason), /account "acme" does not forward replies/);
  }));

F('an account without addresses (any sender, the null sender too) :: its replies are stored and recorded but mailed to nobody, neither to <> nor to an address it does not vouch for', () =>
  withSmsc({ accounts: [{ name: 'loop', networks: ['127.0.0.0/8'], addresses: [], senderId: OUR_NUMBER, numericSender: OUR_NUMBER }] }, async (sim, b) => {
    await remind(b, sim, { from: '' });
    assert.is(await mo(sim, 'Hallo'), ESME_ROK);
    const first = await waitFor('the reply settled', () => b.events.find((e) => e.evt === 'sms-reply-not-forwarded'));
    assert.match(String(first.reason), /null sender/);
    await remind(b, sim, { from: 'ceo@bank.test', text: 'Zweite Erinnerung' });
    assert.is(await mo(sim, 'Wer sind Sie?'), ESME_ROK);
    const second = await waitFor('the second reply settled', () => b.events.filter((e) => e.evt === 'sms-reply-not-forwarded')[1]);
    assert.match(String(second.reason), /the account "loop" lists no sender addresses, so <ceo@bank\.test> is nobody it vouches for/);
    assert.is([...(await outboxFiles(b)).keys()].filter((n) => n.includes('.reply@')).length, 0);
  }));

F.run();
