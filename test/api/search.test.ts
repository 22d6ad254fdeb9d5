import * as assert from 'uvu/assert';
import { apiBase, apiSuite, bearer, call, portalPage, portalSession } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor } from '../helpers/bridge.js';
import { localDay } from '../../src/api/params.js';

/** Reading the history over the API: search with paging, the CSV export, the statistics. */
const H = apiSuite('api search and stats');

H('search :: by reference, recipient digits, status and time; newest first with a cursor for more', async ({ b, lead }) => {
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

H('search :: from after until is a 400 naming both, as /stats answers its from after to; the same day or a range the right way round is searched', async ({ b, lead }) => {
  const r = await call(b, 'GET', '/api/v1/messages?from=2026-11-30&until=2026-11-20', { auth: lead });
  assert.equal([r.status, r.body.title, r.body.detail], [400, 'BadRequest', 'from (2026-11-30) is not before until (2026-11-20): no SMS can lie between; swap them']);
  const times = await call(b, 'GET', `/api/v1/messages?from=${encodeURIComponent('2026-11-30T10:00:00+01:00')}&until=${encodeURIComponent('2026-11-30T10:00:00+01:00')}`, { auth: lead });
  assert.is(times.status, 400, 'an empty range of date-times');
  const stats = await call(b, 'GET', '/api/v1/stats?from=2026-11-30&to=2026-11-20', { auth: lead });
  assert.is(stats.status, 400);
  for (const [from, until] of [['2026-11-20', '2026-11-20'], ['2026-11-20', '2026-11-30']]) {
    assert.is((await call(b, 'GET', `/api/v1/messages?from=${from}&until=${until}`, { auth: lead })).status, 200, `${from}..${until}`);
  }
});

H('regression: search :: a number without digits is a 400 saying so (API, CSV export and portal), not every SMS', async ({ b, lead }) => {
  await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345699', text: 'Irgendeine.', reference: 'NODIGITS-1' } });
  const detail = 'to "abc" has no digits; search for a number or some of its digits (+49 151 1234, 1234)';
  const r = await call(b, 'GET', '/api/v1/messages?to=abc', { auth: lead });
  assert.equal([r.status, r.body.title, r.body.detail], [400, 'BadRequest', detail]);
  const csv = await call(b, 'GET', '/api/v1/messages?to=abc&format=csv', { auth: lead });
  assert.is(csv.status, 400);
  assert.not.match(JSON.stringify(csv.body), /NODIGITS-1/);
  const { cookie } = await portalSession(b, 'lead', 'lead-password-1');
  const page = await portalPage(b, '/messages?to=abc', cookie);
  assert.ok(page.html.includes(detail.replace(/"/g, '&quot;')) || page.html.includes(detail), 'the portal\'s form shows the sentence');
  assert.not.match(page.html, /Irgendeine|NODIGITS-1/);
});

H('stats :: a day that is not in the calendar is named as such, not compared', async ({ b, lead }) => {
  for (const [q, detail] of [['from=2026-13-01', 'from "2026-13-01" is not a day of the calendar (YYYY-MM-DD)'], ['to=2026-02-30', 'to "2026-02-30" is not a day of the calendar (YYYY-MM-DD)']]) {
    const r = await call(b, 'GET', `/api/v1/stats?${q}`, { auth: lead });
    assert.equal([r.status, r.body.detail], [400, detail]);
  }
});

H('search :: a day that is not in the calendar is refused, not rolled into the next month (2026-11-31 would find 1 December)', async ({ b, lead }) => {
  const cases = [
    ['from=2026-13-01', 'from "2026-13-01" is not a day of the calendar (YYYY-MM-DD)'],
    ['until=2026-11-31', 'until "2026-11-31" is not a day of the calendar (YYYY-MM-DD)'],
    ['from=2026-02-30', 'from "2026-02-30" is not a day of the calendar (YYYY-MM-DD)'],
    ['from=2026-02-30T09:00:00%2B01:00', 'from "2026-02-30T09:00:00+01:00" is not a date (YYYY-MM-DD) or a date-time with offset (2026-11-23T09:00:00+01:00)'],
  ];
  for (const [q, detail] of cases) {
    const r = await call(b, 'GET', `/api/v1/messages?${q}`, { auth: lead });
    assert.equal([r.status, r.body.detail], [400, detail], q);
  }
  const leap = await call(b, 'GET', '/api/v1/messages?from=2028-02-29&until=2028-02-29', { auth: lead });
  assert.is(leap.status, 200, 'a leap day is a day');
});

H('csv :: every match with a header line; free text cannot start a spreadsheet formula', async ({ b, lead }) => {
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

H('stats :: today counts messages and segments, by status, connector and country, with the delivery rate', async ({ b, lead }) => {
  await waitFor('the SMS of the tests above delivered', async () => (await call(b, 'GET', '/api/v1/messages', { auth: lead })).body.items.every((m: { status: string }) => m.status === 'delivered'));
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

H('search and statistics by day :: read in the zone the person\'s pages show: their account\'s for a user, the gateway\'s for an admin (API and portal)', async () => {
  // 26 hours apart, so an SMS's day is never the same in both.
  const b = await startTestBridge({ options: { timeZone: 'Etc/GMT+12' }, accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], timeZone: 'Pacific/Kiritimati' }] as never });
  try {
    await b.users.add('lead', 'acme', 'lead-password-1');
    await b.users.add('root', 'acme', 'admin-password-1', 'admin');
    const lead = await bearer(b, 'lead', 'lead-password-1');
    const admin = await bearer(b, 'root', 'admin-password-1');
    const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345690', text: 'Zonen', reference: 'ZONE-1' } });
    const id = sent.body.messages[0].id as string;
    const at = new Date((await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.acceptedAt);
    const userDay = localDay(at, 'Pacific/Kiritimati');
    const adminDay = localDay(at, 'Etc/GMT+12');
    const found = async (auth: string, day: string) => (await call(b, 'GET', `/api/v1/messages?reference=ZONE-1&from=${day}&until=${day}`, { auth })).body.items.map((m: { id: string }) => m.id);
    assert.equal(await found(lead, userDay), [id], 'the user finds it on the day their pages show');
    assert.equal(await found(admin, userDay), [], 'the admin reads that day in the gateway\'s zone');
    assert.equal(await found(admin, adminDay), [id]);
    const onDay = async (auth: string, day: string) => (await call(b, 'GET', `/api/v1/stats?from=${day}&to=${day}`, { auth })).body.totals.messages;
    assert.is(await onDay(lead, userDay), 1, 'the statistics count it on the same day');
    assert.is(await onDay(admin, userDay), 0);
    assert.is(await onDay(admin, adminDay), 1);
    const { cookie } = await portalSession(b, 'lead', 'lead-password-1');
    const page = await portalPage(b, `/messages?reference=ZONE-1&from=${userDay}&until=${userDay}`, cookie);
    assert.ok(page.html.includes(id), 'the portal\'s search too');
  } finally {
    await stopTestBridge(b);
  }
});

H.run();
