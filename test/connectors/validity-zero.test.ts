import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';
import { startLoopback, type Loopback } from './http/loopback.js';

/**
 * [VALIDITY:0] (Retarus' "the provider's default") over Kannel and an http
 * connector: the SMS has no validity of its own, so Kannel gets no
 * validity parameter and {{validity_minutes}} / {{expires_at}} render
 * empty, which leaves their fields out (as documented for every
 * placeholder); a validity of its own is sent, for contrast.
 */
const V = suite<{ peer: Loopback }>('connectors :: validity 0 over Kannel and http');

V.before(async (ctx) => {
  ctx.peer = await startLoopback();
  ctx.peer.reply = (r) => (r.url.pathname === '/cgi-bin/sendsms' ? { status: 202, body: '0: Accepted for delivery' } : { status: 201, type: 'application/json', body: '{"id":"agg-1"}' });
});
V.after(async ({ peer }) => peer.close());

async function send(b: TestBridge, to: string, subject: string, headers: Record<string, string> = {}): Promise<void> {
  await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `${to}@sms.localhost`, subject, text: 'Code 4711', headers });
}

V('kannel :: [VALIDITY:0], and X-SMS-Validity: 0 over a [VALIDITY:2] tag :: sendsms without validity; [VALIDITY:2] sends its minutes', async ({ peer }) => {
  const kannel = { name: 'kannel', type: 'kannel', kannel: { baseUrl: peer.base, username: 'bridge', password: 'pw', secret: 'kannel-test-secret-123', listenPort: 0 } };
  await withBridge({ connectors: [kannel] } as never, async (b) => {
    await send(b, '+4915112349201', 'x [VALIDITY:0]');
    await send(b, '+4915112349202', 'x [VALIDITY:2]', { 'X-SMS-Validity': '0' });
    await send(b, '+4915112349203', 'x [VALIDITY:2]');
    const q = (to: string) => waitFor(`sendsms to ${to}`, () => peer.requests.find((r) => r.url.searchParams.get('to') === to)?.url.searchParams);
    assert.is((await q('+4915112349201')).has('validity'), false);
    assert.is((await q('+4915112349202')).has('validity'), false);
    const minutes = Number((await q('+4915112349203')).get('validity'));
    assert.ok(minutes >= 118 && minutes <= 120, `validity=${minutes}`);
  });
});

V('http :: [VALIDITY:0] :: {{validity_minutes}} and {{expires_at}} render empty and their fields are left out; [VALIDITY:2] fills both', async ({ peer }) => {
  const http = {
    name: 'rest', type: 'http',
    http: { url: `${peer.base}/v1/sms`, body: { type: 'json', fields: { to: '{{to}}', text: '{{text}}', validity: '{{validity_minutes}}', expires: '{{expires_at}}' } }, response: { messageIdFrom: { type: 'json', path: 'id' } } },
  };
  await withBridge({ connectors: [http] } as never, async (b) => {
    await send(b, '+4915112349211', 'x [VALIDITY:0]');
    await send(b, '+4915112349212', 'x [VALIDITY:2]');
    const body = (to: string) => waitFor(`request to ${to}`, () => peer.requests.map((r) => (r.url.pathname === '/v1/sms' ? JSON.parse(r.body) as Record<string, string> : undefined)).find((x) => x?.to === to));
    assert.equal(await body('+4915112349211'), { to: '+4915112349211', text: 'Code 4711' });
    const two = await body('+4915112349212');
    assert.ok(Number(two.validity) >= 118 && Number(two.validity) <= 120, JSON.stringify(two));
    assert.ok(Math.abs(Date.parse(two.expires) - Date.now() - 2 * 3600_000) < 120_000, JSON.stringify(two));
  });
});

V.run();
