import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, basic, call, cookieOf, portalLogin } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { ScriptedSimulator } from '../helpers/connectors.js';
import { auditLines } from '../helpers/audit.js';

/** The portal's pages over HTTP, as a hostile or careless client would use them: CSRF, escaping, redirects, cookies. */
const P = suite<{ b: TestBridge; cookie: string; csrf: string }>('portal pages');

async function form(b: TestBridge, path: string, fields: Record<string, string>, cookie = '') {
  return fetch(apiBase(b) + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function page(b: TestBridge, path: string, cookie: string) {
  const res = await fetch(apiBase(b) + path, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
  return { status: res.status, html: await res.text(), res };
}

P.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  const res = await portalLogin(ctx.b, 'lead', 'lead-password-1', '/messages');
  assert.is(res.status, 303);
  assert.is(res.headers.get('location'), '/messages');
  const set = res.headers.getSetCookie().find((c) => c.startsWith('m2s_session='))!;
  assert.match(set, /HttpOnly/i);
  assert.match(set, /SameSite=Strict/i);
  ctx.cookie = set.split(';')[0];
  ctx.csrf = /name="_csrf" value="([^"]+)"/.exec((await page(ctx.b, '/', ctx.cookie)).html)![1];
});
P.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

P('login :: without the login form\'s token it is refused; a foreign "next" never leaves the portal', async ({ b }) => {
  const res = await form(b, '/login', { user: 'lead', password: 'lead-password-1' });
  assert.is(res.status, 403);
  assert.not.ok(cookieOf(res, 'm2s_session'));
  for (const next of ['//evil.test/', '/%09/evil.test', '/%0d%0aSet-Cookie:x=1', '/\\evil.test', '/%5Cevil.test', '/ /evil.test']) {
    const html = await (await fetch(apiBase(b) + `/login?next=${next}`)).text();
    assert.match(html, /name="next" value="\/"/, `next=${next} falls back to /`);
  }
  const ours = await (await fetch(apiBase(b) + `/login?next=${encodeURIComponent('/messages?status=failed')}`)).text();
  assert.match(ours, /name="next" value="\/messages\?status=failed"/);
});

P('csrf :: a form post without the session\'s token changes nothing (403)', async ({ b, cookie }) => {
  const res = await form(b, '/accounts/acme', { notify: 'all' }, cookie);
  assert.is(res.status, 403);
  assert.is(b.accounts.get('acme')?.notify, 'final');
  const foreign = await fetch(apiBase(b) + '/accounts/acme', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: 'http://evil.test' }, body: 'notify=all&_csrf=x',
  });
  assert.is(foreign.status, 403);
});

P('csrf :: with the token the change is saved and applies', async ({ b, cookie, csrf }) => {
  const res = await form(b, '/accounts/acme', { _csrf: csrf, notify: 'all', timeZone: 'Europe/Berlin' }, cookie);
  assert.is(res.status, 303);
  assert.is(b.accounts.get('acme')?.notify, 'all');
  // The audit trail names who saved it, from where, as for the REST API's PATCH; the time zone it already had is no change.
  await waitFor('audited', async () => (await auditLines(b)).some((l) => l.evt === 'account-changed' && l.via === 'portal'));
  const line = (await auditLines(b)).find((l) => l.evt === 'account-changed' && l.via === 'portal')!;
  assert.equal([line.user, line.role, line.ip, line.keys], ['lead', 'user', '127.0.0.1', ['notify']]);
});

P('account form :: an unknown time zone and a country outside the number plan are refused with readable sentences, both at once; nothing saved', async ({ b, cookie, csrf }) => {
  const res = await form(b, '/accounts/acme', { _csrf: csrf, timeZone: 'Mars/X', defaultCountry: 'XX' }, cookie);
  assert.is(res.status, 422);
  const html = await res.text();
  assert.match(html, /Nothing was saved/);
  assert.match(html, /timeZone: is &quot;Mars\/X&quot;; allowed: an IANA time zone such as &quot;Europe\/Berlin&quot;/);
  assert.match(html, /defaultCountry: is &quot;XX&quot;; allowed: a country of the international number plan by its ISO 3166 code/);
  assert.equal([b.accounts.get('acme')?.timeZone, b.accounts.get('acme')?.defaultCountry], ['Europe/Berlin', 'DE']);
});

P('account form :: a field that is not JSON does not hide the other problems; nothing saved', async ({ b, cookie, csrf }) => {
  const res = await form(b, '/accounts/acme', { _csrf: csrf, timeZone: 'Mars/X', quietHours: '{from:22' }, cookie);
  assert.is(res.status, 422);
  const html = await res.text();
  assert.match(html, /quietHours: /);
  assert.match(html, /timeZone: is &quot;Mars\/X&quot;/);
  assert.is(b.accounts.get('acme')?.timeZone, 'Europe/Berlin');
});

