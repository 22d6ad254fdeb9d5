import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SMPP_STATUS, SmscSimulator, type SimBehaviour } from '../../src/connectors/smpp/smsc-simulator.js';
import type { Config } from '../../src/config/types.js';
import { startTestBridge, waitFor, type DeepPartial, type TestBridge } from '../helpers/bridge.js';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';
import { forwardedMail, HANDSET, LOGIN, OUR_NUMBER, remind, withRestConnector } from '../helpers/replies.js';
import { mailer, sendSms } from '../helpers/smtp.js';
import { timeOutHeld, TimeoutsOnCue } from '../helpers/timers.js';

/**
 * Most clerks never set a sender ID: their SMS go with the connector's
 * default source address. When that default is a number the customer can
 * answer it, and the answer must reach the clerk as any other reply does.
 * The connector says which default it used, the `submitted` record keeps it
 * (no extra write), and the reply index is fed from there. Over real SMPP
 * with the SMSC simulator (and an http connector's webhook.mo).
 */
const D = suite('handsets\' replies to SMS that went with the connector\'s default sender');

/** An account that names no sender ID anywhere: its SMS go with the connector's default. */
const PLAIN = [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }];
/** The default as an operator may write it for SMPP: bare international digits (TON 1). */
const DEFAULT_DIGITS = OUR_NUMBER.slice(1);
const TIMED_OUT_ON_CUE = 60_000;

const smppTo = (name: string, port: number, defaultSender: string, extra: object = {}) => ({
  name, type: 'smpp' as const, smpp: { host: '127.0.0.1', port, ...LOGIN, reconnectSeconds: [0.2], defaultSender, ...extra },
});

interface Setup {
  /** One SMSC simulator per entry, each behind an smpp connector `smsc<i>` with that default sender. */
  defaults: string[];
  behaviour?: Array<Partial<SimBehaviour>>;
  smpp?: object;
  config?: DeepPartial<Config>;
  dir?: string;
}

/** A response timeout of 60 s (TIMED_OUT_ON_CUE) runs out only when the test says (timeOutHeld). */
async function withDefaults(s: Setup, fn: (sims: SmscSimulator[], b: TestBridge, timers: TimeoutsOnCue) => Promise<void>): Promise<void> {
  const sims = s.defaults.map((_, i) => new SmscSimulator({ ...LOGIN, behaviour: s.behaviour?.[i] }));
  const ports: number[] = [];
  const timers = new TimeoutsOnCue(TIMED_OUT_ON_CUE);
  let b: TestBridge | undefined;
  try {
    for (const sim of sims) ports.push((await sim.start()).port);
    b = await startTestBridge({ connectors: s.defaults.map((d, i) => smppTo(`smsc${i + 1}`, ports[i], d, s.smpp)), accounts: PLAIN, ...s.config }, s.dir, { smppTimers: timers });
    await waitFor('the binds', () => sims.every((sim) => sim.connections > 0));
    await fn(sims, b, timers);
  } finally {
    await b?.stop();
    for (const sim of sims) await sim.stop();
    if (b && !s.dir) await rm(b.dir, { recursive: true, force: true });
  }
}

const received = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-received');
const unmatched = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-unmatched');
const mo = (sim: SmscSimulator, text: string, to = DEFAULT_DIGITS) => sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to, text });
const handover = (b: TestBridge, id: string) => b.store.get(id)!.history.find((e) => e.status === 'submitted' && e.connectorMessageId)!;

async function viewOf(b: TestBridge, id: string): Promise<{ sender: string | null; senderFrom: string }> {
  await b.users.add('lead', 'acme', 'lead-password-1').catch(() => undefined);
  return (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: await bearer(b, 'lead', 'lead-password-1') })).body;
}

