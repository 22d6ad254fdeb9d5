import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, bearer, call, cookieOf, portalForm, portalLogin, portalPage, portalSession } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { assertGerman, langOf } from '../helpers/german.js';
import { formatTime, formatTimeGerman } from '../../src/notify/times.js';

/**
 * The portal in German and English over real HTTP: which language each person gets (the gateway is German, account
 * acme English, account kunde inherits German), the link that switches it, and no English left on a German page.
 */
type Ctx = { b: TestBridge; chef: { cookie: string; csrf: string }; delivered: string; scheduled: string };
const P = suite<Ctx>('portal languages');

const ACCOUNTS = [
  { name: 'acme', networks: ['127.0.0.0/8'], addresses: [], language: 'en' },
  { name: 'kunde', networks: ['::1/128'], addresses: [] },
];

P.before(async (ctx) => {
  ctx.b = await startTestBridge({ notify: { language: 'de' }, accounts: ACCOUNTS as never, smtp: { auth: { failureDelayMs: 1, maxFailureDelayMs: 5 } } });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  await ctx.b.users.add('chef', 'kunde', 'chef-password-1');
  await ctx.b.users.add('root', 'acme', 'admin-password-1', 'admin');
  const auth = await bearer(ctx.b, 'chef', 'chef-password-1');
  const send = async (body: Record<string, string>) => (await call(ctx.b, 'POST', '/api/v1/messages', { auth, body: { text: 'Grüße aus Köln', ...body } })).body.messages[0].id as string;
  ctx.delivered = await send({ to: '+4915112345601', reference: 'RE-1' });
  ctx.scheduled = await send({ to: '+4915112345602', sendAt: new Date(Date.now() + 86_400_000).toISOString() });
  await waitFor('delivered', () => ctx.b.store.get(ctx.delivered)?.status === 'delivered');
  ctx.chef = await portalSession(ctx.b, 'chef', 'chef-password-1');
});
P.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

P('chosen by the browser :: the login page before anyone logs in; a wrong password answered in it', async ({ b }) => {
  const get = (acceptLanguage?: string) => fetch(apiBase(b) + '/login', { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} }).then((r) => r.text());
  const german = await get('de-DE,de;q=0.9,en;q=0.8');
  assertGerman(german, 'login');
  assert.match(german, /<h1>Anmelden<\/h1>/);
  assert.match(german, /<a class="language" href="\/language\?to=en&amp;next=%2Flogin"/);
  const english = await get('en-US,de;q=0.5');
  assert.is(langOf(english), 'en');
  assert.match(english, /<h1>Log in<\/h1>/);
  assert.is(langOf(await get()), 'en', 'no header: English, though the gateway is German');

  const login = await fetch(apiBase(b) + '/login', { headers: { 'accept-language': 'de' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
  const wrong = await fetch(apiBase(b) + '/login', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(login, 'm2s_login'), 'accept-language': 'de', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, user: 'chef', password: 'wrong-password' }).toString(),
  });
  assert.is(wrong.status, 401);
  const html = await wrong.text();
  assertGerman(html, 'login refused');
  assert.match(html, /Unbekannter Benutzer oder falsches Passwort\./);
});

