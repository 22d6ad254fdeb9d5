import { appendFile, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, basic, call, portalLogin } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { appendToArchive } from '../../src/store/archive.js';
import { newMailId } from '../../src/store/ids.js';

/**
 * An archive an operator edited by hand or restored in part: a line that
 * is JSON but no whole message ({"id":"A.1"}) is skipped with one log line
 * naming the file and the line, and the portal's pages, the search and the
 * statistics show the rest (regression: the Messages page answered 500).
 */
const A = suite<{ b: TestBridge; cookie: string; file: string; ids: string[] }>('archive lines that are no message');

A.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  const info = await mailer(ctx.b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345921@sms.localhost', subject: 'x [REF:R-1]', text: 'Erinnerung.' });
  const live = `${queuedAs(info.response)}.1`;
  await waitFor('delivered', () => ctx.b.store.get(live)?.status === 'delivered');
  // Two whole messages of two days ago, as compaction files them, around the operator's half line.
  const at = new Date(Date.now() - 2 * 86_400_000);
  const copy = (hex: string) => {
    const m = structuredClone(ctx.b.store.get(live)!);
    m.mailId = newMailId(at, () => Buffer.from(hex, 'hex'));
    m.id = `${m.mailId}.1`;
    m.history = m.history.map((e) => ({ ...e, at: at.toISOString() }));
    return m;
  };
  const [first, last] = [copy('00000000a1'), copy('00000000a2')];
  ctx.file = join(ctx.b.store.archiveDir, `${at.toISOString().slice(0, 10)}.jsonl`);
  await appendToArchive(ctx.b.store.archiveDir, [first]);
  await appendFile(ctx.file, '{"id":"A.1","account":"acme","reference":"R-1"}\n');
  await appendToArchive(ctx.b.store.archiveDir, [last]);
  ctx.ids = [live, first.id, last.id];
  ctx.cookie = (await portalLogin(ctx.b, 'lead', 'lead-password-1')).headers.getSetCookie().find((c) => c.startsWith('m2s_session='))!.split(';')[0];
});
A.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

const page = async (b: TestBridge, path: string, cookie: string) => {
  const res = await fetch(apiBase(b) + path, { headers: { cookie, accept: 'text/html' } });
  return { status: res.status, html: await res.text() };
};
const rows = (html: string) => [...html.matchAll(/<tr data-id="([^"]+)"/g)].map((x) => x[1]).sort();

A('portal messages :: {"id":"A.1"} in a day file is skipped, the other messages shown; the log names the file and line 2', async ({ b, cookie, file, ids }) => {
  const all = await page(b, '/messages', cookie);
  assert.is(all.status, 200, all.html.slice(0, 300));
  assert.equal(rows(all.html), [...ids].sort());
  // By reference: the archive is read for the reference's bytes, where the line is found without being counted.
  const byRef = await page(b, '/messages?reference=R-1', cookie);
  assert.is(byRef.status, 200);
  assert.equal(rows(byRef.html), [...ids].sort());
  // Read twice (the page, the page by reference), said once: once per line per process.
  const skipped = b.events.filter((e) => e.evt === 'archive-line-skipped');
  assert.is(skipped.length, 1, JSON.stringify(skipped));
  assert.equal([skipped[0].file, skipped[0].line], [file, 2]);
  assert.match(String(skipped[0].problem), /to, text, status, encoding, segments, mail, confirmations, history missing/);
});

A('the REST API search, its CSV, the dashboard\'s statistics and a lookup :: the rest of the archive, no 500', async ({ b, cookie, ids }) => {
  const auth = basic('lead', 'lead-password-1');
  const found = await call(b, 'GET', '/api/v1/messages', { auth });
  assert.is(found.status, 200);
  assert.equal(found.body.items.map((m: { id: string }) => m.id).sort(), [...ids].sort());
  const csv = await call(b, 'GET', '/api/v1/messages?format=csv', { auth });
  assert.is(String(csv.body).trim().split('\r\n').length, 1 + ids.length);
  assert.is((await call(b, 'GET', '/api/v1/stats', { auth })).status, 200);
  assert.is((await page(b, '/', cookie)).status, 200);
  assert.is((await call(b, 'GET', `/api/v1/messages/${ids[2]}`, { auth })).status, 200);
  assert.is(b.events.filter((e) => e.evt === 'archive-line-skipped').length, 1, 'the line read by each of them is still said once (by the previous test\'s pages)');
});

A('another bad line, even one the same as an earlier one\'s in another file, is said too', async ({ b, file }) => {
  const other = join(b.store.archiveDir, `${new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)}.jsonl`);
  await appendFile(other, '{"id":"A.1","account":"acme","reference":"R-1"}\n');
  await appendFile(file, '{"id":"A.2","account":"acme"}\n');
  assert.is((await call(b, 'GET', '/api/v1/messages', { auth: basic('lead', 'lead-password-1') })).status, 200);
  assert.is((await call(b, 'GET', '/api/v1/messages', { auth: basic('lead', 'lead-password-1') })).status, 200);
  const said = b.events.filter((e) => e.evt === 'archive-line-skipped').map((e) => `${e.file}:${e.line}`);
  assert.equal([...said].sort(), [`${file}:2`, `${file}:4`, `${other}:1`].sort(), 'each line once, the new ones at their first read');
});

A('reading the skipped line\'s number :: leaves no descriptor of the day file open (one leaked per logged line, until EMFILE)', async ({ b, cookie, file }) => {
  const openOn = async () => {
    let n = 0;
    for (const fd of await readdir('/proc/self/fd')) if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === file) n++;
    return n;
  };
  // A new bad line before each read: a line is said (and its number looked up) once per process.
  const before = b.events.filter((e) => e.evt === 'archive-line-skipped').length;
  for (let i = 0; i < 5; i++) {
    await appendFile(file, `{"id":"L.${i}","account":"acme"}\n`);
    assert.is((await page(b, '/messages', cookie)).status, 200);
  }
  assert.is(b.events.filter((e) => e.evt === 'archive-line-skipped').length, before + 5, 'each new line looked up and logged');
  assert.is(await openOn(), 0);
});

A.run();
