import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * The bridge with `connectors: [{ type: "kannel" }]` against a stand-in for Kannel's
 * smsbox on loopback: it answers sendsms with 202 and calls the dlr-url back
 * the way Kannel does (%d = 1 delivered, 2 undelivered for numbers ending 0000).
 */
const K = suite<{ kannel: Server; requests: URLSearchParams[]; b: TestBridge }>('connectors kannel through the bridge');

K.before(async (ctx) => {
  ctx.requests = [];
  ctx.kannel = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/cgi-bin/sendsms') return void res.writeHead(404).end();
    ctx.requests.push(url.searchParams);
    res.writeHead(202).end('0: Accepted for delivery');
    const type = url.searchParams.get('to')!.endsWith('0000') ? '2' : '1';
    const dlr = url.searchParams.get('dlr-url')!.replace('%d', type).replace('%A', encodeURIComponent('NACK/0x0000000b/Invalid Destination Address'));
    setTimeout(() => void fetch(dlr).catch(() => undefined), 20);
  });
  await new Promise<void>((r) => ctx.kannel.listen(0, '127.0.0.1', r));
  const port = (ctx.kannel.address() as AddressInfo).port;
  ctx.b = await startTestBridge({
    connectors: [{ type: 'kannel', name: 'kannel', kannel: { baseUrl: `http://127.0.0.1:${port}`, username: 'bridge', password: 'pw', secret: 'kannel-test-secret-123', listenPort: 0 } }],
    inbound: { answer: { enabled: true } },
  });
});
K.after(async (ctx) => {
  await ctx.b.stop();
  await new Promise<void>((r) => ctx.kannel.close(() => r()));
  await rm(ctx.b.dir, { recursive: true, force: true });
});

K('kannel :: the SMS goes out as sendsms, the dlr-url callback marks it delivered, the confirmation follows', async ({ b, requests }) => {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345661@sms.localhost', subject: 'x', text: 'Über Kannel: 5 €.' });
  const id = queuedAs(info.response);
  const q = await waitFor('sendsms request', () => requests.find((r) => r.get('to') === '+4915112345661'));
  assert.equal([q.get('username'), q.get('password'), q.get('text'), q.get('coding'), q.get('charset'), q.get('dlr-mask')], ['bridge', 'pw', 'Über Kannel: 5 €.', '0', 'UTF-8', '19']);
  assert.match(q.get('dlr-url')!, /secret=kannel-test-secret-123/);
  const conf = await waitFor('delivered confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.delivered@`)));
  const mail = await simpleParser(conf[1]);
  assert.match(mail.text ?? '', /was delivered at/);
});

K('kannel :: X-SMS-Flash: yes and X-SMS-Validity: 2h :: sendsms with mclass=0 and validity in minutes, delivered', async ({ b, requests }) => {
  const info = await mailer(b.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345662@sms.localhost', subject: 'x', text: 'Code 4711', headers: { 'X-SMS-Flash': 'yes', 'X-SMS-Validity': '2h' },
  });
  const id = `${queuedAs(info.response)}.1`;
  const q = await waitFor('sendsms request', () => requests.find((r) => r.get('to') === '+4915112345662'));
  assert.is(q.get('mclass'), '0');
  const minutes = Number(q.get('validity'));
  assert.ok(minutes >= 118 && minutes <= 119, `validity=${q.get('validity')}`);
  await waitFor('delivered', () => b.store.get(id)?.status === 'delivered');
});

K('kannel :: type 2 (undelivered) → failed, with Kannel\'s reply text as the reason', async ({ b }) => {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112340000@sms.localhost', subject: 'x', text: 'Geht nicht.' });
  const id = queuedAs(info.response);
  const conf = await waitFor('failed confirmation', async () => [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${id}.1.failed@`)));
  assert.match((await simpleParser(conf[1])).text ?? '', /Invalid Destination Address/);
});

K('kannel :: a report with the wrong secret is refused and changes nothing', async ({ b, requests }) => {
  const dlr = new URL(requests[0].get('dlr-url')!.replace('%d', '2').replace('%A', 'x'));
  dlr.searchParams.set('secret', 'wrong-secret-wrong-secret');
  const res = await fetch(dlr);
  assert.is(res.status, 403);
});

K('kannel :: no report secret configured :: the start stops with the key named', async () => {
  try {
    await startTestBridge({ connectors: [{ type: 'kannel', name: 'kannel', kannel: { secret: '' } }] });
    assert.unreachable('should not start');
  } catch (e) {
    assert.match((e as Error).message, /connectors\[0\]\.kannel\.secret: must have at least 16 characters/);
  }
});

K('kannel :: a STOP forwarded by Kannel\'s sms-service (get-url .../mo/<name>?from=%p&to=%P&text=%a) puts the number on the opt-out list before 200 and is answered from %P; without the secret 403 and nothing changes', async ({ b, requests }) => {
  const hook = new URL((b.connectors.find((c) => c.name === 'kannel') as unknown as { webhookUrl: string }).webhookUrl);
  const mo = (q: Record<string, string>) => fetch(new URL(`/mo/kannel?${new URLSearchParams(q)}`, hook.origin));
  const forged = await mo({ from: '+4915112345669', to: '80888', text: 'STOP' });
  assert.is(forged.status, 403);
  assert.equal(b.optout.entries('+4915112345669'), []);
  const res = await mo({ secret: 'kannel-test-secret-123', from: '+4915112345669', to: '80888', text: 'Stop' });
  assert.is(res.status, 200);
  assert.is(b.optout.find('+4915112345669', '80888')?.source, 'sms', 'on the list for %P when Kannel got its 200');
  assert.ok(b.events.some((e) => e.evt === 'optout-added' && e.number === '+4915112345669' && e.connector === 'kannel'));
  // inbound.answer is on: the STOP is answered through Kannel, from the number Kannel said it was sent to (%P).
  const answer = await waitFor('the answer as sendsms', () => requests.find((r) => r.get('to') === '+4915112345669'));
  assert.equal([answer.get('from'), answer.get('text')], ['80888', 'You will receive no more messages from this number. Reply START to receive them again.']);
  const refused = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345669@sms.localhost', subject: 'x', text: 'Mahnung' }).then(() => '', (e: { response?: string }) => e.response ?? '');
  // No sender ID and Kannel's own default: it could come from 80888, so DATA refuses it.
  assert.match(refused, /550 5\.7\.1 \+4915112345669 asked not to receive SMS from 80888 \(opt-out list\), and this SMS names no sender ID/);
  assert.is((await mo({ secret: 'kannel-test-secret-123', from: '+4915112345669', to: '80888' })).status, 400, 'no text');
});

K.run();