P('chosen by the account :: a user of a German account gets every page in German, times and statuses as German writes them', async ({ b, chef, delivered, scheduled }) => {
  const dashboard = (await portalPage(b, '/', chef.cookie)).html;
  assertGerman(dashboard, 'dashboard');
  assert.match(dashboard, /<h2>Heute \(\d\d\.\d\d\.\d{4}\)<\/h2>/);
  assert.match(dashboard, /<title>SMS pro Tag: zugestellt, fehlgeschlagen, noch nicht abgeschlossen<\/title>/);
  assert.match(dashboard, /Zeiten in Europe\/Berlin \(Zeitzone Ihres Kontos\)/);

  const list = (await portalPage(b, '/messages', chef.cookie)).html;
  assertGerman(list, 'messages');
  assert.match(list, new RegExp(`<tr data-id="${delivered.replace(/\./g, '\\.')}">[\\s\\S]*?<time datetime="[^"]+">\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d ME(S)?Z</time>[\\s\\S]*?<span class="status s-delivered">Zugestellt</span>`));
  assert.match(list, /<option value="delivered" >Zugestellt<\/option>/);
  assertGerman((await portalPage(b, '/messages?reference=none', chef.cookie)).html, 'no match');
  const refused = (await portalPage(b, '/messages?from=2026-12-02&until=2026-12-01', chef.cookie)).html;
  assertGerman(refused, 'refused search');
  assert.match(refused, /<p class="error" role="alert">Die Suche ist so nicht möglich: „Von“ \(2026-12-02\) liegt nicht vor „Bis“ \(2026-12-01\): dazwischen kann keine SMS liegen; tauschen Sie die beiden\.<\/p>/);
  const api = await fetch(apiBase(b) + '/api/v1/messages?from=2026-12-02&until=2026-12-01', { headers: { cookie: chef.cookie } });
  assert.is((await api.json()).detail, 'from (2026-12-02) is not before until (2026-12-01): no SMS can lie between; swap them', 'the API stays English');
  assertGerman((await portalPage(b, '/messages?to=abc', chef.cookie)).html, 'refused number');
  const foreign = (await portalPage(b, '/messages?account=acme', chef.cookie)).html;
  assertGerman(foreign, 'another account\'s search (a hand-made URL)');
  assert.match(foreign, /<p class="error" role="alert">Die Suche ist so nicht möglich: Sie sehen nur die SMS Ihres Kontos „kunde“\.<\/p>/);
  const other = await fetch(apiBase(b) + '/api/v1/messages?account=acme', { headers: { cookie: chef.cookie } });
  assert.is(other.status, 403);
  assert.is((await other.json()).detail, 'you may only see your account "kunde"', 'the API: 403, in English');

  const done = (await portalPage(b, `/messages/${delivered}`, chef.cookie)).html;
  assertGerman(done, 'delivered SMS');
  assert.match(done, /<h1>SMS an \+4915112345601 <span class="status s-delivered">Zugestellt<\/span><\/h1>/);
  assert.match(done, /<span class="label">Von mail2sms angenommen<\/span>/);
  assert.match(done, /<span class="label">Auf dem Telefon zugestellt<\/span>/);
  assert.match(done, /<dd>1 SMS-Teil, GSM 7-Bit<\/dd>/);

  const waiting = (await portalPage(b, `/messages/${scheduled}`, chef.cookie)).html;
  assertGerman(waiting, 'scheduled SMS');
  assert.match(waiting, /<span class="detail">geplant für \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d ME(S)?Z<\/span>/);
  assert.match(waiting, /<button type="submit">Diese SMS stornieren<\/button>/);

  const account = (await portalPage(b, '/accounts/kunde', chef.cookie)).html;
  assertGerman(account, 'default options');
  assert.match(account, /<label for="f-defaultCountry">Land für nationale Nummern<\/label>/);
  assert.match(account, /<option value="on" >an<\/option>/, 'a switch\'s words in German, its value as before');

  const bad = { timeZone: 'Mars/X', defaultCountry: 'UK', maxSegments: '99', quietHours: '{"from": "22:00"}', billingCode: 'K'.repeat(200), signaturePatterns: '(-+)+$' };
  const refusedForm = await portalForm(b, '/accounts/kunde', { _csrf: chef.csrf, ...bad }, chef.cookie);
  assert.is(refusedForm.status, 422);
  const refusedHtml = await refusedForm.text();
  assertGerman(refusedHtml, 'default options refused');
  for (const german of [
    'timeZone: ist &quot;Mars/X&quot;; möglich: eine IANA-Zeitzone wie &quot;Europe/Berlin&quot;',
    'defaultCountry: ist &quot;UK&quot;; möglich: ein Land des internationalen Nummernplans mit seinem ISO-3166-Code, etwa &quot;DE&quot;, &quot;AT&quot; oder &quot;CH&quot;; das Vereinigte Königreich ist &quot;GB&quot;',
    'maxSegments: ist 99; möglich: höchstens',
    'quietHours: nennt nur den Beginn des täglichen Fensters, nicht sein Ende',
    `billingCode: ist &quot;${'K'.repeat(200)}&quot;; möglich: 1 bis`,
    'signaturePatterns[0]: ist &quot;(-+)+$&quot;; eine wiederholte Gruppe',
  ]) assert.ok(refusedHtml.includes(german), german);
  assert.is(b.accounts.get('kunde')?.timeZone, 'Europe/Berlin', 'nothing saved');
  const shape = await (await portalForm(b, '/accounts/kunde', { _csrf: chef.csrf, quietHours: '{"from": "8:00", "to": "20:00"}' }, chef.cookie)).text();
  assert.ok(shape.includes('quietHours.from: ist &quot;8:00&quot;; möglich: eine Uhrzeit als HH:MM im 24-Stunden-Format'), 'a value in the wrong shape is told in words, not as the schema\'s pattern');
  const admin = await bearer(b, 'root', 'admin-password-1');
  const patched = await call(b, 'PATCH', '/api/v1/accounts/kunde', { auth: admin, body: { timeZone: 'Mars/X' } });
  assert.equal([patched.status, patched.body.errors], [422, ['timeZone: is "Mars/X"; allowed: an IANA time zone such as "Europe/Berlin"']], 'the REST API stays English');

  const missing = await portalPage(b, '/messages/nope', chef.cookie);
  assert.is(missing.status, 404);
  assertGerman(missing.html, 'not found');
  assert.match(missing.html, /Es gibt keine Nachricht nope\./);
});