P('account form :: quiet hours not set show an empty field, not empty JSON; an emptied field is "not set" again; help in words, the key apart', async ({ b, cookie, csrf }) => {
  const field = (html: string) => /<textarea id="f-quietHours" name="quietHours" rows="3">([^<]*)<\/textarea>/.exec(html)?.[1];
  const first = (await page(b, '/accounts/acme', cookie)).html;
  assert.is(field(first), '', 'nothing set: an empty field');
  assert.match(first, /Which confirmations this account&#39;s senders get by mail: none; only on failure/);
  assert.match(first, /<code class="key">accounts\[\]\.notify<\/code>/, 'the configuration key for operators, apart');
  assert.not.match(first.replace(/<code class="key">[^<]*<\/code>/g, ''), /notify\.level|options\.quietHours|statusCallbacks\.allow|inherits/, 'no config keys in the help');
  // Saving the page as it is pins nothing (the audit's keys would name it).
  const fields = Object.fromEntries([...first.matchAll(/<textarea id="f-(\w+)" name="\w+" rows="3">([^<]*)<\/textarea>/g)].map((m) => [m[1], m[2]]));
  assert.is((await form(b, '/accounts/acme', { _csrf: csrf, ...fields }, cookie)).status, 303);
  assert.is(b.accounts.get('acme')?.quietHours?.from ?? '', '');
  const set = await form(b, '/accounts/acme', { _csrf: csrf, quietHours: '{"from": "21:00", "to": "07:00"}' }, cookie);
  assert.is(set.status, 303);
  assert.is(b.accounts.get('acme')?.quietHours?.from, '21:00');
  assert.match(field((await page(b, '/accounts/acme', cookie)).html) ?? '', /21:00/);
  assert.is((await form(b, '/accounts/acme', { _csrf: csrf, quietHours: '' }, cookie)).status, 303);
  assert.is(b.accounts.get('acme')?.quietHours?.from ?? '', '', 'emptied: back to the configured (none)');
  assert.is(field((await page(b, '/accounts/acme', cookie)).html), '');
});

P('cookie :: the portal cookie reads the API but never changes anything through it', async ({ b, cookie }) => {
  const read = await fetch(apiBase(b) + '/api/v1/me', { headers: { cookie } });
  assert.is(read.status, 200);
  const write = await fetch(apiBase(b) + '/api/v1/messages', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ to: '+4915112345678', text: 'x' }) });
  assert.is(write.status, 403);
});

P('escaping :: hostile text and references are shown as text, never as markup', async ({ b, cookie }) => {
  const token = (await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } })).body.token;
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${token}`, body: { to: '+4915112345678', text: '<script>alert(1)</script>', reference: '<img src=x>' } });
  const id = sent.body.messages[0].id;
  const detail = await page(b, `/messages/${id}`, cookie);
  assert.is(detail.status, 200);
  assert.not.match(detail.html, /<script>alert/);
  assert.match(detail.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.not.match(detail.html, /<img src=x>/);
  assert.match(detail.res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

P('pages :: without a session every page leads to the login; an unknown message is a 404 page', async ({ b, cookie }) => {
  const anon = await page(b, '/messages/X.1', '');
  assert.is(anon.status, 303);
  assert.match(anon.res.headers.get('location') ?? '', /^\/login\?next=/);
  const missing = await page(b, '/messages/NOPE.1', cookie);
  assert.is(missing.status, 404);
  assert.match(missing.html, /There is no message NOPE\.1/);
});

P('dashboard :: an admin sees each connector with its state and the SMS it took in the last minute and since the start', async ({ b }) => {
  if (!b.users.get('root')) await b.users.add('root', 'acme', 'admin-password-1', 'admin');
  const cookie = cookieOf(await portalLogin(b, 'root', 'admin-password-1'), 'm2s_session');
  // The SMS of the escaping test may still be on its way to the connector: counted after `before`, it would show as one more.
  await waitFor('earlier SMS handed over', () => {
    const c = b.store.counts();
    return !c.accepted && !c.submitting;
  });
  const before = b.connectorStatus()[0]!.taken.total;
  const token = (await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } })).body.token;
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${token}`, body: { to: '+4915112345679', text: 'Zählt.' } });
  const id = sent.body.messages[0].id;
  await waitFor('the SMS handed over', () => b.store.get(id)?.history.some((e) => e.status === 'submitted') || undefined);
  const { html } = await page(b, '/', cookie);
  const table = html.slice(html.indexOf('<table class="connectors">'));
  const row = /<tr><td>simulator<\/td>[\s\S]*?<\/tr>/.exec(table)?.[0] ?? '';
  assert.match(row, /s-delivered">ready</, "up");
  assert.match(row, new RegExp(`<td>${before + 1} / ${before + 1}</td>`), `taken: last minute / since start, before ${before}: ${row}`);
});

