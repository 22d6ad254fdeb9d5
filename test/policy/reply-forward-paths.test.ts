import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { forwardedMail, HANDSET, LOGIN, OUR_NUMBER, remind, withRestConnector, withSmsc } from '../helpers/replies.js';
import { mailer, sendSms } from '../helpers/smtp.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';

/**
 * The other ends of a reply's way: a bridge restarted between the SMS and
 * its reply; the clerk hitting Reply in a mail client, which becomes an SMS
 * to the handset from the same number; and the two HTTP connectors that
 * deliver replies (Kannel's sms-service and an http connector's webhook.mo).
 */
const P = suite('handsets\' replies :: restart and the clerk\'s answer');

const received = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-received');

P('restart between the reminder and the reply :: the reply still finds the reminder and its clerk (twice: from the journal, then from the snapshot)', async () => {
  let id = '';
  const keep = await mkdtemp(join(tmpdir(), 'mail2sms-reply-restart-'));
  try {
    await withSmsc({}, async (sim, b) => {
      id = await remind(b, sim, { messageId: '<before-restart@acme.test>' });
    }, { dir: keep });
    for (const round of ['after the first restart', 'after the second']) {
      await withSmsc({}, async (sim, b) => {
        await waitFor('the bind', () => sim.connections > 0);
        assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text: `Bezahlt (${round})` }), 0);
        assert.is(received(b).at(-1)?.msgId, id, round);
        const mail = await forwardedMail(b, String(received(b).at(-1)!.replyId));
        assert.is(mail.inReplyTo, '<before-restart@acme.test>', round);
      }, { dir: keep });
    }
  } finally {
    await rm(keep, { recursive: true, force: true });
  }
});

P('the clerk hits Reply :: the answer above the quote goes to the handset as an SMS, from the number the customer wrote to', () =>
  withSmsc({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], senderId: 'ACME', numericSender: OUR_NUMBER, allowedSenderIds: ['ACME'] }] }, async (sim, b) => {
    // The reminder goes out from the account's number (asked for in the mail); its default sender is a name nobody can answer.
    await remind(b, sim, { headers: { 'X-SMS-Sender-ID': OUR_NUMBER } });
    assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text: 'Habe gestern bezahlt.' }), 0);
    const fwd = await forwardedMail(b, String(received(b)[0].replyId));
    // What Thunderbird sends on Reply: To from Reply-To, "Re:" subject, threading, the forwarded mail quoted below the answer.
    const quoted = (fwd.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
    const info = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: fwd.replyTo!.text, subject: `Re: ${fwd.subject}`, inReplyTo: fwd.messageId, references: [fwd.messageId!],
      text: `Danke, ist verbucht.\n\nAm 01.12.2026 um 10:00 schrieb mail2sms:\n${quoted}\n`,
    });
    assert.match(info.response, /^250 /);
    const sms = await waitFor('the answer at the SMSC', () => sim.received.find((r) => r.destination.addr === HANDSET.slice(1) && (r.text ?? '').startsWith('Danke')));
    assert.is(sms.text, 'Danke, ist verbucht.');
    assert.equal([sms.source.ton, sms.source.addr], [1, OUR_NUMBER.slice(1)]);
  }));

P('history :: the API shows the reply in the answered SMS\'s timeline (its length, where its mail went, never its text), also once archived after a restart', async () => {
  const keep = await mkdtemp(join(tmpdir(), 'mail2sms-reply-history-'));
  const timeline = async (b: TestBridge, id: string) => {
    await b.users.add('lead', 'acme', 'lead-password-1').catch(() => undefined);
    const res = await call(b, 'GET', `/api/v1/messages/${id}`, { auth: await bearer(b, 'lead', 'lead-password-1') });
    return res.body as { timeline: Array<{ status: string; reason: string | null }>; replies: Array<{ chars: number; mailed: string | null }> };
  };
  try {
    let id = '';
    await withSmsc({}, async (sim, b) => {
      id = await remind(b, sim);
      assert.is(await sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text: 'Geheim: bezahlt' }), 0);
      await waitFor('the mail sent', () => b.events.find((e) => e.evt === 'sms-reply-forwarded'));
      const view = await timeline(b, id);
      const entry = view.timeline.find((e) => e.status === 'reply');
      assert.is(entry?.reason, `reply received from ${HANDSET} (15 characters), mailed to clerk@acme.test`);
      assert.not.ok(JSON.stringify(view).includes('Geheim'));
    }, { dir: keep });
    // The restart compacts: the reply leaves memory for the replies' archive, and the history reads it there.
    await withSmsc({}, async (_sim, b) => {
      await waitFor('the reply archived', () => b.events.find((e) => e.evt === 'store-compacted' && e.replies === 1));
      const view = await timeline(b, id);
      assert.equal(view.replies.map((r) => [r.chars, r.mailed !== null]), [[15, true]]);
      assert.is(view.timeline.filter((e) => e.status === 'reply').length, 1);
      // The portal's page of the SMS shows it as a step of its timeline.
      const session = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
      const page = await (await fetch(`${apiBase(b)}/messages/${encodeURIComponent(id)}`, { headers: { cookie: session, accept: 'text/html' } })).text();
      assert.match(page, new RegExp(`data-status="reply">\\s*<span class="label">Reply received from \\${HANDSET}</span>`));
      assert.not.ok(page.includes('Geheim'));
    }, { dir: keep });
  } finally {
    await rm(keep, { recursive: true, force: true });
  }
});

