import { readFile } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { operatorFile } from '../../src/api/server.js';
import { apiBase, call, basic, bearer } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/** The REST API over real HTTP on loopback, against a running bridge. */
const A = suite<{ b: TestBridge; lead: string; other: string; admin: string }>('api');

const ACCOUNTS = [
  { name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] },
  { name: 'other', networks: ['::1/128'], addresses: [] },
];

A.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: ACCOUNTS as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  await ctx.b.users.add('stranger', 'other', 'other-password-1');
  await ctx.b.users.add('root', 'acme', 'admin-password-1', 'admin');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
  ctx.other = await bearer(ctx.b, 'stranger', 'other-password-1');
  ctx.admin = await bearer(ctx.b, 'root', 'admin-password-1');
});
A.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

const delivered = (b: TestBridge, auth: string, id: string) =>
  waitFor(`${id} delivered`, async () => {
    const r = await call(b, 'GET', `/api/v1/messages/${id}`, { auth });
    return r.body.status === 'delivered' ? r.body : undefined;
  });

A('submit :: 201 with the id, and the SMS is tracked to delivered with its timeline', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'Ihre Rechnung INV-9001 ist fällig.', reference: 'INV-9001' } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  const id = r.body.messages[0].id;
  assert.is(r.headers.get('location'), `/api/v1/messages/${id}`);
  assert.equal({ account: r.body.messages[0].account, via: r.body.messages[0].via, status: r.body.messages[0].status }, { account: 'acme', via: 'api', status: 'accepted' });
  const done = await delivered(b, lead, id);
  assert.equal(done.timeline.map((e: { status: string }) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
  assert.ok(done.acceptedAt <= done.submittedAt && done.submittedAt <= done.finalAt, JSON.stringify(done));
  assert.is(done.connector, 'simulator');
  assert.is(b.sim.sent.find((s) => s.id === id)?.text, 'Ihre Rechnung INV-9001 ist fällig.');
});

A('submit :: the options are the mail headers\' (same parser, same sentences), every bad one at once', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', sendAt: 'tomorrow', validity: '4d' } });
  assert.is(r.status, 422);
  assert.match(r.type, /^application\/problem\+json/);
  assert.is(r.body.title, 'BadOption');
  assert.match(r.body.detail, /option sendAt has the value "tomorrow", which is not valid: use an RFC 3339 date-time/);
  assert.match(r.body.detail, /option validity has the value "4d"/);
});

A('regression: submit :: bad values of enum and flag options are named together with the rest, in the mail\'s sentences (not a schema error for the first)', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', sendAt: 'tomorrow', notify: 'sometimes', flash: 'maybe', maxSegments: 'many', duplicateDetection: 'perhaps' } });
  assert.is(r.status, 422, JSON.stringify(r.body));
  assert.is(r.body.title, 'BadOption');
  const named = ['sendAt', 'notify', 'flash', 'maxSegments', 'duplicateDetection'].filter((o) => r.body.detail.includes(`option ${o} has the value`));
  assert.equal(named, ['sendAt', 'notify', 'flash', 'maxSegments', 'duplicateDetection'], r.body.detail);
  assert.match(r.body.detail, /option notify has the value "sometimes", which is not valid: use none, failure, final, delivery or all/);
  assert.match(r.body.detail, /option flash has the value "maybe", which is not valid: use yes, no, true, false, on or off/);
  const fine = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', notify: 'all', flash: true, maxSegments: 2, duplicateDetection: false } });
  assert.is(fine.status, 200, JSON.stringify(fine.body));
});

