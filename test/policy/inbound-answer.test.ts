import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { InboundReplies } from '../../src/policy/inbound.js';
import { KeywordAnswers } from '../../src/policy/keyword-answer.js';
import { OptOutList } from '../../src/policy/optout.js';
import { SettingsStore } from '../../src/accounts/settings.js';
import { JournalStore } from '../../src/store/journal-store.js';
import { CREDENTIALS, withSmpp } from '../connectors/smpp/harness.js';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { withSmscBridge } from '../helpers/replies.js';
import { chat, dataLines, queuedAs } from '../helpers/smtp.js';

/**
 * A customer replies STOP to a reminder and gets one SMS back saying so,
 * over real SMPP: the SMSC simulator delivers the reply to the bridge's
 * bind, the bridge answers it from the short code the reply went to,
 * through the store, the dispatcher and the same bind, with a receipt.
 */
const A = suite('inbound STOP answered over SMPP');

const LOGIN = { systemId: 'bridge', password: 'pw1' };
const HANDSET = '+4915112345678';
const STOP_TEXT = 'You will receive no more messages from this number. Reply START to receive them again.';
const START_TEXT = 'You will receive messages from this number again. Reply STOP to end them.';
const mail = (to: string, headers = '') => ['EHLO client.test', 'MAIL FROM:<erp@acme.test>', `RCPT TO:<${to}@sms.localhost>`, 'DATA', ...dataLines(`From: erp@acme.test\r\nSubject: Mahnung\r\n${headers}\r\nBitte zahlen.`)];
const toHandset = (sim: SmscSimulator) => sim.received.filter((r) => r.destination.addr === HANDSET.slice(1));
const answersIn = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-accepted' && e.via === 'answer');

const withSmsc = withSmscBridge;

A('STOP :: opted out, then exactly one answer from the short code it was sent to, delivered with a receipt; the same STOP again sends none; mail to the number without a sender ID gets 550 all along', () =>
  withSmsc({ inbound: { answer: { enabled: true } } }, async (sim, b) => {
    assert.is((await chat(b.port, mail(HANDSET))).at(-1)!.code, 250);
    await waitFor('the reminder at the SMSC', () => toHandset(sim).length === 1);

    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'Stop' }), 0);
    assert.ok(b.optout.find(HANDSET, '80888'));
    assert.is(answersIn(b).length, 1, 'the answer was stored before the SMSC got its deliver_sm_resp');
    const id = String(answersIn(b)[0].msgId);
    const answer = await waitFor('the answer at the SMSC', () => toHandset(sim).find((r) => r.text === STOP_TEXT));
    assert.equal(answer.source, { ton: 3, npi: 0, addr: '80888' });
    await waitFor('the answer\'s receipt', () => b.events.find((e) => e.evt === 'sms-final' && e.msgId === id && e.status === 'delivered'));
    // In the history of the answers' account (the first one, "default"), marked as an answer.
    await b.users.add('lead', 'default', 'lead-password-1');
    const view = (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: await bearer(b, 'lead', 'lead-password-1') })).body;
    assert.equal([view.via, view.account, view.to, view.sender, view.status, view.origin.envelopeFrom], ['answer', 'default', HANDSET, '80888', 'delivered', '']);

    // The SMSC did not get our deliver_sm_resp and sends the same STOP again.
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'Stop' }), 0);
    assert.is(answersIn(b).length, 1, 'nothing more stored, so nothing more can be sent');
    // No sender ID, no default sender on the connector: it could come from 80888 (the SMSC picks), so DATA refuses it.
    assert.match((await chat(b.port, mail(HANDSET))).at(-1)!.text, /^550 5\.7\.1 \+4915112345678 asked not to receive SMS from 80888 \(opt-out list\), and this SMS names no sender ID/);
    assert.equal(toHandset(sim).map((r) => r.text), ['Bitte zahlen.', STOP_TEXT]);
  }));

A('START :: its own answer from the short code; mail to the number goes through again', () =>
  withSmsc({ inbound: { answer: { enabled: true } } }, async (sim, b) => {
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'STOP' }), 0);
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'START' }), 0);
    assert.equal(b.optout.entries(HANDSET), []);
    const start = await waitFor('the START answer at the SMSC', () => toHandset(sim).find((r) => r.text === START_TEXT));
    assert.is(start.source.addr, '80888');
    assert.is((await chat(b.port, mail(HANDSET))).at(-1)!.code, 250);
    await waitFor('the reminder at the SMSC', () => toHandset(sim).some((r) => r.text === 'Bitte zahlen.'));
    assert.equal(toHandset(sim).map((r) => r.text), [STOP_TEXT, START_TEXT, 'Bitte zahlen.']);
  }));