D('no sender ID of its own, the SMPP default a number :: it goes from that number, the reply to it reaches the clerk, the history names it as the connector\'s default, and the clerk\'s Reply goes the same way', () =>
  withDefaults({ defaults: [DEFAULT_DIGITS] }, async ([sim], b) => {
    const id = await remind(b, sim, { messageId: '<plain-reminder@acme.test>' });
    assert.equal([sim.received[0].source.ton, sim.received[0].source.addr], [1, DEFAULT_DIGITS], 'source_addr: the connector\'s default');
    assert.is(b.store.get(id)!.sender, undefined, 'the SMS itself names none');
    assert.equal([handover(b, id).connector, handover(b, id).sender], ['smsc1', OUR_NUMBER], 'the submitted record names the default, in international form');

    assert.is(await mo(sim, 'Habe gestern bezahlt.'), SMPP_STATUS.ROK);
    assert.equal(received(b).map((e) => [e.msgId, e.account]), [[id, 'acme']]);
    const fwd = await forwardedMail(b, String(received(b)[0].replyId));
    assert.is(fwd.inReplyTo, '<plain-reminder@acme.test>');
    // The account may ask for no sender ID: the mail names none for the answer, which then goes as the reminder went.
    assert.is(fwd.subject, `SMS reply from ${HANDSET}: "Habe gestern bezahlt."`);
    assert.match(fwd.text ?? '', new RegExp(`Sent to: +\\${OUR_NUMBER}\\n`));

    assert.equal(await viewOf(b, id).then((v) => [v.sender, v.senderFrom]), [OUR_NUMBER, 'connector']);
    const session = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
    const page = await (await fetch(`${apiBase(b)}/messages/${encodeURIComponent(id)}`, { headers: { cookie: session, accept: 'text/html' } })).text();
    assert.match(page, /<dt>Sender ID<\/dt><dd>\+4930901820 \(the connector(&#39;|')s default\)<\/dd>/);

    const quoted = (fwd.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
    const info = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: fwd.replyTo!.text, subject: `Re: ${fwd.subject}`, inReplyTo: fwd.messageId, references: [fwd.messageId!],
      text: `Danke, ist verbucht.\n\nAm 01.12.2026 um 10:00 schrieb mail2sms:\n${quoted}\n`,
    });
    assert.match(info.response, /^250 /);
    const answer = await waitFor('the answer at the SMSC', () => sim.received.find((r) => (r.text ?? '').startsWith('Danke')));
    assert.equal([answer.destination.addr, answer.source.ton, answer.source.addr, answer.text], [HANDSET.slice(1), 1, DEFAULT_DIGITS, 'Danke, ist verbucht.']);
  }));

D('failover to a connector with another default :: the sender recorded is the default of the connector that took it; a reply to the other connector\'s number matches nothing', () =>
  withDefaults({ defaults: ['+4930111111', DEFAULT_DIGITS], behaviour: [{ fail: { status: SMPP_STATUS.RSYSERR } }, {}] }, async ([first, second], b) => {
    const id = await remind(b, second);
    assert.ok(first.received.some((r) => r.status === SMPP_STATUS.RSYSERR), 'the first connector was tried and refused it');
    assert.equal([handover(b, id).connector, handover(b, id).sender], ['smsc2', OUR_NUMBER]);
    assert.is(await mo(second, 'Falsche Nummer?', '4930111111'), SMPP_STATUS.ROK);
    assert.match(String(unmatched(b).at(-1)?.reason), /no SMS from \+4930111111 went to this number within the window/);
    assert.is(await mo(second, 'Richtig'), SMPP_STATUS.ROK);
    assert.equal(received(b).map((e) => e.msgId), [id]);
  }));

D('the SMPP default a name (ACME) :: recorded and shown as the sender it went with, but no reply can find it: it is not indexed', () =>
  withDefaults({ defaults: ['ACME'] }, async ([sim], b) => {
    const id = await remind(b, sim);
    assert.equal([sim.received[0].source.ton, sim.received[0].source.addr], [5, 'ACME']);
    assert.is(handover(b, id).sender, 'ACME');
    assert.equal(b.store.replyMatch(HANDSET, undefined), { ok: false, reason: 'no SMS from a numeric sender went to this number within the window' });
    assert.is(await mo(sim, 'Hallo?', ''), SMPP_STATUS.ROK);
    assert.is(received(b).length, 0);
    assert.equal(await viewOf(b, id).then((v) => [v.sender, v.senderFrom]), ['ACME', 'connector']);
  }));

D('the carrier confirms late (onUncertain fail, then a late submit_sm_resp) :: the correction to submitted names the default too, and a reply finds the SMS', () =>
  withDefaults({ defaults: [DEFAULT_DIGITS], behaviour: [{ holdResponses: true }], smpp: { responseTimeoutMs: TIMED_OUT_ON_CUE } }, async ([sim], b, timers) => {
    const id = await sendSms(b.port, HANDSET, { subject: 'Mahnung', text: 'Zahlung offen' });
    await timeOutHeld(sim, timers);
    await waitFor('failed as not confirmed', () => b.store.get(id)?.status === 'failed');
    assert.equal(b.store.replyMatch(HANDSET, OUR_NUMBER).ok, false, 'not confirmed: not known to have gone');
    assert.is(sim.releaseResponses(), 1);
    await waitFor('corrected', () => b.store.get(id)?.history.some((e) => e.late === 'correction'));
    const correction = b.store.get(id)!.history.find((e) => e.late === 'correction')!;
    assert.equal([correction.status, correction.sender], ['submitted', OUR_NUMBER]);
    assert.is(await mo(sim, 'Angekommen'), SMPP_STATUS.ROK);
    assert.equal(received(b).map((e) => e.msgId), [id]);
  }));

D('restart between the SMS and the reply :: the default comes back from the journal\'s submitted record, then from the snapshot', async () => {
  const keep = await mkdtemp(join(tmpdir(), 'mail2sms-default-sender-restart-'));
  try {
    let id = '';
    await withDefaults({ defaults: [DEFAULT_DIGITS], dir: keep }, async ([sim], b) => {
      id = await remind(b, sim, { messageId: '<before-restart-default@acme.test>' });
    });
    for (const round of ['from the journal', 'from the snapshot']) {
      await withDefaults({ defaults: [DEFAULT_DIGITS], dir: keep }, async ([sim], b) => {
        assert.is(await mo(sim, `Bezahlt (${round})`), SMPP_STATUS.ROK);
        assert.is(received(b).at(-1)?.msgId, id, round);
        const mail = await forwardedMail(b, String(received(b).at(-1)!.replyId));
        assert.is(mail.inReplyTo, '<before-restart-default@acme.test>', round);
        assert.equal(await viewOf(b, id).then((v) => [v.sender, v.senderFrom]), [OUR_NUMBER, 'connector'], `${round}: the history keeps it too`);
      });
    }
  } finally {
    await rm(keep, { recursive: true, force: true });
  }
});

D.run();

const H = suite('handsets\' replies to SMS that went with an http connector\'s default sender');

H('http connector with from and {{from}} in its request :: the submitted record names it, and a reply posted to webhook.mo reaches the clerk', () =>
  withRestConnector({ from: OUR_NUMBER, accounts: PLAIN }, async ({ b, peer, mailed, postMo }) => {
    const id = await mailed('<rest-default@acme.test>');
    assert.is(JSON.parse(peer.requests[0].body).from, OUR_NUMBER, 'the aggregator got the default');
    assert.equal([handover(b, id).connector, handover(b, id).sender], ['rest', OUR_NUMBER]);
    assert.is((await postMo('Erledigt')).status, 200);
    assert.equal(received(b).map((e) => e.msgId), [id]);
    assert.is((await forwardedMail(b, String(received(b)[0].replyId))).inReplyTo, '<rest-default@acme.test>');
  }));

H.run();