A('regression: a body that is not JSON :: 400 InvalidJson saying where by line and column, not the framework\'s code', async ({ b, lead }) => {
  const res = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, {
    method: 'POST', headers: { authorization: lead, 'content-type': 'application/json' }, body: '{\n  "to": "+4915112345678",\n  "text": "x",\n}',
  });
  const body = await res.json();
  assert.is(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(body.title, 'InvalidJson');
  // Line and column, as an editor shows them (the config file's reading); not V8's character position.
  assert.match(body.detail, /^the body is not valid JSON at line 4, column 1: \S/);
  assert.not.match(body.detail, /position/);
  assert.equal([body.line, body.column], [4, 1]);
  const empty = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, { method: 'POST', headers: { authorization: lead, 'content-type': 'application/json' }, body: '' });
  assert.equal([empty.status, (await empty.json()).title], [400, 'InvalidJson']);
  const poisoned = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, { method: 'POST', headers: { authorization: lead, 'content-type': 'application/json' }, body: '{"to": "+4915112345678", "text": "x", "__proto__": {"a": 1}}' });
  assert.equal([poisoned.status, (await poisoned.json()).title], [400, 'InvalidJson']);
  const form = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, { method: 'POST', headers: { authorization: lead, 'content-type': 'text/csv' }, body: 'a,b' });
  assert.equal([form.status, (await form.json()).title], [415, 'UnsupportedMediaType']);
});

A('a JSON number or true/false where text belongs :: 400 naming each, nothing stored (as a JSON number 015112345678 has lost its 0 and is another number)', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: 4915112345601, text: 'x', reference: true } });
  assert.equal([r.status, r.body.title], [400, 'BadRequest']);
  assert.equal(r.body.errors, ['to: must be text in quotes ("4915112345601"), not a JSON number', 'reference: must be text in quotes ("true"), not a JSON boolean']);
  const list = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: ['+4915112345601', 15112345602], text: 'x' } });
  assert.equal([list.status, list.body.errors], [400, ['to[1]: must be text in quotes ("15112345602"), not a JSON number']]);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted' && String(e.to).endsWith('5112345601')));
  const ok = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345601', text: 'x', flash: true, maxSegments: 2 } });
  assert.is(ok.status, 201, 'flash and maxSegments take JSON booleans and numbers as documented');
});

A('regression: 400 :: the validator\'s complaints in the configuration\'s words: each value as given and what is allowed, every enum\'s values listed (review 4a, F8)', async ({ b, lead }) => {
  // statusCallbackLevel is a sending option, read by the options parser as its mail header is (422 BadOption with the other bad values: test/notify/callbacks/levels.test.ts).
  const body = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345678', ''], text: '' } });
  assert.equal([body.status, body.body.title], [400, 'BadRequest']);
  assert.equal(body.body.errors, [
    'to[1]: is ""; allowed: at least 1 character(s)',
    'text: is ""; allowed: at least 1 character(s)',
  ]);
  assert.is(body.body.detail, `the request is not valid: ${body.body.errors.join('; ')}`);
  const missing = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: {} } });
  assert.equal(missing.body.errors, ['text: is required', 'to: is {}; allowed: a value of type string or array']);
  const query = await call(b, 'GET', '/api/v1/messages?status=sent&format=xml&limit=0', { auth: lead });
  assert.equal([query.status, query.body.errors], [400, [
    'status[0]: is "sent"; allowed: one of "accepted", "submitting", "submitted", "delivered", "failed", "expired", "rejected", "cancelled"',
    'limit: is 0; allowed: at least 1',
    'format: is "xml"; allowed: one of "json", "csv"',
  ]]);
  const notObject = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: ['+4915112345678'] });
  assert.equal(notObject.body.errors, ['body: is ["+4915112345678"]; allowed: a value of type object']);
});

A('router refusals :: a path part too long or a bad % escape is a problem like any other, not fastify\'s own body', async ({ b, lead }) => {
  const long = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages/${'x'.repeat(300)}`, { headers: { authorization: lead } });
  assert.equal([long.status, long.headers.get('content-type')?.split(';')[0]], [414, 'application/problem+json']);
  const body = await long.json();
  assert.equal([body.title, body.detail], ['UriTooLong', 'a part of the path is longer than 100 characters; no id of this gateway is that long']);
  const bad = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages/%E0%A4%A`, { headers: { authorization: lead } });
  assert.equal([bad.status, (await bad.json()).title], [400, 'BadRequest']);
});

