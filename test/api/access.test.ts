import { readFile } from 'node:fs/promises';
import * as assert from 'uvu/assert';
import { operatorFile } from '../../src/api/operator-file.js';
import { apiBase, apiSuite, basic, bearer, call } from '../helpers/api.js';

/** Who may do what over the API: logins and tokens, one account's SMS hidden from another, admins only where every account's SMS show, no cross-site cancel. */
const C = apiSuite('api access');

C('auth :: no login 401 (problem), wrong password 401, Basic works, a session token ends with logout', async ({ b }) => {
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

C('auth :: a wrong password or an unknown user is told "not accepted", the same for both; a logged-out or unknown token "unknown or expired"; none "log in first"', async ({ b }) => {
  const detail = async (auth?: string) => {
    const r = await call(b, 'GET', '/api/v1/messages', auth ? { auth } : {});
    assert.is(r.status, 401);
    assert.ok(r.headers.get('www-authenticate'), 'the challenge stays');
    return r.body.detail as string;
  };
  const wrong = await detail(basic('lead', 'wrong-password'));
  assert.match(wrong, /^user name or password not accepted/);
  assert.is(await detail(basic('nobody-here', 'wrong-password')), wrong, 'whether the user exists is not told');
  const token = await bearer(b, 'lead', 'lead-password-1');
  await call(b, 'POST', '/api/v1/logout', { auth: token });
  assert.match(await detail(token), /^the token is unknown or has expired.*log in again with POST \/api\/v1\/login/);
  assert.is(await detail('Bearer made-up-token'), await detail(token));
  assert.match(await detail(), /^log in first/);
});

C('auth :: a removed user\'s session and Basic login stop working at once', async ({ b }) => {
  await b.users.add('temp', 'acme', 'temp-password-1');
  const token = await bearer(b, 'temp', 'temp-password-1');
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('temp', 'temp-password-1') })).status, 200);
  await b.users.remove('temp');
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: token })).status, 401);
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('temp', 'temp-password-1') })).status, 401);
});

C('auth :: the operator token in <store.dir>/api.json acts as admin (the CLI uses it)', async ({ b }) => {
  const file = JSON.parse(await readFile(operatorFile(b.dir), 'utf8'));
  assert.is(file.url, `http://127.0.0.1:${b.api!.port}`);
  const token = file.token;
  const me = await call(b, 'GET', '/api/v1/me', { auth: `Bearer ${token}` });
  assert.equal(me.body, { name: 'operator', account: 'acme', role: 'admin' });
});

C('accounts :: a user sees only their account\'s messages; another account\'s id is "not found"', async ({ b, lead, other, admin }) => {
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

C('regression: GET /messages/{id} with a mail id :: 404 saying it is one, with the ids of its SMS the route takes; another account\'s mail is not named (review 4a, F8)', async ({ b, lead, other }) => {
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

C('cross-site :: a browser holding Basic credentials cannot be made to cancel an SMS by another site\'s page (a cancel has no body, so no CORS preflight stops it)', async ({ b, lead }) => {
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

C('connectors :: each with its health and circuit breaker, for admins; a user of one account gets 403 (they carry every account\'s SMS)', async ({ b, lead, admin }) => {
  const refused = await call(b, 'GET', '/api/v1/connectors', { auth: lead });
  assert.equal([refused.status, refused.body.title], [403, 'Forbidden']);
  const r = await call(b, 'GET', '/api/v1/connectors', { auth: admin });
  assert.equal(r.body.map((c: { name: string; type: string; health: { up: boolean }; breaker: { phase: string } }) => [c.name, c.type, c.health.up, c.breaker.phase]), [['simulator', 'simulator', true, 'closed']]);
});

C.run();
