import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, basic, call } from '../helpers/api.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';

const run = promisify(execFile);

/**
 * The REST API's 401 challenges (RFC 9110 §11.6.1, RFC 7617): clients that
 * send Basic credentials only when challenged log in; a browser is never
 * made to open its login dialog, on the API or the portal.
 */
const Ch = suite<{ b: TestBridge }>('api 401 challenge');
Ch.before(async (ctx) => {
  // Its failed logins all come from 127.0.0.1: at the default delay (1 s, doubling) the suite waited 10 s and more for them; the delay is auth.test's.
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] as never, smtp: { auth: { failureDelayMs: 1, maxFailureDelayMs: 5 } } });
  await ctx.b.users.add('erp', 'acme', 'erp-password-1');
  await ctx.b.users.add('joerg', 'acme', 'Grüße-aus-Köln-1');
});
Ch.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

const BASIC = 'Basic realm="mail2sms", charset="UTF-8"';
const BEARER = 'Bearer realm="mail2sms"';
const challengesOf = (h: Headers) => h.get('www-authenticate')?.split(/,\s*(?=Basic|Bearer)/) ?? [];

Ch('python urllib :: HTTPBasicAuthHandler (credentials only after a challenge) reads /me and submits an SMS, also with a UTF-8 password', async ({ b }) => {
  // A default-realm password manager, as an ERP's integration code has it: the handler answers any realm's Basic challenge.
  const script = `
import json, sys, urllib.request as u, urllib.error
base = sys.argv[1]
def opener(user, password):
    pm = u.HTTPPasswordMgrWithDefaultRealm()
    pm.add_password(None, base + "/", user, password)
    return u.build_opener(u.HTTPBasicAuthHandler(pm))
out = {}
out["me"] = json.loads(opener("erp", "erp-password-1").open(base + "/api/v1/me").read())
out["utf8"] = json.loads(opener("joerg", "Grüße-aus-Köln-1").open(base + "/api/v1/me").read())
req = u.Request(base + "/api/v1/messages", data=json.dumps({"to": "+4915112345678", "text": "Rechnung INV-77"}).encode(), headers={"content-type": "application/json"})
r = opener("erp", "erp-password-1").open(req)
out["submit"] = [r.status, json.loads(r.read())["messages"][0]["to"]]
try:
    opener("erp", "wrong-password").open(base + "/api/v1/me")
except urllib.error.HTTPError as e:
    out["wrong"] = e.code
print(json.dumps(out))
`;
  const { stdout } = await run('python3', ['-c', script, apiBase(b)]);
  const out = JSON.parse(stdout);
  assert.equal(out.me, { name: 'erp', account: 'acme', role: 'user' });
  assert.is(out.utf8.name, 'joerg');
  assert.equal(out.submit, [201, '+4915112345678']);
  assert.is(out.wrong, 401);
});

Ch('401 :: every way to fail names Basic (realm, charset UTF-8) and Bearer', async ({ b }) => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no credentials', {}, '/api/v1/me'],
    ['a wrong password', { authorization: basic('erp', 'nope') }, '/api/v1/messages'],
    ['an unknown token', { authorization: 'Bearer not-a-token' }, '/api/v1/stats'],
    ['an unknown scheme', { authorization: 'Digest username="erp"' }, '/api/v1/me'],
  ];
  for (const [what, headers, path] of cases) {
    const r = await call(b, 'GET', path, { headers });
    assert.is(r.status, 401, what);
    assert.equal(challengesOf(r.headers), [BASIC, BEARER], what);
    assert.is(r.body.title, 'Unauthorized', what);
  }
  const login = await call(b, 'POST', '/api/v1/login', { body: { user: 'erp', password: 'nope' } });
  assert.equal([login.status, challengesOf(login.headers)], [401, [BASIC, BEARER]]);
});

Ch('401 :: a browser is challenged with Bearer only (no login dialog): told by Fetch Metadata, or by the portal\'s cookie (the CSV link after the session ended)', async ({ b }) => {
  const navigate = { 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'document', accept: 'text/html' };
  const fetchMetadata = await call(b, 'GET', '/api/v1/messages?format=csv', { headers: navigate });
  assert.equal([fetchMetadata.status, challengesOf(fetchMetadata.headers)], [401, [BEARER]]);
  // Over plain http beyond loopback browsers send no Sec-Fetch-Site; Node's fetch (call) sends Sec-Fetch-Mode alone.
  const cookie = await call(b, 'GET', '/api/v1/messages?format=csv', { headers: { cookie: 'm2s_session=ended', accept: 'text/html' } });
  assert.equal([cookie.status, challengesOf(cookie.headers)], [401, [BEARER]]);
});

Ch('portal :: its pages send to the login form and challenge nobody, also a failed form login', async ({ b }) => {
  const res = await fetch(apiBase(b) + '/messages', { headers: { accept: 'text/html' }, redirect: 'manual' });
  assert.equal([res.status, res.headers.get('location'), res.headers.get('www-authenticate')], [303, '/login?next=%2Fmessages', null]);
  const login = await fetch(apiBase(b) + '/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
  const failed = await fetch(apiBase(b) + '/login', {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.headers.getSetCookie()[0]!.split(';')[0]!, accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, user: 'erp', password: 'nope' }).toString(),
  });
  assert.is(failed.status, 401);
  assert.is(failed.headers.get('www-authenticate'), null);
});

Ch.run();