A('security: a form post to the REST API (what any web page can make a browser send, with its saved Basic credentials, without a CORS preflight) :: 415, nothing stored (also text/plain and multipart)', async ({ b, lead }) => {
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
    const body = type.startsWith('multipart') ? '--x\r\nContent-Disposition: form-data; name="to"\r\n\r\n+4915112345600\r\n--x--\r\n' : 'to=%2B4915112345600&text=CSRF';
    const res = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, { method: 'POST', headers: { authorization: lead, 'content-type': type }, body });
    assert.equal([res.status, (await res.json()).title], [415, 'UnsupportedMediaType'], type);
    // Where the browser names the other site, the request is refused before its body is read (cross-site, below).
    const named = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages`, { method: 'POST', headers: { authorization: lead, 'content-type': type, origin: 'http://evil.example' }, body });
    assert.equal([named.status, (await named.json()).title], [403, 'CrossSiteRequest'], type);
  }
  assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted' && e.to === '+4915112345600'), 'nothing accepted');
});

A('submit :: a send time ahead is held (status accepted, sendAt set), not sent', async ({ b, lead }) => {
  const at = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345670', text: 'Später.', sendAt: at } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.is(r.body.messages[0].sendAt, new Date(at).toISOString());
  await new Promise((res) => setTimeout(res, 300));
  assert.not.ok(b.sim.sent.some((s) => s.to === '+4915112345670'));
});

A('submit :: bad numbers named, unknown fields refused, a text too long refused like a mail (same sentence and code)', async ({ b, lead }) => {
  const numbers = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+49123', '015112345678x'], text: 'x' } });
  assert.is(numbers.status, 422);
  assert.match(numbers.body.detail, /"\+49123" is not a valid mobile number: too short/);
  assert.match(numbers.body.detail, /"015112345678x" is not a valid mobile number/);
  const unknown = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', colour: 'red' } });
  assert.is(unknown.status, 400);
  assert.match(unknown.body.detail, /colour: unknown key \(known keys here: to, text, sendAt, /);
  const long = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x'.repeat(161), maxSegments: 1 } });
  assert.is(long.status, 422);
  assert.is(long.body.title, 'TooManySegments');
  assert.is(long.body.smtp, '552 5.3.4');
  assert.match(long.body.detail, /the text would take 2 SMS segments, at most 1 are allowed/);
});

A('submit :: confirmTo must be an address of the account; with it, the confirmation is mailed like for a mail', async ({ b, lead }) => {
  const bad = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: 'x', confirmTo: 'boss@evil.test' } });
  assert.is(bad.status, 422);
  assert.match(bad.body.detail, /<boss@evil\.test> is not a sender address of the SMS account "acme"/);
  const ok = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: 'Bestätigt.', confirmTo: 'clerk@acme.test' } });
  const id = ok.body.messages[0].id;
  await waitFor('delivered confirmation', async () => (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.confirmations.some((c: { stage: string; sentAt: string | null }) => c.stage === 'delivered' && c.sentAt));
});

A('auth :: no login 401 (problem), wrong password 401, Basic works, a session token ends with logout', async ({ b }) => {
  const none = await call(b, 'GET', '/api/v1/messages');
  assert.is(none.status, 401);
  assert.match(none.type, /problem\+json/);
  const wrong = await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'nope' } });
  assert.is(wrong.status, 401);
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('lead', 'lead-password-1') })).body.account, 'acme');
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('lead', 'wrong-password') })).status, 401);
  const token = await bearer(b, 'lead', 'lead-password-1');
  assert.is((await call(b, 'POST', '/api/v1/logout', { auth: token })).status, 204);
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: token })).status, 401);
});

A('auth :: a removed user\'s session and Basic login stop working at once', async ({ b }) => {
  await b.users.add('temp', 'acme', 'temp-password-1');
  const token = await bearer(b, 'temp', 'temp-password-1');
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('temp', 'temp-password-1') })).status, 200);
  await b.users.remove('temp');
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: token })).status, 401);
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('temp', 'temp-password-1') })).status, 401);
});

A('auth :: the operator token in <store.dir>/api.json acts as admin (the CLI uses it)', async ({ b }) => {
  const file = JSON.parse(await readFile(operatorFile(b.dir), 'utf8'));
  assert.is(file.url, `http://127.0.0.1:${b.api!.port}`);
  const token = file.token;
  const me = await call(b, 'GET', '/api/v1/me', { auth: `Bearer ${token}` });
  assert.equal(me.body, { name: 'operator', account: 'acme', role: 'admin' });
});

