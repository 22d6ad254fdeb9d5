import * as assert from 'uvu/assert';
import { apiSuite, call } from '../helpers/api.js';

/** A request the API cannot take (not JSON, wrong types, unknown routes, a form post) is a problem document in the API's own words. */
const P = apiSuite('api request problems');

P('regression: a body that is not JSON :: 400 InvalidJson saying where by line and column, not the framework\'s code', async ({ b, lead }) => {
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

P('a JSON number or true/false where text belongs :: 400 naming each, nothing stored (as a JSON number 015112345678 has lost its 0 and is another number)', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: 4915112345601, text: 'x', reference: true } });
  assert.equal([r.status, r.body.title], [400, 'BadRequest']);
  assert.equal(r.body.errors, ['to: must be text in quotes ("4915112345601"), not a JSON number', 'reference: must be text in quotes ("true"), not a JSON boolean']);
  const list = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: ['+4915112345601', 15112345602], text: 'x' } });
  assert.equal([list.status, list.body.errors], [400, ['to[1]: must be text in quotes ("15112345602"), not a JSON number']]);
  assert.not.ok(b.events.some((e) => e.evt === 'sms-accepted' && String(e.to).endsWith('5112345601')));
  const ok = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345601', text: 'x', flash: true, maxSegments: 2 } });
  assert.is(ok.status, 201, 'flash and maxSegments take JSON booleans and numbers as documented');
});

P('JSON null :: in an optional field it is the field left out (as ERP serializers write it); for to or text, or in the list of numbers, a 400 naming null', async ({ b, lead, admin }) => {
  const nulls = { sendAt: null, senderId: null, notify: null, validity: null, reference: null, billingCode: null, flash: null, maxSegments: null, blackout: null, duplicateDetection: null, priority: null, confirmTo: null, statusCallback: null, statusCallbackLevel: null, account: null };
  const preview = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345611', text: 'Mit Nullen.', ...nulls } });
  assert.is(preview.status, 200, JSON.stringify(preview.body));
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345611', text: 'Mit Nullen.', ...nulls } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const m = sent.body.messages[0];
  assert.equal([m.account, m.sendAt, m.reference, m.billingCode, m.flash ?? false], ['acme', null, null, null, false]);
  const required = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: null, text: null } });
  assert.equal([required.status, required.body.title, required.body.errors], [400, 'BadRequest', ['to: is null, and it is required', 'text: is null, and it is required']]);
  const inList = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345612', null], text: 'x' } });
  assert.equal([inList.status, inList.body.errors], [400, ['to[1]: is null']]);
  const login = await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: null } });
  assert.equal([login.status, login.body.errors], [400, ['password: is null, and it is required']], 'not a login attempt with an empty password');
  const verdict = await call(b, 'POST', '/api/v1/messages/NOPE.1/backup-verdict', { auth: admin, body: { verdict: 'not-sent', carrierId: null } });
  assert.equal([verdict.status, verdict.body.title], [404, 'NotFound'], 'carrierId null is no carrier id: the verdict is read, and the SMS is not there');
});

P('regression: 400 :: the validator\'s complaints in the configuration\'s words: each value as given and what is allowed, every enum\'s values listed (review 4a, F8)', async ({ b, lead }) => {
  // statusCallbackLevel is a sending option, read by the options parser as its mail header is (422 BadOption with the other bad values: test/notify/callbacks/levels.test.ts).
  // An empty text is no schema complaint but 422 NoText, as a mail without text is (test/api/submit.test.ts).
  const body = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345678', ''], text: '' } });
  assert.equal([body.status, body.body.title], [400, 'BadRequest']);
  assert.equal(body.body.errors, ['to[1]: is ""; allowed: at least 1 character(s)']);
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

P('router refusals :: a path part too long or a bad % escape is a problem like any other, not fastify\'s own body', async ({ b, lead }) => {
  const long = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages/${'x'.repeat(300)}`, { headers: { authorization: lead } });
  assert.equal([long.status, long.headers.get('content-type')?.split(';')[0]], [414, 'application/problem+json']);
  const body = await long.json();
  assert.equal([body.title, body.detail], ['UriTooLong', 'a part of the path is longer than 100 characters; no id of this gateway is that long']);
  const bad = await fetch(`http://127.0.0.1:${b.api!.port}/api/v1/messages/%E0%A4%A`, { headers: { authorization: lead } });
  assert.equal([bad.status, (await bad.json()).title], [400, 'BadRequest']);
});

P('security: a form post to the REST API (what any web page can make a browser send, with its saved Basic credentials, without a CORS preflight) :: 415, nothing stored (also text/plain and multipart)', async ({ b, lead }) => {
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

P('errors :: an unknown route is a problem document too', async ({ b, lead }) => {
  const r = await call(b, 'GET', '/api/v1/nothing', { auth: lead });
  assert.is(r.status, 404);
  assert.equal({ title: r.body.title, status: r.body.status }, { title: 'NotFound', status: 404 });
});

P.run();
