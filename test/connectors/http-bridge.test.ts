import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/config/load.js';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { freePort } from '../helpers/process.js';
import { sendSms } from '../helpers/smtp.js';
import { failWriteOf, holdWriteOf } from '../helpers/store.js';
import { startLoopback, type Loopback, type Recorded } from './http/loopback.js';

/**
 * A REST aggregator configured purely as data (connectors[].type "http"),
 * played by a loopback HTTP server: JSON requests with a bearer token from
 * the environment, ids from the JSON answer, reports to our webhook with a
 * shared secret (also from the environment) through the per-message
 * callback URL the aggregator was given.
 */
const H = suite<{ peer: Loopback; b: TestBridge }>('connectors http through the bridge');

const env = { REST_AUTH: 'Bearer t0ken-from-env', REST_HOOK_SECRET: 'rest-hook-secret-from-env' };

H.before(async (ctx) => {
  ctx.peer = await startLoopback();
  let n = 0;
  ctx.peer.reply = (r) => {
    const to = (JSON.parse(r.body) as { to: string }).to;
    if (to.endsWith('9999')) return { status: 400, type: 'application/json', body: '{"error":{"code":21211,"message":"number not in service"}}' };
    return { status: 201, type: 'application/json', body: JSON.stringify({ messages: [{ id: `agg-${++n}`, status: 'queued' }] }) };
  };
  ctx.b = await startTestBridge({
    limits: { countries: ['*'] }, // UK test numbers; destinations are anti-pumping.test's business
    connectors: [{
      name: 'rest', type: 'http',
      http: {
        url: `${ctx.peer.base}/v1/messages`,
        headers: { Authorization: '${REST_AUTH}' },
        body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}', reference: '{{id}}', callback: '{{dlr_url}}' } },
        response: { messageIdFrom: { type: 'json', path: 'messages.0.id' }, errorFrom: { type: 'json', path: 'error.message' } },
        webhook: {
          enabled: true, listen: { port: 0 }, secret: '${REST_HOOK_SECRET}',
          idParam: 'message.id', statusParam: 'message.status', reasonParam: 'message.error',
          statusMap: { DELIVERED: 'delivered', UNDELIVERABLE: 'failed', ACCEPTED: 'enroute' },
        },
      },
    }],
  }, undefined, { env });
});
H.after(async (ctx) => {
  await ctx.b.stop();
  await ctx.peer.close();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

const send = (b: TestBridge, to: string, text: string) => sendSms(b.port, to, { text });

const requestFor = (peer: Loopback, id: string) =>
  waitFor(`request for ${id}`, () => peer.requests.find((r) => (JSON.parse(r.body) as { reference: string }).reference === id));

const report = (callback: string, message: object) =>
  fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });

/** An SMS sent and handed to the aggregator: its id, the request's body (with the report callback), and the aggregator's id. */
async function submitted(b: TestBridge, peer: Loopback, to: string, text: string) {
  const id = await send(b, to, text);
  const body = JSON.parse((await requestFor(peer, id)).body) as { callback: string };
  await waitFor('submitted', () => b.store.get(id)?.status === 'submitted');
  return { id, body, agg: b.store.get(id)!.history.at(-1)!.connectorMessageId! };
}

/** The journal write of SMS `id`'s delivered report (for failWriteOf / holdWriteOf). */
const deliveredWrite = (id: string) => (rec: { id?: string; event?: unknown }) => rec.id === id && (rec.event as { status?: string } | undefined)?.status === 'delivered';