A('accounts :: a user sees only their account\'s messages; another account\'s id is "not found"', async ({ b, lead, other, admin }) => {
  const mine = await call(b, 'POST', '/api/v1/messages', { auth: other, body: { to: '+4915112345603', text: 'Andere Firma.', reference: 'OTHER-1' } });
  const id = mine.body.messages[0].id;
  assert.is(mine.body.messages[0].account, 'other');
  assert.is((await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).status, 404);
  assert.is((await call(b, 'GET', '/api/v1/messages?reference=OTHER-1', { auth: lead })).body.items.length, 0);
  assert.is((await call(b, 'GET', '/api/v1/messages?account=other', { auth: lead })).status, 403);
  assert.is((await call(b, 'GET', '/api/v1/messages?reference=OTHER-1', { auth: admin })).body.items.length, 1);
  assert.is((await call(b, 'GET', `/api/v1/messages/${id}`, { auth: other })).status, 200);
  const forOther = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345604', text: 'x', account: 'other' } });
  assert.is(forOther.status, 403);
});

A('regression: GET /messages/{id} with a mail id :: 404 saying it is one, with the ids of its SMS the route takes; another account\'s mail is not named (review 4a, F8)', async ({ b, lead, other }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345605', '+4915112345606'], text: 'x' } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const { mailId } = sent.body;
  const asMail = await call(b, 'GET', `/api/v1/messages/${mailId}`, { auth: lead });
  assert.equal([asMail.status, asMail.body.title], [404, 'NotFound']);
  assert.is(asMail.body.detail, `"${mailId}" is a mail id ("250 queued as ${mailId}", a submit's mailId); this route takes the id of one SMS, <mailId>.<n> as a submit's messages[].id names it: its SMS are ${mailId}.1, ${mailId}.2`);
  const stranger = await call(b, 'GET', `/api/v1/messages/${mailId}`, { auth: other });
  assert.is(stranger.body.detail, `no SMS "${mailId}": this route takes the id of one SMS, <mailId>.<n> as a submit's messages[].id names it (${mailId}.1 is the first SMS of the mail "250 queued as ${mailId}")`);
  const third = await call(b, 'GET', `/api/v1/messages/${mailId}.3`, { auth: lead });
  assert.equal([third.status, third.body.detail], [404, `no SMS "${mailId}.3"; GET /api/v1/messages?id=${mailId} lists the SMS of mail ${mailId}`]);
  const garbage = await call(b, 'GET', '/api/v1/messages/INV-4711', { auth: lead });
  assert.match(garbage.body.detail, /^no SMS "INV-4711": this route takes the id of one SMS, <mailId>\.<n> .*, such as [0-9A-Z]+\.1$/);
});

