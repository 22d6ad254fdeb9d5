import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SmscSimulator } from '../../src/connectors/smpp/smsc-simulator.js';
import { portalForm, portalPage, portalSession } from '../helpers/api.js';
import { assertGerman } from '../helpers/german.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { restoredStore, sms } from '../helpers/store.js';

/**
 * After a restore, the page of a held SMS shows an admin the SMPP receipts kept since then that fit it and other
 * held SMS (what `mail2sms hold` lists), and the verdict "it went out" takes the carrier id, typed or picked from
 * such a receipt, as `hold mark … sent --carrier-id` and the API's carrierId do. Forms with the session's CSRF
 * token, for admins only. A real SMPP peer (the SMSC simulator) sends the receipts over a real bind.
 */
interface Ctx {
  dir: string;
  sim: SmscSimulator;
  b: TestBridge;
  admin: { cookie: string; csrf: string };
  lead: { cookie: string; csrf: string };
}
const P = suite<Ctx>('portal :: delivery receipts and carrier ids of SMS held after a restore');

const LOGIN = { systemId: 'bridge', password: 'smpp-pw' };
const finishedAt = new Date(Date.now() - 60_000);
const sentAt = new Date(finishedAt.getTime() + 30_000);
const TO = '+4915112345601';
const TEXT = 'Mahnung: Rechnung 4711 ist seit dem 1. offen';
const held = (id: string, to = TO) => sms(id, { to, text: TEXT, mail: { ...sms(id).mail, receivedAt: new Date(finishedAt.getTime() - 120_000).toISOString() } });

