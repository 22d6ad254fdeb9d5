import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../../helpers/bridge.js';
import { mailer, refusal } from '../../helpers/smtp.js';
import { Receiver, type Received } from './receiver.js';

/**
 * Status callbacks end to end: a bridge on 127.0.0.1 with the built-in
 * simulator, an SMS submitted over the REST API or by mail, and a real HTTP
 * server standing in for the integrator's ERP.
 */
const SECRET = 'erp-callback-secret-0123456789';

type Verify = (raw: string, headers: Received['headers'], secret: string, toleranceSeconds?: number) => boolean;

/** The README's verification snippet, run exactly as written there. */
async function readmeVerify(): Promise<Verify> {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /<!-- status-callback-verify:[^>]*-->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'the README has the verification snippet');
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-verify-'));
  try {
    const file = join(dir, 'verify.mjs');
    await writeFile(file, block[1]);
    return ((await import(pathToFileURL(file).href)) as { verifyMail2sms: Verify }).verifyMail2sms;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function bridgeWith(erp: Receiver, more: Record<string, unknown> = {}, dir?: string): Promise<TestBridge> {
  return startTestBridge({
    accounts: [{
      name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'],
      statusCallbacks: { allow: [`${erp.url}/hooks/`], secret: SECRET }, ...more,
    }] as never,
    statusCallbacks: { retrySeconds: [1] },
  }, dir);
}

async function submit(b: TestBridge, auth: string, body: Record<string, unknown>) {
  const r = await call(b, 'POST', '/api/v1/messages', { auth, body: { to: '+4915112345678', text: 'Rechnung INV-4711 ist fällig.', ...body } });
  return r;
}

const C = suite<{ erp: Receiver; b: TestBridge; lead: string }>('status callbacks');

C.before.each(async (ctx) => {
  ctx.erp = await new Receiver().start();
  ctx.b = await bridgeWith(ctx.erp);
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
C.after.each(async (ctx) => {
  await ctx.b.stop();
  await ctx.erp.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

C('api :: accepted, submitted and delivered are pushed, signed as the README verifies, with the reference and parts', async ({ erp, b, lead }) => {
  const verify = await readmeVerify();
  const r = await submit(b, lead, { reference: 'INV-4711', statusCallback: `${erp.url}/hooks/sms?token=abc` });
  assert.is(r.status, 201, JSON.stringify(r.body));
  const id = r.body.messages[0].id as string;
  await waitFor('three pushes', () => erp.got.length >= 3);
  assert.equal(erp.statuses(id).sort(), ['accepted', 'delivered', 'submitted']);
  for (const g of erp.got) {
    assert.is(g.path, '/hooks/sms?token=abc');
    assert.ok(verify(g.raw, g.headers, SECRET), `signature of ${g.body.status} verifies`);
    assert.not.ok(verify(g.raw, g.headers, 'another-secret-0123456789'), 'not with another secret');
    assert.not.ok(verify(g.raw.replace('INV-4711', 'INV-4712'), g.headers, SECRET), 'not for another body');
    // Computed independently of the README too: HMAC-SHA256 over "<timestamp>.<body>".
    const t = g.headers['x-mail2sms-timestamp'] as string;
    assert.is(g.headers['x-mail2sms-signature'], `v1=${createHmac('sha256', SECRET).update(`${t}.${g.raw}`).digest('hex')}`);
    assert.match(String(g.headers['content-type']), /^application\/json/);
    assert.match(String(g.headers['user-agent']), /^mail2sms\/\d+\.\d+\.\d+ /);
    assert.is(g.headers['x-mail2sms-event-id'], `${id}/${g.body.status}`);
  }
  const done = erp.got.find((g) => g.body.status === 'delivered')!.body;
  assert.equal(
    { ...done, at: typeof done.at, connectorMessageId: typeof done.connectorMessageId },
    {
      eventId: `${id}/delivered`, smsId: id, mailId: r.body.mailId, account: 'acme', reference: 'INV-4711', billingCode: null, to: '+4915112345678', status: 'delivered', final: true,
      at: 'string', reason: null, connector: 'simulator', connectorMessageId: 'string', parts: { delivered: 1, of: 1 },
    },
  );
  assert.ok(verify(erp.got[0].raw, erp.got[0].headers, SECRET, 300));
  // A push recorded long ago is refused by the README's check: the timestamp is signed.
  const old = { ...erp.got[0].headers, 'x-mail2sms-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
  assert.not.ok(verify(erp.got[0].raw, old, SECRET));
  const view = await waitFor('callbacks recorded as sent', async () => {
    const v = (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body;
    const cbs = v.confirmations.filter((c: { channel?: string }) => c.channel === 'callback');
    return cbs.length === 3 && cbs.every((c: { sentAt: string | null }) => c.sentAt) ? cbs : undefined;
  });
  assert.ok(view.every((c: { where: string }) => /HTTP 200$/.test(c.where)), JSON.stringify(view));
  const sent = b.events.filter((e) => e.evt === 'callback-sent');
  assert.is(sent.length, 3);
  assert.ok(sent.every((e) => e.url === `${erp.url}/hooks/sms?…`), 'the query (a token) is not logged');
  assert.not.ok(JSON.stringify(b.events).includes(SECRET), 'the secret is never logged');
  const metrics = await fetch(`http://127.0.0.1:${b.api!.port}/metrics`).then((x) => x.text());
  assert.match(metrics, /^mail2sms_status_callbacks_total\{account="acme",outcome="sent"\} 3$/m, 'by account: which ERP\'s receiver it was');
});

C('rotation :: with previousSecret every push carries a signature per secret, the new first; the README\'s code accepts it with either secret, not with another', async ({ erp }) => {
  const NEW = 'erp-callback-secret-new-9876543210';
  const verify = await readmeVerify();
  const b = await bridgeWith(erp, { statusCallbacks: { allow: [`${erp.url}/hooks/`], secret: NEW, previousSecret: SECRET } });
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    const r = await submit(b, await bearer(b, 'lead', 'lead-password-1'), { statusCallback: `${erp.url}/hooks/rotate`, statusCallbackLevel: 'final' });
    assert.is(r.status, 201, JSON.stringify(r.body));
    const g = await waitFor('the delivered push', () => erp.got.find((x) => x.path === '/hooks/rotate'));
    const t = g.headers['x-mail2sms-timestamp'] as string;
    const sign = (secret: string) => `v1=${createHmac('sha256', secret).update(`${t}.${g.raw}`).digest('hex')}`;
    assert.is(g.headers['x-mail2sms-signature'], `${sign(NEW)}, ${sign(SECRET)}`);
    assert.ok(verify(g.raw, g.headers, NEW), 'a receiver with the new secret');
    assert.ok(verify(g.raw, g.headers, SECRET), 'a receiver still with the previous secret');
    assert.not.ok(verify(g.raw, g.headers, 'another-secret-0123456789'), 'not with another secret');
    assert.not.ok(verify(g.raw.replace('"final":true', '"final":false'), g.headers, SECRET), 'not for another body');
    assert.not.ok(JSON.stringify(b.events).includes(NEW) || JSON.stringify(b.events).includes(SECRET), 'neither secret is logged');
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

C('api :: level final pushes only the final status; an SMS without a callback owes none', async ({ erp, b, lead }) => {
  const r = await submit(b, lead, { statusCallback: `${erp.url}/hooks/x`, statusCallbackLevel: 'final' });
  const plain = await submit(b, lead, { text: 'ohne Rückruf' });
  const id = r.body.messages[0].id as string;
  await waitFor('the delivered push', () => erp.statuses(id).includes('delivered'));
  await waitFor('the other delivered', async () => (await call(b, 'GET', `/api/v1/messages/${plain.body.messages[0].id}`, { auth: lead })).body.status === 'delivered');
  assert.equal(erp.statuses(id), ['delivered']);
  assert.is(erp.got.length, 1, 'nothing for the SMS without a callback');
  assert.is(b.store.get(plain.body.messages[0].id)?.callback, undefined);
});

C('retry :: a receiver answering 500 then 200 gets every event once it answers, with the same eventId and body', async ({ erp, b, lead }) => {
  erp.answers = [{ status: 500 }, { status: 503 }, { status: 500 }];
  const r = await submit(b, lead, { statusCallback: `${erp.url}/hooks/x` });
  const id = r.body.messages[0].id as string;
  await waitFor('every event answered 200', () => ['accepted', 'submitted', 'delivered'].every((s) => b.store.get(id)?.confirmations.some((c) => c.channel === 'callback' && c.stage === s && c.sentAt) ?? true)
    && b.events.filter((e) => e.evt === 'callback-sent').length === 3, 10_000);
  const failedFirst = erp.got.slice(0, 3);
  for (const f of failedFirst) {
    const again = erp.got.slice(3).filter((g) => g.body.eventId === f.body.eventId);
    assert.is(again.length, 1, `${f.body.eventId} sent again once`);
    assert.is(again[0].raw, f.raw, 'the same body');
  }
  assert.is(b.events.filter((e) => e.evt === 'callback-retry').length, 3);
});

C('retry :: Retry-After of a 503 is honoured instead of the retry schedule', async ({ erp, b, lead }) => {
  erp.answers = [{ status: 503, headers: { 'Retry-After': '120' } }];
  const r = await submit(b, lead, { statusCallback: `${erp.url}/hooks/x`, statusCallbackLevel: 'all' });
  const id = r.body.messages[0].id as string;
  const retry = await waitFor('the retry logged', () => b.events.find((e) => e.evt === 'callback-retry'));
  assert.is(retry.wait, 120);
  // The retry is logged before its wait is stored: under load the store can be a moment behind the log.
  const owed = await waitFor('the retry stored', () => b.store.get(id)!.confirmations.find((c) => c.channel === 'callback' && c.stage === retry.stage && c.lastError));
  assert.is(owed.lastError, 'HTTP 503 Service Unavailable');
  assert.ok(Date.parse(owed.notBefore) - Date.now() > 100_000, `waits two minutes: ${owed.notBefore}`);
});

C('final :: a 404 is not tried again (logged, shown as not sent); a redirect is not followed', async ({ erp, b, lead }) => {
  erp.answers = [{ status: 404 }, { status: 302, headers: { location: `${erp.url}/hooks/elsewhere` } }, { status: 410 }];
  const r = await submit(b, lead, { statusCallback: `${erp.url}/hooks/x` });
  const id = r.body.messages[0].id as string;
  await waitFor('all three given up', () => b.events.filter((e) => e.evt === 'callback-failed').length === 3);
  // Each request reached the ERP before its failure was logged; a retry could only come of a callback still owed (one would be within the minute).
  await waitFor('no callback owed', () => b.store.confirmationsDue(new Date(Date.now() + 60_000), 10, 'callback').length === 0);
  assert.is(erp.got.length, 3, 'one request per event: no retry, no redirect followed');
  assert.not.ok(erp.got.some((g) => g.path === '/hooks/elsewhere'));
  const cbs = b.store.get(id)?.confirmations.filter((c) => c.channel === 'callback') ?? (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.confirmations;
  const wheres = cbs.map((c: { where?: string }) => c.where).sort();
  assert.equal(wheres.map((w: string) => w.replace(/ (Not Found|Found|Gone)/, '')), ['not sent: HTTP 302: redirects are not followed', 'not sent: HTTP 404', 'not sent: HTTP 410']);
});

C('allow list :: a URL outside it is refused with 422 naming what is allowed, and nothing is stored', async ({ erp, b, lead }) => {
  const cases = [
    `${erp.url}/admin`,
    `${erp.url.replace('127.0.0.1', 'localhost')}/hooks/x`,
    `http://127.0.0.1:1/hooks/x`,
    `ftp://127.0.0.1/hooks/x`,
    `${erp.url.replace('http://', 'http://user:pw@')}/hooks/x`,
    'not a url',
  ];
  for (const url of cases) {
    const r = await submit(b, lead, { statusCallback: url });
    assert.is(r.status, 422, url);
    assert.is(r.body.title, 'CallbackNotAllowed', url);
    assert.equal(r.body.allowed, [`${erp.url}/hooks/`]);
    if (!/ftp|user|not a url/.test(url)) assert.ok(r.body.detail.includes(`allowed: URLs under ${erp.url}/hooks/`), r.body.detail);
  }
  assert.is(b.store.counts().accepted + b.store.counts().delivered, 0, 'nothing stored');
  assert.is(erp.got.length, 0);
});

C('mail :: X-SMS-Status-Callback inside the list is pushed; outside it the mail is refused with 550 5.7.1', async ({ erp, b }) => {
  await mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Per Mail.', headers: { 'X-SMS-Status-Callback': `${erp.url}/hooks/mail`, 'X-SMS-Reference': 'M-1' } });
  await waitFor('the delivered push', () => erp.got.some((g) => g.body.status === 'delivered'));
  assert.ok(erp.got.every((g) => g.path === '/hooks/mail' && g.body.reference === 'M-1'));
  const refused = await refusal(mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Nein.', headers: { 'X-SMS-Status-Callback': 'http://10.0.0.1/' } }));
  assert.match(refused, /^550 5\.7\.1 X-SMS-Status-Callback: status callback "http:\/\/10\.0\.0\.1\/" is not allowed; allowed: URLs under /);
});

C('mail :: X-SMS-Status-Callback-Level final pushes only the final status, as the REST API\'s statusCallbackLevel', async ({ erp, b }) => {
  await mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Nur das Ende.', headers: { 'X-SMS-Status-Callback': `${erp.url}/hooks/level`, 'X-SMS-Status-Callback-Level': 'delivery' } });
  await waitFor('the delivered push', () => erp.got.some((g) => g.body.status === 'delivered'));
  const id = erp.got[0]!.body.smsId as string;
  assert.equal(b.store.get(id)?.callback, { url: `${erp.url}/hooks/level`, level: 'final' });
  assert.equal(erp.statuses(id), ['delivered']);
});

C('bad callback level, URL outside the list and another bad option :: one 550 5.6.0 naming all three; the REST API names them alike in one 422', async ({ erp, b, lead }) => {
  const refused = await refusal(mailer(b.port).sendMail({
    from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Nein.',
    headers: { 'X-SMS-Status-Callback': 'http://10.0.0.1/', 'X-SMS-Status-Callback-Level': 'sometimes', 'X-SMS-Flash': 'vielleicht' },
  }));
  assert.is(refused, `550 5.6.0 option X-SMS-Flash has the value "vielleicht", which is not valid: use yes, no, true, false, on or off; `
    + 'option X-SMS-Status-Callback-Level has the value "sometimes", which is not valid: use none, failure, final, delivery or all; '
    + `X-SMS-Status-Callback: status callback "http://10.0.0.1/" is not allowed; allowed: URLs under ${erp.url}/hooks/`);
  const r = await submit(b, lead, { statusCallback: 'http://10.0.0.1/', statusCallbackLevel: 'sometimes', flash: 'vielleicht' });
  assert.equal([r.status, r.body.title], [422, 'BadOption']);
  assert.is(r.body.detail, 'option flash has the value "vielleicht", which is not valid: use yes, no, true, false, on or off; '
    + 'option statusCallbackLevel has the value "sometimes", which is not valid: use none, failure, final, delivery or all; '
    + `statusCallback: status callback "http://10.0.0.1/" is not allowed; allowed: URLs under ${erp.url}/hooks/`);
  assert.is(b.store.counts().accepted, 0, 'nothing stored');
});

C('mail :: X-SMS-Status-Callback in angle brackets or folded over two lines (as mail headers carry URLs) is read as the URL', async ({ erp, b }) => {
  const raw = ['From: erp@acme.test', 'To: +4915112345678@sms.localhost', 'Subject: x', `X-SMS-Status-Callback: <${erp.url}/hooks/`, ' angle>', '', 'Gefaltet.'].join('\r\n');
  await mailer(b.port).sendMail({ envelope: { from: 'erp@acme.test', to: ['+4915112345678@sms.localhost'] }, raw });
  await waitFor('a push to the unwrapped URL', () => erp.got.some((g) => g.path === '/hooks/angle'));
});

C('account default :: set at run time, applies to mail and API; a request can switch it off with none', async ({ erp, b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallback: 'http://10.1.2.3/' } });
  assert.is(bad.status, 422);
  assert.match(bad.body.detail, /statusCallback: status callback "http:\/\/10\.1\.2\.3\/" is not allowed/);
  const ok = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { statusCallback: `${erp.url}/hooks/default`, statusCallbackLevel: 'final' } });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.not.ok(JSON.stringify(ok.body).includes(SECRET), 'the account view never shows the secret');
  await mailer(b.port).sendMail({ from: 'erp@acme.test', to: '+4915112345678@sms.localhost', subject: 'x', text: 'Standard.' });
  const off = await submit(b, lead, { statusCallbackLevel: 'none' });
  await waitFor('the mail\'s delivered push', () => erp.got.some((g) => g.body.status === 'delivered'));
  await waitFor('the switched-off SMS delivered', async () => (await call(b, 'GET', `/api/v1/messages/${off.body.messages[0].id}`, { auth: lead })).body.status === 'delivered');
  assert.equal(erp.got.map((g) => [g.path, g.body.status]), [['/hooks/default', 'delivered']]);
});

C.run();

const P = suite('status callbacks :: per host');

P('a receiver that holds its pushes gets at most perHost at once, and another receiver and the confirmation mails are not held up', async () => {
  const slow = await new Receiver().start();
  const fast = await new Receiver().start();
  slow.answers = Array(20).fill('hold');
  const b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], notify: 'all', statusCallbacks: { allow: [`${slow.url}/`, `${fast.url}/`], secret: SECRET } }] as never,
    statusCallbacks: { perHost: 2, concurrency: 4 },
  });
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    const lead = await bearer(b, 'lead', 'lead-password-1');
    for (let i = 0; i < 4; i++) await submit(b, lead, { to: `+491511234567${i}`, statusCallback: `${slow.url}/x`, confirmTo: 'clerk@acme.test' });
    const r = await submit(b, lead, { statusCallback: `${fast.url}/x`, confirmTo: 'clerk@acme.test' });
    const id = r.body.messages[0].id as string;
    await waitFor('the other receiver gets all three', () => fast.statuses(id).length === 3);
    await waitFor('the confirmation mails are written', async () => b.store.get(id)?.confirmations.filter((c) => !c.channel && c.sentAt).length === 3);
    assert.is(slow.maxOpen, 2, 'two pushes at once to the slow receiver');
    slow.release();
    await waitFor('the slow receiver gets all twelve in the end', () => {
      slow.release();
      return slow.got.length === 12;
    }, 10_000);
    assert.ok(slow.maxOpen <= 2);
  } finally {
    await b.stop();
    await slow.stop();
    await fast.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

P.run();

const R = suite('status callbacks :: restart');

R('callbacks owed when the bridge stops are sent after it starts again on the same store', async () => {
  const erp = await new Receiver().start();
  // Every push fails until the restart: they stay owed.
  erp.answers = Array(50).fill({ status: 503 });
  let b = await bridgeWith(erp);
  const dir = b.dir;
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    const r = await submit(b, await bearer(b, 'lead', 'lead-password-1'), { statusCallback: `${erp.url}/hooks/x`, reference: 'R-1' });
    const id = r.body.messages[0].id as string;
    await waitFor('three pushes refused', () => new Set(erp.got.map((g) => g.body.status)).size === 3);
    await b.stop();
    assert.is(b.events.filter((e) => e.evt === 'callback-sent').length, 0);
    erp.answers = [];
    erp.got.length = 0;
    b = await bridgeWith(erp, {}, dir);
    await waitFor('the three sent after the restart', () => b.events.filter((e) => e.evt === 'callback-sent').length === 3);
    assert.equal(erp.got.filter((g) => g.headers['x-mail2sms-event-id']).map((g) => g.body.eventId).sort(), [`${id}/accepted`, `${id}/delivered`, `${id}/submitted`]);
    assert.ok(erp.got.every((g) => g.body.reference === 'R-1'));
  } finally {
    await b.stop();
    await erp.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

R('a push cut off by the stop is sent again after the start, with the same eventId', async () => {
  const erp = await new Receiver().start();
  erp.answers = ['hold', 'hold', 'hold'];
  let b = await bridgeWith(erp);
  const dir = b.dir;
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    const r = await submit(b, await bearer(b, 'lead', 'lead-password-1'), { statusCallback: `${erp.url}/hooks/x`, statusCallbackLevel: 'final' });
    const id = r.body.messages[0].id as string;
    await waitFor('the delivered push held by the receiver', () => erp.got.length === 1);
    const first = erp.got[0];
    await b.stop();
    erp.answers = [];
    b = await bridgeWith(erp, {}, dir);
    await waitFor('sent again after the restart', () => erp.got.length === 2);
    assert.is(erp.got[1].body.eventId, `${id}/delivered`);
    assert.is(erp.got[1].raw, first.raw);
    await waitFor('recorded as sent', () => b.store.get(id)?.confirmations.find((c) => c.channel === 'callback')?.sentAt);
  } finally {
    await b.stop();
    await erp.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

R.run();