A('search :: by reference, recipient digits, status and time; newest first with a cursor for more', async ({ b, lead }) => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: `+49151123456${70 + i}`, text: `Nummer ${i}`, reference: 'BATCH-7' } });
    ids.push(r.body.messages[0].id);
  }
  const all = await call(b, 'GET', '/api/v1/messages?reference=BATCH-7', { auth: lead });
  assert.equal(all.body.items.map((m: { id: string }) => m.id), [...ids].reverse());
  const page1 = await call(b, 'GET', '/api/v1/messages?reference=BATCH-7&limit=2', { auth: lead });
  assert.is(page1.body.items.length, 2);
  const page2 = await call(b, 'GET', `/api/v1/messages?reference=BATCH-7&limit=2&cursor=${page1.body.next}`, { auth: lead });
  assert.equal(page2.body.items.map((m: { id: string }) => m.id), [ids[0]]);
  assert.is(page2.body.next, null);
  const byNumber = await call(b, 'GET', `/api/v1/messages?to=${encodeURIComponent('+49 151 12345671')}`, { auth: lead });
  assert.equal(byNumber.body.items.map((m: { id: string }) => m.id), [ids[1]]);
  const future = await call(b, 'GET', '/api/v1/messages?reference=BATCH-7&from=2099-01-01', { auth: lead });
  assert.is(future.body.items.length, 0);
  const bad = await call(b, 'GET', '/api/v1/messages?status=lost', { auth: lead });
  assert.is(bad.status, 400);
  // Written as a sender writes it when sending: nationally (the account's country) or with 00.
  // "+49 (0)151 …", as German letterheads write it, is taken by submit: its digits alone (490151…) are in no stored number.
  for (const written of ['015112345671', '0049 151 12345671', '+49 (0)151 1234 5671', '+49 (0) 151-12345671']) {
    const found = await call(b, 'GET', `/api/v1/messages?to=${encodeURIComponent(written)}`, { auth: lead });
    assert.equal(found.body.items.map((m: { id: string }) => m.id), [ids[1]], written);
  }
  const part = await call(b, 'GET', '/api/v1/messages?reference=BATCH-7&to=1234567', { auth: lead });
  assert.is(part.body.items.length, 3, 'a few digits still find every number holding them');
  // A cursor the API did not give must not start again at page 1: a client walking pages would loop for ever.
  const garbage = await call(b, 'GET', '/api/v1/messages?reference=BATCH-7&limit=2&cursor=garbage', { auth: lead });
  assert.equal([garbage.status, garbage.body.title], [400, 'BadRequest']);
  assert.match(garbage.body.detail, /^cursor is not one this API gave/);
});

A('stats :: a day that is not in the calendar is named as such, not compared', async ({ b, lead }) => {
  for (const [q, detail] of [['from=2026-13-01', 'from "2026-13-01" is not a day of the calendar (YYYY-MM-DD)'], ['to=2026-02-30', 'to "2026-02-30" is not a day of the calendar (YYYY-MM-DD)']]) {
    const r = await call(b, 'GET', `/api/v1/stats?${q}`, { auth: lead });
    assert.equal([r.status, r.body.detail], [400, detail]);
  }
});