async function confirmation(b: TestBridge, id: string, stage: string): Promise<string> {
  const [, raw] = await waitFor(`${stage} confirmation of ${id}`, async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.${stage}@`)));
  return (await simpleParser(raw)).text ?? '';
}

H('http :: JSON request from the config, then the report through the callback with the secret :: delivered, confirmed', async ({ b, peer }) => {
  const id = await send(b, '+447400123456', 'Your parcel arrives today.');
  const req: Recorded = await requestFor(peer, id);
  assert.is(`${req.method} ${req.url.pathname}`, 'POST /v1/messages');
  assert.is(req.headers.authorization, 'Bearer t0ken-from-env');
  const body = JSON.parse(req.body) as Record<string, string>;
  assert.equal({ ...body, callback: undefined }, { to: '+447400123456', text: 'Your parcel arrives today.', reference: id, callback: undefined });
  const callback = new URL(body.callback);
  assert.is(callback.pathname, '/dlr/rest');
  assert.is(callback.searchParams.get('secret'), env.REST_HOOK_SECRET);

  await waitFor('submitted', () => b.store.get(id)?.status === 'submitted');
  assert.is((await report(body.callback, { id: 'agg-1', status: 'ACCEPTED' })).status, 200);
  assert.is((await report(body.callback, { id: 'agg-1', status: 'DELIVERED' })).status, 200);
  assert.match(await confirmation(b, id, 'delivered'), /was delivered at/);
  const last = b.store.get(id)!.history.at(-1)!;
  assert.equal([last.status, last.connector], ['delivered', 'rest']);
});

H('http :: a report with a wrong secret :: 403 and the status does not change; without one :: 403', async ({ b, peer }) => {
  const { id, body, agg } = await submitted(b, peer, '+447400123457', 'Second parcel.');
  const forged = new URL(body.callback);
  forged.searchParams.set('secret', 'guessed-secret-guessed');
  assert.is((await report(forged.toString(), { id: agg, status: 'UNDELIVERABLE', error: 'forged' })).status, 403);
  forged.searchParams.delete('secret');
  assert.is((await report(forged.toString(), { id: agg, status: 'UNDELIVERABLE', error: 'forged' })).status, 403);
  assert.is(b.store.get(id)!.status, 'submitted');
  assert.is((await report(body.callback, { id: agg, status: 'UNDELIVERABLE', error: 'absent subscriber' })).status, 200);
  assert.match(await confirmation(b, id, 'failed'), /absent subscriber/);
});

H('http :: a report :: answered 200 only once the status it brings is in the store (a crash before that makes the aggregator send it again)', async ({ b, peer }) => {
  const { id, body, agg } = await submitted(b, peer, '+447400123458', 'Third parcel.');
  const answer = await report(body.callback, { id: agg, status: 'DELIVERED' });
  // The store changes its memory only once a write is durable.
  const status = b.store.get(id)!.status;
  assert.equal([answer.status, status], [200, 'delivered']);
});

H('http :: a report the store cannot write :: 500, so the aggregator sends it again; the second one is stored', async ({ b, peer }) => {
  const { id, body, agg } = await submitted(b, peer, '+447400123459', 'Fourth parcel.');
  // Exactly the write of this report fails, as an I/O error would; any other write meanwhile is stored.
  failWriteOf(b.store, deliveredWrite(id));
  assert.is((await report(body.callback, { id: agg, status: 'DELIVERED' })).status, 500);
  assert.is(b.store.get(id)!.status, 'submitted');
  assert.is((await report(body.callback, { id: agg, status: 'DELIVERED' })).status, 200);
  assert.is(b.store.get(id)!.status, 'delivered');
});

H('http :: a report whose write is slow (a loaded disk, longer than the 5 s a kept report waits) :: answered 200 only once it is stored, never before', async ({ b, peer }) => {
  const { id, body, agg } = await submitted(b, peer, '+447400123460', 'Fifth parcel.');
  const slow = holdWriteOf(b.store, deliveredWrite(id));
  let answered: number | undefined;
  const answer = report(body.callback, { id: agg, status: 'DELIVERED' }).then((r) => (answered = r.status));
  try {
    await slow.held;
    // Longer than any wait the webhook has for a report it only keeps: a 200 now would be one the aggregator never repeats, for a status not on disk.
    await new Promise((r) => setTimeout(r, 6000));
    assert.is(answered, undefined, 'no answer while the write is under way');
  } finally {
    slow.release();
  }
  assert.is(await answer, 200);
  assert.is(b.store.get(id)!.status, 'delivered');
});

H('http :: a report sent again while its first write is slow, and that write then fails :: the copy waits for it and gets 500 too, so the aggregator sends it again and it is stored', async ({ b, peer }) => {
  const { id, body, agg } = await submitted(b, peer, '+447400123462', 'Seventh parcel.');
  const slow = holdWriteOf(b.store, deliveredWrite(id), { thenFail: true });
  const first = report(body.callback, { id: agg, status: 'DELIVERED' }).then((r) => r.status);
  let copyAnswer: number | undefined;
  try {
    await slow.held;
    // The aggregator gave up on the first callback and sends it again; a 200 for this copy is one it never repeats.
    const copy = report(body.callback, { id: agg, status: 'DELIVERED' }).then((r) => (copyAnswer = r.status));
    copy.catch(() => {});
    await waitFor('the copy seen as one being written, or answered', () => copyAnswer !== undefined || b.events.some((e) => e.evt === 'report-repeated' && e.connectorMessageId === agg));
  } finally {
    slow.release();
  }
  assert.is(await first, 500);
  await waitFor('the copy answered', () => copyAnswer);
  assert.is(copyAnswer, 500, 'the copy is answered with the write it waited for');
  assert.is(b.store.get(id)!.status, 'submitted');
  assert.is((await report(body.callback, { id: agg, status: 'DELIVERED' })).status, 200);
  assert.is(b.store.get(id)!.status, 'delivered');
});

H('http :: a report for an id no SMS has yet (its submit answer may still come) :: kept, and answered 200 after the kept-report wait, not held for the 10 minutes it is kept', async ({ b, peer }) => {
  const id = await send(b, '+447400123461', 'Sixth parcel.');
  const body = JSON.parse((await requestFor(peer, id)).body) as { callback: string };
  await waitFor('submitted', () => b.store.get(id)?.status === 'submitted');
  assert.is((await report(body.callback, { id: 'agg-unknown-yet', status: 'DELIVERED' })).status, 200);
  assert.is(b.store.get(id)!.status, 'submitted', 'nothing recorded for it');
});

H('http :: the aggregator refuses the number (400) :: rejected with its own words, a failure confirmation', async ({ b }) => {
  const id = await send(b, '+447400129999', 'Nobody home.');
  assert.match(await confirmation(b, id, 'rejected'), /HTTP 400: number not in service/);
});

H('http :: a connector that cannot start (its report port taken by another) :: the start stops with its name, the others are stopped again', async () => {
  const port = await freePort();
  const hook = { enabled: true, listen: { port }, secret: 'a-secret-of-16-chars' };
  const connectors = ['a', 'b'].map((name) => ({ name, type: 'http' as const, http: { url: 'http://127.0.0.1:9/sms', webhook: hook } }));
  try {
    await startTestBridge({ connectors });
    assert.unreachable('should not start');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /connector "b" \(http\) cannot start: listen EADDRINUSE/);
  }
  // "a" let go of the port when the start was abandoned
  const again = await startTestBridge({ connectors: connectors.slice(0, 1) });
  await again.stop();
  await rm(again.dir, { recursive: true, force: true });
});

H.run();