A('answers off (the default) :: STOP opts out and nothing is stored or sent back', () =>
  withSmsc({}, async (sim, b) => {
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'STOP' }), 0);
    assert.ok(b.optout.find(HANDSET, '80888'));
    assert.is(answersIn(b).length, 0);
    assert.equal(Object.values(b.store.counts()).reduce((a, n) => a + n, 0), 0, 'the store holds no SMS');
    assert.is(toHandset(sim).length, 0);
  }));

A('an SMS queued before the STOP :: cancelled when it falls due, never handed to the SMSC, while the answer passes the same opt-out', async () => {
  const clock = { offset: 0 };
  const now = () => new Date(Date.now() + clock.offset);
  await withSmsc({ inbound: { answer: { enabled: true } }, notify: { level: 'final' } }, async (sim, b) => {
    const sendAt = new Date(Math.ceil(now().getTime() / 1000) * 1000 + 3600_000).toISOString().replace('.000Z', 'Z');
    const queued = await chat(b.port, mail(HANDSET, `X-SMS-Send-At: ${sendAt}\r\n`));
    const id = `${queuedAs(queued.at(-1)!.text)}.1`;
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: '80888', text: 'STOP' }), 0);
    await waitFor('the answer at the SMSC', () => toHandset(sim).some((r) => r.text === STOP_TEXT));
    clock.offset += 2 * 3600_000;
    const final = await waitFor('the queued SMS to be settled', () => b.events.find((e) => e.evt === 'sms-final' && e.msgId === id));
    assert.is(final.status, 'cancelled');
    assert.match(String(final.reason), /asked not to receive SMS from 80888 \(opt-out list\), and this SMS names no sender ID/);
    assert.equal(toHandset(sim).map((r) => r.text), [STOP_TEXT]);
  }, { now });
});

A.run();

/**
 * The bridge's wiring of a reply, on a real bind and a real journal whose
 * first write of the answer fails: the SMSC gets ESME_RSYSERR and sends the
 * STOP again, which is then answered once.
 */
const R = suite('inbound STOP answered :: the answer cannot be stored at first');

R('the store refuses the answer :: ESME_RSYSERR (the STOP comes again); the second delivery stores exactly one answer and is acknowledged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-answer-retry-'));
  const store = new JournalStore({ dir, segmentBytes: 1 << 20, duplicateWindowHours: 72 });
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await store.open();
  await settings.open();
  try {
    let refuse = true;
    const answers = new KeywordAnswers({
      store: { accept: (req) => (refuse ? Promise.reject(new Error('ENOSPC')) : store.accept(req)) },
      settings: { stopText: STOP_TEXT, startText: START_TEXT, account: 'default', sender: '', transliterate: true, defaultCountry: 'DE' },
      duplicateWindowHours: 72, newMailId: () => `M${Date.now()}`, now: () => new Date(), log: () => undefined,
    });
    const optout = new OptOutList([], settings);
    const replies = new InboundReplies({ optout, keywords: true, defaultCountry: 'DE', now: () => new Date(), log: () => undefined, answer: (a) => answers.send(a) });
    await withSmpp({}, async ({ sim, connector }) => {
      connector.onInbound(async (m) => void await replies.handle({ ...m, connector: connector.name }));
      const ESME_RSYSERR = 0x08;
      assert.is(await sim.sendMo({ systemId: CREDENTIALS.systemId, from: HANDSET, to: '80888', text: 'STOP' }), ESME_RSYSERR);
      assert.ok(optout.find(HANDSET, '80888'), 'the opt-out itself was written');
      assert.is(store.inStatus('accepted').length, 0);
      refuse = false;
      assert.is(await sim.sendMo({ systemId: CREDENTIALS.systemId, from: HANDSET, to: '80888', text: 'STOP' }), 0);
      assert.is(await sim.sendMo({ systemId: CREDENTIALS.systemId, from: HANDSET, to: '80888', text: 'STOP' }), 0);
      assert.equal(store.inStatus('accepted').map((m) => [m.to, m.sender, m.text]), [[HANDSET, '80888', STOP_TEXT]]);
    });
  } finally {
    settings.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

R.run();