P('forms :: the German pages\' forms keep the session\'s CSRF token; a refusal and a notice are German', async ({ b, chef, scheduled }) => {
  const forged = await portalForm(b, `/messages/${scheduled}/cancel`, {}, chef.cookie);
  assert.is(forged.status, 403);
  const html = await forged.text();
  assertGerman(html, 'refused form');
  assert.match(html, /<h1>Nicht erlaubt<\/h1>/);
  assert.match(html, /Das Formular ist abgelaufen/);
  assert.is(b.store.get(scheduled)?.status, 'accepted', 'nothing cancelled');

  const json = await fetch(apiBase(b) + `/messages/${scheduled}/cancel`, { method: 'POST', headers: { cookie: chef.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: '' });
  assert.is((await json.json()).detail, 'the form has expired or did not come from this portal; reload the page and try again', 'a program gets the English sentence');

  const res = await portalForm(b, `/messages/${scheduled}/cancel`, { _csrf: chef.csrf }, chef.cookie);
  assert.is(res.status, 303);
  const after = (await portalPage(b, res.headers.get('location')!, chef.cookie)).html;
  assertGerman(after, 'cancelled');
  assert.match(after, /<p class="notice" role="status">Die SMS wurde storniert; sie wird nicht gesendet\.<\/p>/);
  assert.match(after, /<span class="status s-cancelled">Storniert<\/span>/);
  assert.match(after, /<span class="label">Storniert<\/span>\s*<time [^>]+>[^<]+<\/time>\s*<span class="detail">durch Portal-Benutzer chef<\/span>/, 'who cancelled, in German');
});

P('chosen by the account :: a user of an English account gets English, with a link to German', async ({ b }) => {
  const lead = await portalSession(b, 'lead', 'lead-password-1');
  const html = (await portalPage(b, '/messages', lead.cookie)).html;
  assert.is(langOf(html), 'en');
  assert.match(html, /<h1>Messages<\/h1>/);
  assert.match(html, /<a class="language" href="\/language\?to=de&amp;next=%2Fmessages" hreflang="de" lang="de" title="Dieses Portal auf Deutsch">Deutsch<\/a>/);
});

P('admin :: the gateway\'s language (German here), not their own account\'s; the connectors and accounts in German too', async ({ b }) => {
  const root = await portalSession(b, 'root', 'admin-password-1');
  const dashboard = (await portalPage(b, '/', root.cookie)).html;
  assertGerman(dashboard, 'admin dashboard');
  assert.match(dashboard, /<h2>Connectoren<\/h2>/);
  assert.match(dashboard, /<span class="status status s-delivered">geschlossen<\/span>|<span class="status s-delivered">geschlossen<\/span>/);
  assert.match(dashboard, /Zeiten in Europe\/Berlin \(Zeitzone des Gateways/);
  assertGerman((await portalPage(b, '/accounts', root.cookie)).html, 'accounts');
  assertGerman((await portalPage(b, '/messages', root.cookie)).html, 'admin messages');
});

P('switch :: the link sets the language for the browser\'s session and comes back to the page; nothing else changes', async ({ b, chef }) => {
  const res = await fetch(apiBase(b) + `/language?to=en&next=${encodeURIComponent('/messages?status=delivered')}`, { headers: { cookie: chef.cookie }, redirect: 'manual' });
  assert.is(res.status, 303);
  assert.is(res.headers.get('location'), '/messages?status=delivered');
  const set = res.headers.getSetCookie().find((c) => c.startsWith('m2s_lang='))!;
  assert.match(set, /^m2s_lang=en;/);
  assert.match(set, /HttpOnly/i);
  assert.match(set, /SameSite=Strict/i);
  assert.not.match(set, /Max-Age|Expires/i, 'for the session only');
  const cookie = `${chef.cookie}; ${cookieOf(res, 'm2s_lang')}`;
  const english = (await portalPage(b, '/messages', cookie)).html;
  assert.is(langOf(english), 'en');
  assert.match(english, /<a class="language" href="\/language\?to=de&amp;next=%2Fmessages"[^>]*>Deutsch<\/a>/);
  assert.is(b.accounts.get('kunde')?.language, 'de', 'the account\'s language (its confirmations) stays');

  // Before login too: the choice beats the browser's.
  const login = await fetch(apiBase(b) + '/login', { headers: { 'accept-language': 'en', cookie: 'm2s_lang=de' } });
  assert.is(langOf(await login.text()), 'de');

  for (const [query, location] of [['to=de&next=//evil.test/', '/'], ['to=fr&next=/messages', '/messages']]) {
    const r = await fetch(apiBase(b) + `/language?${query}`, { redirect: 'manual' });
    assert.is(r.headers.get('location'), location, query);
    assert.is(cookieOf(r, 'm2s_lang'), query.startsWith('to=fr') ? '' : 'm2s_lang=de', query);
  }
});

P('carrier and connector words :: a carrier\'s reason kept but named in German; connector states and confirmation levels in German', async ({ b, chef }) => {
  const auth = await bearer(b, 'chef', 'chef-password-1');
  const id = (await call(b, 'POST', '/api/v1/messages', { auth, body: { to: '+4915112340000', text: 'Geht nicht' } })).body.messages[0].id as string;
  await waitFor('failed', () => b.store.get(id)?.status === 'failed');
  const page = (await portalPage(b, `/messages/${id}`, chef.cookie)).html;
  assertGerman(page, 'failed SMS');
  assert.match(page, /<span class="label">Fehlgeschlagen<\/span>\s*<time [^>]+>[^<]+<\/time>\s*<span class="detail">Meldung des Netzbetreibers: UNDELIV: the handset was not reachable \(simulated failure\)<\/span>/);

  const root = await portalSession(b, 'root', 'admin-password-1');
  const dashboard = (await portalPage(b, '/', root.cookie)).html;
  assertGerman(dashboard, 'connectors');
  assert.match(dashboard, /<tr><td>simulator<\/td><td>simulator<\/td><td><span class="status s-delivered">bereit<\/span><\/td>/);
  const accounts = (await portalPage(b, '/accounts', root.cookie)).html;
  assertGerman(accounts, 'accounts list');
  assert.match(accounts, /<td>Endstatus<\/td>/, 'notify final, in the words of the form');
});

P('message list :: a queued SMS says why it waits: held for quiet hours and until when, or when a scheduled one is due, in the page\'s language', async ({ b, chef }) => {
  const admin = await bearer(b, 'root', 'admin-password-1');
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  // Three whole days around now: quiet in Berlin whatever the hour.
  const patched = await call(b, 'PATCH', '/api/v1/accounts/kunde', { auth: admin, body: { quietHours: { dates: [day(-1), day(0), day(1)] } } });
  assert.is(patched.status, 200, JSON.stringify(patched.body));
  try {
    const auth = await bearer(b, 'chef', 'chef-password-1');
    const sent = await call(b, 'POST', '/api/v1/messages', { auth, body: { to: '+4915112345603', text: 'Ruhe bitte', reference: 'QUIET-1' } });
    const id = sent.body.messages[0].id as string;
    const until = (await waitFor('held', () => b.store.get(id)?.history.find((e) => e.until)))!.until!;
    const row = (html: string) => new RegExp(`<tr data-id="${id.replace(/\./g, '\\.')}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    const german = (await portalPage(b, '/messages?reference=QUIET-1', chef.cookie)).html;
    assertGerman(german, 'held SMS in the list');
    assert.match(row(german), `<span class="status s-held">Angehalten</span> <small class="wait">Ruhezeiten, geht ${formatTimeGerman(until, 'Europe/Berlin')}</small>`);
    const english = (await portalPage(b, '/messages?reference=QUIET-1', `${chef.cookie}; m2s_lang=en`)).html;
    assert.match(row(english), `<span class="status s-held">held</span> <small class="wait">quiet hours, goes at ${formatTime(until, 'Europe/Berlin')}</small>`);
  } finally {
    await call(b, 'PATCH', '/api/v1/accounts/kunde', { auth: admin, body: { quietHours: null } });
  }
});

P('message list :: a scheduled SMS shows when it is due beside its status', async ({ b, chef }) => {
  const auth = await bearer(b, 'chef', 'chef-password-1');
  const sendAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const id = (await call(b, 'POST', '/api/v1/messages', { auth, body: { to: '+4915112345604', text: 'Später', reference: 'LATER-1', sendAt } })).body.messages[0].id as string;
  const at = b.store.get(id)!.sendAt!;
  const german = (await portalPage(b, '/messages?reference=LATER-1', chef.cookie)).html;
  assertGerman(german, 'scheduled SMS in the list');
  assert.match(german, `<span class="status s-accepted">Angenommen</span> <small class="wait">fällig ${formatTimeGerman(at, 'Europe/Berlin')}</small>`);
  const english = (await portalPage(b, '/messages?reference=LATER-1', `${chef.cookie}; m2s_lang=en`)).html;
  assert.match(english, `<span class="status s-accepted">accepted</span> <small class="wait">due ${formatTime(at, 'Europe/Berlin')}</small>`);
});

P.run();