A('csv :: every match with a header line; free text cannot start a spreadsheet formula', async ({ b, lead }) => {
  await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345690', text: '=HYPERLINK("x")', reference: 'CSV-1' } });
  await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345689', text: 'Grüße;=1+1', reference: 'CSV-1' } });
  const r = await call(b, 'GET', '/api/v1/messages?reference=CSV-1&format=csv', { auth: lead });
  assert.match(r.type, /^text\/csv/);
  const raw = Buffer.from(await (await fetch(`${apiBase(b)}/api/v1/messages?reference=CSV-1&format=csv`, { headers: { authorization: lead } })).arrayBuffer());
  assert.equal([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark, so that Excel reads UTF-8 (umlauts)');
  const lines = String(r.body).replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.is(lines[0].split(',')[0], 'id');
  assert.is(lines.length, 3);
  assert.match(lines[2], /,"Grüße;=1\+1"$/, 'quoted: German Excel splits on ";" and would run "=1+1" as a cell of its own');
  lines.pop();
  assert.match(lines[1], /,CSV-1,/);
  assert.match(lines[1], /"'=HYPERLINK\(""x""\)"$/);
});

A('stats :: today counts messages and segments, by status, connector and country, with the delivery rate', async ({ b, lead }) => {
  const r = await call(b, 'GET', '/api/v1/stats', { auth: lead });
  assert.is(r.status, 200);
  const today = r.body.byDay.at(-1);
  assert.ok(today.messages >= 1, JSON.stringify(today));
  assert.is(today.messages, r.body.totals.messages);
  assert.ok(r.body.byCountry.some((c: { country: string }) => c.country === 'DE'));
  assert.ok(r.body.byConnector.some((c: { connector: string }) => c.connector === 'simulator'));
  assert.is(r.body.totals.deliveryRate, 1);
  assert.ok(r.body.latency.p50Ms > 0 && r.body.latency.p95Ms >= r.body.latency.p50Ms, JSON.stringify(r.body.latency));
  assert.not.ok(r.body.byAccount.some((a: { account: string }) => a.account === 'other'), 'a user sees only their account');
});

A('accounts :: defaults changed over the API apply to the next mail; bad values named, nothing changed', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { maxSegments: 0, notify: 'sometimes' } });
  assert.is(bad.status, 422);
  assert.match(bad.body.detail, /maxSegments/);
  assert.match(bad.body.detail, /notify/);
  const ok = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { defaultCountry: 'AT' } });
  assert.is(ok.body.defaultCountry, 'AT');
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '06641234567@sms.localhost', subject: 'x', text: 'Servus.' });
  const id = queuedAs(info.response);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  assert.is(sms.to, '+436641234567');
  await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { defaultCountry: null } });
  assert.is(b.accounts.get('acme')?.defaultCountry, 'DE');
  assert.is((await call(b, 'PATCH', '/api/v1/accounts/other', { auth: lead, body: { notify: 'all' } })).status, 404);
});

A('accounts :: a user\'s PATCH with an unknown time zone and a country outside the number plan :: 422 naming both with what is allowed, nothing saved, mail still flows', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { timeZone: 'Mars/X', defaultCountry: 'XX' } });
  assert.is(bad.status, 422);
  assert.match(bad.type, /^application\/problem\+json/);
  assert.equal([bad.body.title, bad.body.status], ['InvalidDefaults', 422]);
  assert.equal(bad.body.errors, [
    'timeZone: is "Mars/X"; allowed: an IANA time zone such as "Europe/Berlin"',
    'defaultCountry: is "XX"; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"',
  ]);
  assert.is(bad.body.detail, bad.body.errors.join('; '));
  assert.equal([b.accounts.get('acme')?.timeZone, b.accounts.get('acme')?.defaultCountry], ['Europe/Berlin', 'DE']);
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345692@sms.localhost', subject: 'x', text: 'Noch da.' });
  assert.match(info.response, /^250 /);
});

A('accounts :: a team lead\'s signature pattern that could backtrack for ever (review 4c: one froze every account for 44 s) :: 422 naming it, nothing saved; a plain one is taken', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: ['^Mit freundlichen', '^(a+)+$', '^(x)\\1'] } });
  assert.is(bad.status, 422);
  assert.equal(bad.body.errors, [
    'signaturePatterns[1]: is "^(a+)+$"; a repeated group such as (…)+, (…)* or (…){2,} can make matching take exponential time and stop the gateway; repeat single characters or classes instead (\\s+, [-–]+)',
    'signaturePatterns[2]: is "^(x)\\\\1"; a back-reference (\\1, \\k<name>) can make matching take exponential time',
  ]);
  assert.equal(b.accounts.get('acme')?.signaturePatterns, []);
  const ok = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: ['^Mit freundlichen Gr(ü|ue)ßen', '^i\\. ?A\\.\\s+\\w+'] } });
  assert.is(ok.status, 200);
  await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: null } });
});