P.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-portal-receipts-'));
  ctx.sim = new SmscSimulator({ ...LOGIN });
  const port = (await ctx.sim.start()).port;
  // T.1 and T.2 to one number with one text: a receipt fits both. Q.1 only queued; V.1 to another number.
  await restoredStore(ctx.dir, { queued: [held('Q.1')], submitting: [held('T.1'), held('T.2'), held('V.1', '+4915112345602')], connector: 'smsc', finishedAt });
  ctx.b = await startTestBridge({ connectors: [{ name: 'smsc', type: 'smpp', smpp: { host: '127.0.0.1', port, ...LOGIN } }] } as never, ctx.dir);
  await ctx.b.users.add('ops', 'default', 'ops-password-1', 'admin');
  await ctx.b.users.add('lead', 'default', 'lead-password-1');
  ctx.admin = await portalSession(ctx.b, 'ops', 'ops-password-1');
  ctx.lead = await portalSession(ctx.b, 'lead', 'lead-password-1');
  for (const [id, stat] of [['00C0FFEE', 'UNDELIV'], ['00D00D', 'DELIVRD']] as const) {
    const r = ctx.sim.sendReceiptFor({ systemId: LOGIN.systemId, id, to: TO, text: TEXT, submitted: sentAt, stat });
    await waitFor(`receipt ${id} acknowledged`, () => r.acked);
  }
  await waitFor('both kept', () => ctx.b.events.filter((e) => e.evt === 'restore-receipt-kept').length === 2);
});
P.after(async (ctx) => {
  await ctx.b?.stop();
  await ctx.sim?.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

const receiptRows = (html: string) => [...html.matchAll(/<tr data-receipt="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, id, row]) => ({ id, row: row! }));
const receiptForms = (html: string) => [...html.matchAll(/<form class="receipt" method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)"><input type="hidden" name="verdict" value="sent"><input type="hidden" name="carrierId" value="([^"]+)">/g)]
  .map(([, action, csrf, carrierId]) => ({ action, csrf, carrierId }));

P('held SMS page :: an admin sees the receipts that fit it and others, each with a button naming its carrier id, and a carrier id field on "It went out"; a team lead sees neither', async ({ b, admin, lead }) => {
  const page = await portalPage(b, '/messages/T.1', admin.cookie);
  assert.is(page.status, 200);
  assert.match(page.html, /Delivery receipts that may be this SMS's/);
  const rows = receiptRows(page.html);
  assert.equal(rows.map((r) => r.id).sort(), ['c0ffee', 'd00d']);
  const failed = rows.find((r) => r.id === 'c0ffee')!.row;
  assert.match(failed, /failed: UNDELIV/);
  assert.match(failed, new RegExp(`<td>\\${TO}</td>`));
  assert.match(failed, /“Mahnung: Rechnung 47”/);
  assert.match(failed, /<a href="\/messages\/T\.2">T\.2<\/a>/, 'the other SMS it fits');
  assert.equal(receiptForms(page.html).map((f) => [f.action, f.csrf, f.carrierId]).sort(), [
    ['/messages/T.1/backup-verdict', admin.csrf, 'c0ffee'], ['/messages/T.1/backup-verdict', admin.csrf, 'd00d'],
  ]);
  assert.match(page.html, /<input type="hidden" name="verdict" value="sent">\s*<label>Carrier id, if you know it <input name="carrierId"/);

  const queued = await portalPage(b, '/messages/Q.1', admin.cookie);
  assert.equal(receiptRows(queued.html).map((r) => r.id).sort(), ['c0ffee', 'd00d'], 'a queued SMS it fits lists them too');
  assert.match(queued.html, /a receipt does not settle it: if it went out, cancel it/);
  assert.equal(receiptForms(queued.html), [], 'but offers no verdict');
  assert.equal(receiptRows((await portalPage(b, '/messages/V.1', admin.cookie)).html), [], 'another number: none fits');

  const theirs = await portalPage(b, '/messages/T.1', lead.cookie);
  assert.is(theirs.status, 200);
  assert.not.match(theirs.html, /Delivery receipts that may be this SMS's|name="carrierId"/);
});

P('german :: the receipts, their outcomes and buttons in German; the same forms', async ({ b, admin }) => {
  const page = (await portalPage(b, '/messages/T.1', `${admin.cookie}; m2s_lang=de`)).html;
  assertGerman(page, 'held SMS with receipts');
  assert.match(page, /<h2>Zustellberichte, die zu dieser SMS gehören könnten<\/h2>/);
  assert.match(receiptRows(page).find((r) => r.id === 'c0ffee')!.row, /<td>Fehlgeschlagen: UNDELIV/);
  assert.match(page, /<button type="submit">Das ist ihr Bericht: sie wurde gesendet<\/button>/);
  assert.equal(receiptForms(page).map((f) => f.carrierId).sort(), ['c0ffee', 'd00d']);
});

P('a carrier id where none can go :: with "did not go out", or with a space, 400; nothing changed', async ({ b, admin, lead }) => {
  const notSent = await portalForm(b, '/messages/T.2/backup-verdict', { _csrf: admin.csrf, verdict: 'not-sent', carrierId: 'c0ffee' }, admin.cookie);
  assert.is(notSent.status, 400);
  assert.match(await notSent.text(), /a carrier id names what went: it goes with the verdict sent only/);
  const spaced = await portalForm(b, '/messages/T.2/backup-verdict', { _csrf: admin.csrf, verdict: 'sent', carrierId: 'c0 ffee' }, admin.cookie);
  assert.is(spaced.status, 400);
  assert.match(await spaced.text(), /is not one: at most 64 characters, no spaces/);
  assert.is((await portalForm(b, '/messages/T.2/backup-verdict', { _csrf: lead.csrf, verdict: 'sent', carrierId: 'c0ffee' }, lead.cookie)).status, 403);
  assert.is((await portalForm(b, '/messages/T.2/backup-verdict', { verdict: 'sent', carrierId: 'c0ffee' }, admin.cookie)).status, 403, 'no CSRF token');
  assert.equal(['T.1', 'T.2'].map((id) => b.store.get(id)!.status), ['submitting', 'submitting']);
});

P('the receipt\'s button :: T.1 marked sent by "portal user ops" under that carrier id, and the kept receipt decides it (failed); the other receipt still fits T.2 alone', async ({ b, admin }) => {
  const res = await portalForm(b, '/messages/T.1/backup-verdict', { _csrf: admin.csrf, verdict: 'sent', carrierId: 'c0ffee' }, admin.cookie);
  assert.equal([res.status, res.headers.get('location')], [303, '/messages/T.1?notice=marked-sent']);
  const t1 = b.store.get('T.1')!;
  assert.equal(t1.history.map((e) => e.status), ['accepted', 'submitting', 'submitted', 'failed']);
  assert.equal([t1.history[2]!.by, t1.history[2]!.connectorMessageId], ['portal user ops', 'c0ffee']);
  assert.match(t1.history[3]!.reason!, /^UNDELIV/);
  const t2 = await portalPage(b, '/messages/T.2', admin.cookie);
  assert.equal(receiptRows(t2.html).map((r) => r.id), ['d00d'], 'the receipt now T.1\'s is no longer offered');
  assert.equal(receiptRows((await portalPage(b, '/messages/T.1', admin.cookie)).html), [], 'a final SMS lists none');
});

P('a carrier id typed in the field :: T.2 marked sent under it, and the kept receipt with that id, written in another form, decides it (delivered)', async ({ b, admin }) => {
  const res = await portalForm(b, '/messages/T.2/backup-verdict', { _csrf: admin.csrf, verdict: 'sent', carrierId: ' 0000D00D ' }, admin.cookie);
  assert.equal([res.status, res.headers.get('location')], [303, '/messages/T.2?notice=marked-sent']);
  const t2 = b.store.get('T.2')!;
  assert.equal([t2.status, t2.history[2]!.connectorMessageId], ['delivered', '0000D00D']);
});

P.run();