P.run();

const K = suite<{ kannel: Server; requests: URLSearchParams[]; b: TestBridge }>('handsets\' replies :: Kannel\'s sms-service');

K.before(async (ctx) => {
  ctx.requests = [];
  ctx.kannel = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    ctx.requests.push(url.searchParams);
    res.writeHead(202).end('0: Accepted for delivery');
  });
  await new Promise<void>((r) => ctx.kannel.listen(0, '127.0.0.1', r));
  ctx.b = await startTestBridge({
    connectors: [{ type: 'kannel', name: 'kannel', kannel: { baseUrl: `http://127.0.0.1:${(ctx.kannel.address() as AddressInfo).port}`, username: 'u', password: 'p', secret: 'kannel-test-secret-123', listenPort: 0 } }],
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], senderId: OUR_NUMBER, numericSender: OUR_NUMBER }],
  });
});
K.after(async (ctx) => {
  await ctx.b.stop();
  await new Promise<void>((r) => ctx.kannel.close(() => r()));
  await rm(ctx.b.dir, { recursive: true, force: true });
});

K('a reply through get-url .../mo/kannel?from=%p&to=%P&text=%a :: 200 once stored, then the mail to the clerk', async ({ b, requests }) => {
  const id = await sendSms(b.port, HANDSET, { subject: 'Mahnung', text: 'Bitte zahlen.', messageId: '<kannel-reminder@acme.test>' });
  await waitFor('sendsms', () => requests.some((r) => r.get('to') === HANDSET));
  await waitFor('handed over', () => b.store.get(id)?.status === 'submitted');
  const hook = new URL((b.connectors.find((c) => c.name === 'kannel') as unknown as { webhookUrl: string }).webhookUrl);
  const res = await fetch(new URL(`/mo/kannel?${new URLSearchParams({ secret: 'kannel-test-secret-123', from: HANDSET, to: OUR_NUMBER, text: 'Schon bezahlt' })}`, hook.origin));
  assert.is(res.status, 200);
  assert.is(received(b).length, 1, 'stored before the 200');
  const mail = await forwardedMail(b, String(received(b)[0].replyId));
  assert.equal([mail.inReplyTo, mail.replyTo?.text], ['<kannel-reminder@acme.test>', `${HANDSET}@sms.localhost`]);
  assert.match(mail.text ?? '', /\n\nSchon bezahlt\n\n/);
});

K.run();

const H = suite('handsets\' replies :: an http connector\'s webhook.mo');

H('a reply POSTed to webhook.mo.path :: 200 once stored, then the mail to the clerk; the aggregator\'s retry of it makes no second', () =>
  withRestConnector({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], senderId: OUR_NUMBER, numericSender: OUR_NUMBER }] }, async ({ b, mailed, postMo }) => {
    await mailed('<rest-reminder@acme.test>');
    assert.is((await postMo('Erledigt, danke')).status, 200);
    assert.is(received(b).length, 1);
    const mail = await forwardedMail(b, String(received(b)[0].replyId));
    assert.is(mail.inReplyTo, '<rest-reminder@acme.test>');
    // The same reply again (the aggregator's retry): 200, nothing new.
    assert.is((await postMo('Erledigt, danke')).status, 200);
    assert.is(received(b).length, 1);
  }));

H.run();