P('dashboard :: an SMS no connector took yet is counted under "not sent (yet)", not under a blank or "(none)" connector', async ({ b, cookie }) => {
  const token = (await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } })).body.token;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${token}`, body: { to: '+4915112345670', text: 'Morgen.', sendAt: tomorrow } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const { html } = await page(b, '/', cookie);
  const table = html.slice(html.indexOf('<caption>By connector</caption>'), html.indexOf('</table>', html.indexOf('<caption>By connector</caption>')));
  assert.match(table, /<tr><td>not sent \(yet\)<\/td><td>1<\/td>/, table);
  assert.not.match(table, /\(none\)/);
});

// After the dashboard's test, which counts the SMS not sent yet.
P('cancel :: a second Cancel (a double click, a second tab) on an SMS already cancelled says it was cancelled, not that it failed', async ({ b, cookie, csrf }) => {
  const token = (await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } })).body.token;
  const at = new Date(Date.now() + 3600_000).toISOString();
  const id = (await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${token}`, body: { to: '+4915112345679', text: 'Später.', sendAt: at } })).body.messages[0].id;
  for (let i = 0; i < 2; i++) {
    const res = await form(b, `/messages/${id}/cancel`, { _csrf: csrf }, cookie);
    assert.is(res.status, 303);
    assert.is(res.headers.get('location'), `/messages/${id}?notice=cancelled`, `click ${i + 1}`);
  }
  assert.is(b.store.get(id)?.status, 'cancelled');
});

P('logout :: ends the session', async ({ b, cookie, csrf }) => {
  const res = await form(b, '/logout', { _csrf: csrf }, cookie);
  assert.is(res.status, 303);
  assert.is((await page(b, '/', cookie)).status, 303);
});

P.run();

/** The connectors table as an admin sees it while a connector's circuit breaker goes through its phases (on the bridge's clock). */
const K = suite('portal connectors');

K('dashboard :: circuit breaker :: open is shown as a failure with its end; probe-due (cool-down over, nothing kept away) neutrally, saying the next SMS tests it', async () => {
  const clock = { offset: 0 };
  const sim = new ScriptedSimulator('sim1');
  sim.behaviour = 'temporary';
  const b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never,
    connectors: [{ name: 'sim1', type: 'simulator', breaker: { failures: 1, coolDownSeconds: 30 } }] as never,
    dispatch: { retry: { baseSeconds: 3600 } },
  }, undefined, { connectors: { sim1: sim }, now: () => new Date(Date.now() + clock.offset) });
  try {
    await b.users.add('lead', 'acme', 'lead-password-1', 'admin');
    const cookie = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
    const breakerCell = async () => {
      const { html } = await page(b, '/', cookie);
      const row = /<tr><td>sim1<\/td>[\s\S]*?<\/tr>/.exec(html.slice(html.indexOf('<table class="connectors">')))?.[0] ?? '';
      return /<td>(<span class="status[^"]*">[a-z-]+<\/span>[^<]*)<\/td>\s*<td>[^<]*<\/td><\/tr>$/.exec(row)?.[1] ?? row;
    };
    const token = (await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } })).body.token;
    const sent = await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${token}`, body: { to: '+4915112345671', text: 'Hallo' } });
    await waitFor('the breaker open', () => b.events.some((e) => e.evt === 'breaker-open'));
    const open = await breakerCell();
    assert.match(open, /^<span class="status s-failed">open<\/span> until \d\d:\d\d:\d\d UTC \(sim1 is throttling \(simulated\)\)$/, open);
    // Nothing may be kept away when the cool-down ends: the waiting SMS would be offered as the probe
    // (half-open) as soon as the dispatcher looks, which on a loaded machine came before the page did.
    const smsId = sent.body.messages[0].id;
    assert.is((await call(b, 'POST', `/api/v1/messages/${smsId}/cancel`, { auth: `Bearer ${token}` })).status, 200);

    clock.offset = 31_000;
    assert.is(b.connectorStatus()[0]!.breaker.phase, 'probe-due');
    const due = await breakerCell();
    assert.match(due, /^<span class="status">probe-due<\/span> cool-down over: the next SMS tests the connector \(last failure: sim1 is throttling \(simulated\)\)$/, due);
    assert.not.match(due, /s-failed|until/);
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

K.run();

/** Password guessing over HTTP meets the rules of SMTP AUTH (smtp.auth.*): growing delays, then the address is locked out. */
const G = suite<{ b: TestBridge }>('portal login throttle');
G.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never, smtp: { auth: { maxFailuresPerIp: 3, failureDelayMs: 1, maxFailureDelayMs: 5 } } as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
});
G.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

G('throttle :: three failures from one address lock it out (429), even with the right password; the problem says how long', async ({ b }) => {
  for (let i = 0; i < 3; i++) assert.is((await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: `guess-${i}` } })).status, 401);
  const locked = await call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password: 'lead-password-1' } });
  assert.is(locked.status, 429);
  assert.match(locked.body.detail, /too many failed logins from 127\.0\.0\.1; try again in \d+ minute/);
  assert.is((await call(b, 'GET', '/api/v1/me', { auth: basic('lead', 'lead-password-1') })).status, 429, 'HTTP Basic is the same login');
});

G.run();
