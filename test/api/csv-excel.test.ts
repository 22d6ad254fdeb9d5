import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, basic, call, portalLogin } from '../helpers/api.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';
import { CSV_COLUMNS } from '../../src/api/views.js';

/**
 * The CSV export for Excel set to German (Germany, Austria, Switzerland):
 * `sep=semicolon`, as such an Excel opens a comma-separated file on a double
 * click in one column. The comma stays the default, for tools.
 */
const C = suite<{ b: TestBridge }>('csv for German Excel');
const LEAD = basic('lead', 'lead-password-1');

C.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
});
C.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

const bytes = async (b: TestBridge, query: string) => Buffer.from(await (await fetch(`${apiBase(b)}/api/v1/messages?${query}`, { headers: { authorization: LEAD } })).arrayBuffer());

C('sep=semicolon :: the bytes: BOM, the header and each row separated by ";", a field with ";" or "," quoted; without it the comma as before', async ({ b }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: LEAD, body: { to: '+4915112345941', text: 'Grüße, bis 10,50 €', reference: 'CSV;DE', billingCode: 'KST 1' } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const { id, mailId } = sent.body.messages[0];
  const raw = await bytes(b, `reference=${encodeURIComponent('CSV;DE')}&format=csv&sep=semicolon`);
  assert.equal([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const [header, row, rest] = raw.subarray(3).toString('utf8').split('\r\n');
  assert.is(header, CSV_COLUMNS.join(';'));
  assert.is(rest, '', 'each line ends with CR LF');
  assert.ok(row.startsWith(`${id};${mailId};acme;`), row);
  assert.ok(row.includes(';"CSV;DE";KST 1;'), row);
  assert.ok(row.endsWith(';"Grüße, bis 10,50 €"'), row);
  // Outside quotes, one ";" between each two columns.
  assert.is(row.replace(/"(?:[^"]|"")*"/g, '').split(';').length, CSV_COLUMNS.length);
  const comma = (await bytes(b, `reference=${encodeURIComponent('CSV;DE')}&format=csv`)).subarray(3).toString('utf8');
  assert.ok(comma.startsWith(`${CSV_COLUMNS.join(',')}\r\n${id},${mailId},acme,`), comma.slice(0, 200));
  assert.is((await call(b, 'GET', '/api/v1/messages?format=csv&sep=tab', { auth: LEAD })).status, 400);
});

C('sep=semicolon :: times as German Excel reads a date and time, in the user\'s zone (here the gateway\'s default, Europe/Berlin); the comma export keeps ISO 8601', async ({ b }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: LEAD, body: { to: '+4915112345942', text: 'Zeit', reference: 'CSV-TIME' } });
  const acceptedAt = (await call(b, 'GET', `/api/v1/messages/${sent.body.messages[0].id}`, { auth: LEAD })).body.acceptedAt as string;
  const column = (raw: Buffer, sep: string) => raw.subarray(3).toString('utf8').split('\r\n')[1].split(sep)[CSV_COLUMNS.indexOf('acceptedAt')];
  const berlin = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(acceptedAt)).replace(',', '');
  assert.is(column(await bytes(b, 'reference=CSV-TIME&format=csv&sep=semicolon'), ';'), berlin);
  assert.is(column(await bytes(b, 'reference=CSV-TIME&format=csv'), ','), acceptedAt);
});

C('portal :: the Messages page links both downloads, with the search\'s criteria (after the first test: one match)', async ({ b }) => {
  const cookie = (await portalLogin(b, 'lead', 'lead-password-1')).headers.getSetCookie().find((c) => c.startsWith('m2s_session='))!.split(';')[0];
  const html = await (await fetch(`${apiBase(b)}/messages?reference=CSV%3BDE`, { headers: { cookie, accept: 'text/html' } })).text();
  assert.match(html, /<a href="\/api\/v1\/messages\?reference=CSV%3BDE&amp;format=csv">Download all matches as CSV<\/a>/);
  assert.match(html, /<a href="\/api\/v1\/messages\?reference=CSV%3BDE&amp;format=csv&amp;sep=semicolon">CSV for Excel \(Germany, Austria, Switzerland\)<\/a>/);
});

C.run();