A('cross-site :: a browser holding Basic credentials cannot be made to cancel an SMS by another site\'s page (a cancel has no body, so no CORS preflight stops it)', async ({ b, lead }) => {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const id = (await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345693', text: 'Später.', sendAt: at } })).body.messages[0].id;
  const auth = basic('lead', 'lead-password-1');
  for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'http://evil.test' }, { origin: 'null' }] as Array<Record<string, string>>) {
    const r = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth, headers });
    assert.is(r.status, 403, JSON.stringify(headers));
    assert.is(r.body.title, 'CrossSiteRequest');
  }
  assert.is(b.store.get(id)?.status, 'accepted');
  const own = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth, headers: { 'sec-fetch-site': 'same-origin', origin: apiBase(b) } });
  assert.is(own.status, 200, 'the same origin, and programs that send neither header, may');
});

A('cancel :: a scheduled SMS is cancelled and never sent; again 409; another account\'s 404', async ({ b, lead, other }) => {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345691', text: 'Später.', sendAt: at } });
  const id = r.body.messages[0].id;
  assert.is((await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: other })).status, 404);
  const c = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: lead });
  assert.is(c.status, 200, JSON.stringify(c.body));
  assert.is(c.body.status, 'cancelled');
  assert.match(c.body.timeline.at(-1).reason, /api user lead/);
  const again = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: lead });
  assert.is(again.status, 409);
  assert.is(again.body.title, 'AlreadyFinal');
  assert.not.ok(b.sim.sent.some((s) => s.to === '+4915112345691'));
});

A('openapi :: the document lists the routes with their schemas', async ({ b }) => {
  const r = await call(b, 'GET', '/api/v1/openapi.json');
  assert.is(r.status, 200);
  assert.match(r.body.openapi, /^3\./);
  assert.ok(r.body.paths['/api/v1/messages'].post.requestBody, 'submit has its body schema');
  assert.ok(r.body.paths['/api/v1/stats'].get, 'stats');
});

A('metrics :: accepted, refused by reason, submitted, final by connector, queue depth, latencies', async ({ b }) => {
  await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+49123@sms.localhost', subject: 'x', text: 'x' }).catch(() => undefined);
  const r = await call(b, 'GET', '/metrics');
  const text = String(r.body);
  for (const re of [
    /^mail2sms_sms_accepted_total\{account="acme",via="api"\} [1-9]/m,
    /^mail2sms_sms_accepted_total\{account="acme",via="smtp"\} [1-9]/m,
    /^mail2sms_refused_total\{reason="InvalidNumber",stage="rcpt"\} 1$/m,
    /^mail2sms_refused_total\{reason="BadOption",stage="api"\} [1-9]/m,
    /^mail2sms_sms_submitted_total\{connector="simulator"\} [1-9]/m,
    /^mail2sms_sms_final_total\{connector="simulator",status="delivered"\} [1-9]/m,
    /^mail2sms_queue_depth\{status="accepted"\} [1-9]/m,
    /^mail2sms_accept_duration_seconds_count [1-9]/m,
    /^mail2sms_delivery_latency_seconds_count\{connector="simulator"\} [1-9]/m,
    /^mail2sms_connector_up\{connector="simulator"\} 1$/m,
  ]) assert.match(text, re);
});

A('connectors :: each with its health and circuit breaker, for admins; a user of one account gets 403 (they carry every account\'s SMS)', async ({ b, lead, admin }) => {
  const refused = await call(b, 'GET', '/api/v1/connectors', { auth: lead });
  assert.equal([refused.status, refused.body.title], [403, 'Forbidden']);
  const r = await call(b, 'GET', '/api/v1/connectors', { auth: admin });
  assert.equal(r.body.map((c: { name: string; type: string; health: { up: boolean }; breaker: { phase: string } }) => [c.name, c.type, c.health.up, c.breaker.phase]), [['simulator', 'simulator', true, 'closed']]);
});

A('errors :: an unknown route is a problem document too', async ({ b, lead }) => {
  const r = await call(b, 'GET', '/api/v1/nothing', { auth: lead });
  assert.is(r.status, 404);
  assert.equal({ title: r.body.title, status: r.body.status }, { title: 'NotFound', status: 404 });
});

A.run();
