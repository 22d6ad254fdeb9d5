import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { holdCommand } from '../../src/cli/hold.js';
import { portalForm, portalPage, portalSession } from '../helpers/api.js';
import { assertGerman } from '../helpers/german.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { UnsureSimulator } from '../helpers/connectors.js';
import { restoredStore, sms } from '../helpers/store.js';

/**
 * After a restore, an admin settles in the portal what the backup caught
 * being handed over, as `mail2sms hold mark` and the API's backup-verdict
 * do: buttons on the SMS's page and on the list of uncertain SMS, with the
 * CSRF token and origin check of the portal's other forms, audited as
 * sms-backup-verdict by the portal user. Over HTTP, as a browser posts.
 */
interface Ctx {
  dir: string;
  b: TestBridge;
  unsure: UnsureSimulator;
  admin: { cookie: string; csrf: string };
  lead: { cookie: string; csrf: string };
}
const V = suite<Ctx>('portal :: verdicts on SMS uncertain since a restored backup');

const CONNECTOR = 'smpp-like';
const finishedAt = new Date(Date.now() - 60_000);
const caught = (id: string, n: number) => sms(id, { to: `+49151123459${n}0` });

V.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-portal-verdict-'));
  await restoredStore(ctx.dir, { queued: [caught('W.1', 9)], submitting: [caught('U.1', 1), caught('U.2', 2), caught('U.3', 3)], connector: CONNECTOR, finishedAt });
  ctx.unsure = new UnsureSimulator(CONNECTOR, { deliveryDelayMs: 20 });
  ctx.b = await startTestBridge({ connectors: [{ name: CONNECTOR, type: 'simulator' }] }, ctx.dir, { connectors: { [CONNECTOR]: ctx.unsure } });
  await ctx.b.users.add('ops', 'default', 'ops-password-1', 'admin');
  await ctx.b.users.add('lead', 'default', 'lead-password-1');
  ctx.admin = await portalSession(ctx.b, 'ops', 'ops-password-1');
  ctx.lead = await portalSession(ctx.b, 'lead', 'lead-password-1');
});
V.after(async (ctx) => {
  await ctx.b?.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

const verdictForms = (html: string) => [...html.matchAll(/<form class="inline" method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)"><input type="hidden" name="verdict" value="([a-z-]+)">/g)]
  .map(([, action, csrf, verdict]) => ({ action, csrf, verdict }));

async function auditVerdicts(dir: string): Promise<Array<Record<string, string>>> {
  const files = await readdir(join(dir, 'audit')).catch(() => [] as string[]);
  const text = (await Promise.all(files.map((f) => readFile(join(dir, 'audit', f), 'utf8')))).join('');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l.evt === 'sms-backup-verdict');
}

V('message page :: an admin gets both buttons with the session\'s token; a team lead of the account sees none and is refused (403), nothing changed', async ({ b, admin, lead }) => {
  const page = await portalPage(b, '/messages/U.1', admin.cookie);
  assert.is(page.status, 200);
  assert.match(page.html, /Uncertain since the backup/);
  assert.match(page.html, new RegExp(`being handed to the carrier through ${CONNECTOR}`));
  assert.equal(verdictForms(page.html), [
    { action: '/messages/U.1/backup-verdict', csrf: admin.csrf, verdict: 'sent' },
    { action: '/messages/U.1/backup-verdict', csrf: admin.csrf, verdict: 'not-sent' },
  ]);
  const theirs = await portalPage(b, '/messages/U.1', lead.cookie);
  assert.is(theirs.status, 200);
  assert.equal(verdictForms(theirs.html), []);
  // Not "waiting for its turn to be sent": it is held until an operator has checked it (both see why).
  for (const html of [page.html, theirs.html]) {
    assert.match(html, /Held since this service was restored from a backup: it was being handed to the carrier when the backup was taken/);
    assert.not.match(html, /Waiting for its turn to be sent/);
  }
  assert.match((await portalPage(b, '/messages/W.1', lead.cookie)).html, /Waiting for its turn to be sent/, 'one only queued before the backup waits for the release');
  const refused = await portalForm(b, '/messages/U.1/backup-verdict', { _csrf: lead.csrf, verdict: 'sent' }, lead.cookie);
  assert.is(refused.status, 403);
  assert.match(await refused.text(), /only an admin may settle what a restored backup left uncertain/);
  assert.is(b.store.get('U.1')!.status, 'submitting');
});

V('csrf :: a verdict without the session\'s token, or from another site\'s page, changes nothing (403)', async ({ b, admin }) => {
  assert.is((await portalForm(b, '/messages/U.1/backup-verdict', { verdict: 'sent' }, admin.cookie)).status, 403);
  assert.is((await portalForm(b, '/messages/U.1/backup-verdict', { _csrf: 'x'.repeat(43), verdict: 'sent' }, admin.cookie)).status, 403);
  const foreign = await portalForm(b, '/messages/U.1/backup-verdict', { _csrf: admin.csrf, verdict: 'sent' }, admin.cookie, { origin: 'http://evil.test' });
  assert.is(foreign.status, 403);
  assert.match(await foreign.text(), /this form was sent from another site/);
  assert.is(b.store.get('U.1')!.status, 'submitting');
  assert.equal(await auditVerdicts(b.dir), []);
});

V('went out :: settled as handed over by "portal user ops", in its timeline and the audit log; a second click says so, no error; the buttons are gone', async ({ b, admin }) => {
  for (let click = 1; click <= 2; click++) {
    const res = await portalForm(b, '/messages/U.1/backup-verdict', { _csrf: admin.csrf, verdict: 'sent' }, admin.cookie);
    assert.equal([res.status, res.headers.get('location')], [303, '/messages/U.1?notice=marked-sent'], `click ${click}`);
  }
  const last = b.store.get('U.1')!.history.at(-1)!;
  assert.equal([last.status, last.backup, last.by, last.connector], ['submitted', 'sent', 'portal user ops', CONNECTOR]);
  const audited = await waitFor('the audit line', async () => ((await auditVerdicts(b.dir)).length ? auditVerdicts(b.dir) : undefined));
  assert.equal(audited.map((l) => [l.msgId, l.verdict, l.by]), [['U.1', 'sent', 'portal user ops']], 'once: the second click changed nothing');
  const page = await portalPage(b, '/messages/U.1?notice=marked-sent', admin.cookie);
  assert.match(page.html, /Marked as sent by the bridge the backup was taken of: it is settled as handed to the carrier and not sent again\./);
  assert.equal(verdictForms(page.html), []);
});

V('not uncertain :: an SMS only held (never caught being handed over) is left alone with a notice saying so; an unknown one is a 404; a verdict not offered is a 400', async ({ b, admin }) => {
  const held = await waitFor('W.1 held', () => (b.store.get('W.1')!.history.at(-1)!.hold === 'restore' ? b.store.get('W.1')!.history.length : undefined));
  const res = await portalForm(b, '/messages/W.1/backup-verdict', { _csrf: admin.csrf, verdict: 'not-sent' }, admin.cookie);
  assert.equal([res.status, res.headers.get('location')], [303, '/messages/W.1?notice=not-uncertain']);
  assert.match((await portalPage(b, '/messages/W.1?notice=not-uncertain', admin.cookie)).html, /Nothing was changed: this SMS is no longer one the backup left uncertain/);
  assert.is(b.store.get('W.1')!.history.length, held, 'nothing recorded');
  assert.is((await portalForm(b, '/messages/NOPE.1/backup-verdict', { _csrf: admin.csrf, verdict: 'sent' }, admin.cookie)).status, 404);
  assert.is((await portalForm(b, '/messages/U.2/backup-verdict', { _csrf: admin.csrf, verdict: 'maybe' }, admin.cookie)).status, 400);
  assert.is(b.store.get('U.2')!.status, 'submitting');
});

V('german :: the restore notice, the uncertain list, a caught SMS\'s page with its buttons, and an admin-only refusal, all in German', async ({ b, admin, lead }) => {
  const de = `${admin.cookie}; m2s_lang=de`;
  const home = (await portalPage(b, '/', de)).html;
  assertGerman(home, 'dashboard while held');
  assert.match(home, /<strong>Der Versand ist nach einer Wiederherstellung angehalten\.<\/strong>/);
  assert.match(home, /<a href="\/messages\?backup=uncertain&amp;until=[^"]+">Seit der Sicherung ungewiss<\/a>/);
  const list = (await portalPage(b, `/messages?backup=uncertain&until=${encodeURIComponent(finishedAt.toISOString())}`, de)).html;
  assertGerman(list, 'uncertain list');
  assert.match(list, /<th>vor der Sicherung gesendet\?<\/th>/);
  assert.match(list, /<button type="submit">Nicht gesendet<\/button>/);
  const page = (await portalPage(b, '/messages/U.3', de)).html;
  assertGerman(page, 'caught SMS');
  assert.match(page, new RegExp(`an den Netzbetreiber übergeben wurde \\(über ${CONNECTOR}\\)`));
  assert.match(page, /<span class="label">Angehalten, seit dieser Dienst aus einer Sicherung wiederhergestellt wurde/);
  assert.equal(verdictForms(page).map((f) => f.verdict), ['sent', 'not-sent'], 'the same forms, with the session\'s token');
  assertGerman((await portalPage(b, '/messages/W.1', de)).html, 'held SMS');
  const refused = await portalForm(b, '/messages/U.3/backup-verdict', { _csrf: lead.csrf, verdict: 'sent' }, `${lead.cookie}; m2s_lang=de`);
  assert.is(refused.status, 403);
  const html = await refused.text();
  assertGerman(html, 'refusal');
  assert.match(html, /Nur ein Administrator kann klären/);
  const badId = await portalForm(b, '/messages/U.3/backup-verdict', { _csrf: admin.csrf, verdict: 'sent', carrierId: 'A B' }, de);
  assert.is(badId.status, 400);
  assert.match(await badId.text(), /ist keine Netzbetreiber-ID: höchstens 64 Zeichen, ohne Leerzeichen/);
  assert.is(b.store.get('U.3')!.status, 'submitting', 'nothing changed');
});

// Last: it releases the hold.
V('uncertain list :: rows still uncertain have the buttons; "Did not" goes back to the list and the SMS is sent at the release, the one marked sent never', async ({ b, admin, unsure }) => {
  const list = `/messages?backup=uncertain&until=${encodeURIComponent(finishedAt.toISOString())}`;
  const page = await portalPage(b, list, admin.cookie);
  assert.is(page.status, 200);
  const forms = verdictForms(page.html);
  assert.equal([...new Set(forms.map((f) => f.action))].sort(), ['/messages/U.2/backup-verdict', '/messages/U.3/backup-verdict'], 'U.1 is settled');
  assert.match(page.html, /<input type="hidden" name="next" value="\/messages\?backup=uncertain&amp;until=/);
  const res = await portalForm(b, '/messages/U.2/backup-verdict', { _csrf: admin.csrf, verdict: 'not-sent', next: list }, admin.cookie);
  assert.equal([res.status, res.headers.get('location')], [303, list]);
  assert.equal(verdictForms((await portalPage(b, list, admin.cookie)).html).map((f) => f.action), ['/messages/U.3/backup-verdict', '/messages/U.3/backup-verdict']);
  const u2 = b.store.get('U.2')!.history.find((e) => e.backup)!;
  assert.equal([u2.status, u2.backup, u2.by], ['accepted', 'not-sent', 'portal user ops']);

  const cli = { readStdin: async () => '', out: () => undefined, err: () => undefined };
  assert.is(await holdCommand(['release'], b.config, cli), 0);
  await waitFor('U.2 sent at the release', () => unsure.sent.some((s) => s.id === 'U.2'));
  await waitFor('U.3 settled at the release', () => b.store.get('U.3')!.status !== 'submitting' || undefined);
  assert.not.ok(unsure.sent.some((s) => s.id === 'U.1'), 'marked as gone: never sent again');
});

V.run();
