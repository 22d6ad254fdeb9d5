import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { JournalStore } from '../../src/store/journal-store.js';
import { writeRestoreMarker } from '../../src/store/restore-marker.js';
import type { SmsMessage } from '../../src/store/types.js';
import { apiBase, cookieOf, portalLogin } from '../helpers/api.js';
import { confirmationMails, outboxFiles, startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { UnsureSimulator } from '../helpers/connectors.js';
import { runCli as run } from '../helpers/process.js';
import { formatTime } from '../../src/notify/times.js';

/**
 * After a restore, the operator's side of the hold as the real command line
 * and the portal see it: SMS the backup caught being handed over are marked
 * one by one (mail2sms hold mark), listed apart with what was decided, shown
 * on the portal through the hold notice's link; the one left unmarked is
 * mailed at the release in words that say what happened; long lists are never
 * cut silently.
 */
const H = suite<{ dir: string }>('cli hold :: after a restore');
H.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-cli-hold-'));
});
H.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const backupAt = new Date(Date.now() - 60_000);
const before = new Date(backupAt.getTime() - 60_000).toISOString();
const ACCOUNTS = [
  { name: 'default', networks: ['127.0.0.0/8'], addresses: [] },
  { name: 'berlin', networks: [], addresses: ['@berlin.test'], language: 'de' },
];
const CONNECTORS = [{ name: 'smpp-like', type: 'simulator' as const }];

function sms(id: string, n: number, account = 'default'): SmsMessage {
  const to = `+491511234${String(n).padStart(4, '0')}`;
  return {
    id, mailId: id.split('.')[0], account, to, text: 'Mahnung', encoding: 'GSM7', segments: 1,
    mail: { envelopeFrom: account === 'berlin' ? 'clerk@berlin.test' : 'clerk@acme.test', rcptTo: `${to}@sms.localhost`, receivedAt: before, subject: 'Mahnung' },
    notify: 'final', status: 'accepted', history: [{ status: 'accepted', at: before }], attempts: 0, notBefore: before, confirmations: [],
  };
}

/** What the backup copied: `queued` SMS waiting, those named in `submitting` being handed over, and the marker of a finished backup. */
async function restoredWith(dir: string, queued: SmsMessage[], submitting: SmsMessage[]): Promise<void> {
  const store = new JournalStore({ dir, segmentBytes: 1 << 22, duplicateWindowHours: 72 });
  await store.open();
  const all = [...queued, ...submitting];
  await store.accept({ messages: all, dedupKeys: all.map(() => undefined) });
  for (const m of submitting) await store.transition(m.id, { event: { status: 'submitting', at: before, connector: 'smpp-like' }, attempts: 1 });
  await store.close();
  await writeRestoreMarker(dir, { version: 1, complete: true, source: '/var/lib/mail2sms', host: 'old', startedAt: before, finishedAt: backupAt.toISOString() });
}

/** The configuration the command line reads: the bridge's store and connectors. */
async function cliConfig(dir: string): Promise<string> {
  const file = join(dir, 'cli.json');
  await writeFile(file, JSON.stringify({ store: { dir }, connectors: CONNECTORS, accounts: ACCOUNTS }));
  return file;
}

async function auditLines(dir: string, evt: string): Promise<Array<Record<string, string>>> {
  const files = await readdir(join(dir, 'audit')).catch(() => [] as string[]);
  const text = (await Promise.all(files.map((f) => readFile(join(dir, 'audit', f), 'utf8')))).join('');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l.evt === evt);
}

async function portalPage(b: TestBridge, cookie: string, path: string): Promise<string> {
  const res = await fetch(apiBase(b) + path, { headers: { cookie, accept: 'text/html' } });
  assert.is(res.status, 200, path);
  return res.text();
}

H('mark :: sent settles as handed over, not-sent goes at the release, audited and listed; the rest mailed as restored', async ({ dir }) => {
  const caught = [sms('U.1', 1), sms('U.2', 2), sms('U.3', 3), sms('U.4', 4, 'berlin')];
  await restoredWith(dir, [sms('W.1', 9)], caught);
  const unsure = new UnsureSimulator('smpp-like', { deliveryDelayMs: 20 });
  const b = await startTestBridge({ connectors: CONNECTORS, accounts: ACCOUNTS as never }, dir, { connectors: { 'smpp-like': unsure } });
  try {
    const config = await cliConfig(dir);
    const alice = { SUDO_USER: 'alice', MAIL2SMS_OPERATOR: undefined };
    const by = `alice (as ${userInfo().username}) on the command line`;
    const sent = await run(['--config', config, 'hold', 'mark', 'U.1', 'sent'], '', alice);
    assert.is(sent.code, 0, sent.err);
    assert.is(sent.out, 'U.1  +4915112340001  submitted  marked sent: not sent again\n');
    const notSent = await run(['--config', config, 'hold', 'mark', 'U.2', 'W.1', 'not-sent'], '', alice);
    assert.is(notSent.code, 1, 'W.1 is refused');
    assert.is(notSent.out, 'U.2  +4915112340002  accepted  marked not sent: sent at the release\n');
    assert.match(notSent.err, /^mail2sms hold mark: the SMS W\.1 to \+4915112340009 is accepted, not one the backup caught while it was being handed over/);
    assert.equal(unsure.lookups, [], 'nothing asked of the connector');
    const u1 = b.store.get('U.1')!.history.at(-1)!;
    // The history (what the clerk's mail, callbacks and the portal show) says the operator; the audit trail names the person (review 8, B-M1).
    assert.equal([u1.status, u1.backup, u1.by, u1.connector], ['submitted', 'sent', 'the operator (command line)', 'smpp-like']);
    assert.equal((await auditLines(dir, 'sms-backup-verdict')).map((l) => [l.msgId, l.verdict, l.by]), [['U.1', 'sent', by], ['U.2', 'not-sent', by]]);

    const shown = await run(['--config', config, 'hold']);
    assert.is(shown.code, 0, shown.err);
    assert.match(shown.out, /^W\.1 {2}\+4915112340009 {2}accepted\n/m);
    assert.match(shown.out, /^U\.1 {2}\+4915112340001 {2}submitted {2}marked sent by the operator \(command line\): settled as handed over, not sent again$/m);
    assert.match(shown.out, /^U\.2 {2}\+4915112340002 {2}accepted {2}marked not sent by the operator \(command line\): sent at the release$/m);
    assert.match(shown.out, /^U\.3 {2}\+4915112340003 {2}submitting {2}at release: asked of smpp-like; if it cannot tell, failed as not confirmed/m);
    assert.not.match(shown.out, /^U\.2 .*accepted$/m, 'U.2 listed once, with the uncertain ones');
    assert.match(shown.err, /1 SMS from before the backup waiting\n4 SMS uncertain since the backup, 2 not marked/);

    // The portal: the hold notice links to them; nothing else is listed there.
    await b.users.add('ops', 'default', 'ops-password-1', 'admin');
    const cookie = cookieOf(await portalLogin(b, 'ops', 'ops-password-1'), 'm2s_session');
    const home = await portalPage(b, cookie, '/');
    const link = /<a href="(\/messages\?backup=uncertain&amp;until=[^"]+)">Uncertain since the backup<\/a>/.exec(home);
    assert.ok(link, 'the hold notice links to the uncertain SMS');
    const listed = await portalPage(b, cookie, link![1].replace(/&amp;/g, '&'));
    assert.match(listed, /Only SMS the backup this store was restored from caught/);
    for (const id of ['U.1', 'U.2', 'U.3', 'U.4']) assert.match(listed, `/messages/${id}"`, id);
    assert.not.match(listed, '/messages/W.1"');

    const released = await run(['--config', config, 'hold', 'release']);
    assert.is(released.code, 0, released.err);
    await waitFor('U.2 and W.1 sent at the release', () => ['U.2', 'W.1'].every((id) => unsure.sent.some((s) => s.id === id)), 15_000);
    const failed = await waitFor('U.3 settled', () => (b.store.get('U.3')?.status === 'failed' ? b.store.get('U.3') : undefined), 15_000);
    assert.is(failed.history.at(-1)!.backup, 'unknown');
    assert.not.ok(unsure.sent.some((s) => s.id === 'U.1'), 'marked sent: never sent again');
    assert.equal(unsure.lookups.sort(), ['U.3', 'U.4'], 'only the unmarked ones asked');
    const en = [...(await confirmationMails(b, 'U.3', 1)).values()][0];
    assert.match(en.subject ?? '', /^SMS to \+4915112340003 not confirmed/);
    assert.match(en.text ?? '', /We cannot tell whether your SMS to \+4915112340003 went out\. Our service had to be restored from a backup, and the backup was taken just as the SMS was being handed to the carrier/);
    assert.not.match(en.text ?? '', /did not confirm in time/);
    const de = [...(await confirmationMails(b, 'U.4', 1)).values()][0];
    assert.match(de.text ?? '', /Ob Ihre SMS an \+4915112340004 gesendet wurde, ist nicht bekannt\. Unser Dienst musste aus einer Sicherung wiederhergestellt werden/);
    // notify final: a handover is not mailed, and U.1 is no failure.
    assert.not.ok([...(await outboxFiles(b)).keys()].some((n) => n.startsWith('U.1.')), 'no mail about U.1');
  } finally {
    await b.stop();
  }
});

H('hold :: a list longer than 500 says how many more and --all shows them, never cut silently', async ({ dir }) => {
  await restoredWith(dir, Array.from({ length: 503 }, (_, i) => sms(`Q${i}.1`, 100 + i)), []);
  const b = await startTestBridge({ connectors: CONNECTORS, accounts: ACCOUNTS as never }, dir, { connectors: { 'smpp-like': new UnsureSimulator('smpp-like', { deliveryDelayMs: 20 }) } });
  try {
    const config = await cliConfig(dir);
    const shown = await run(['--config', config, 'hold']);
    assert.is(shown.code, 0, shown.err);
    const lines = shown.out.split('\n').filter((l) => /^Q\d+\.1 /.test(l));
    assert.is(lines.length, 500);
    assert.match(shown.out, /\n… and 3 more \(mail2sms hold --all lists them all\)\n$/);
    assert.match(shown.err, /^503 SMS from before the backup waiting\n$/);
    const all = await run(['--config', config, 'hold', '--all']);
    assert.is(all.code, 0, all.err);
    assert.is(new Set(all.out.split('\n').filter((l) => /^Q\d+\.1 /.test(l)).map((l) => l.split(' ')[0])).size, 503);
    assert.not.match(all.out, /more \(mail2sms hold --all/);
  } finally {
    await b.stop();
  }
});

H('hold :: an SMS from before the backup that quiet hours hold says so and until when, in options.timeZone', async ({ dir }) => {
  const until = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const quiet = sms('Q.1', 11);
  quiet.history.push({ status: 'accepted', at: before, until, quiet: { source: 'account default', from: '20:00', to: '08:00', zone: 'Europe/Berlin' } });
  quiet.notBefore = until;
  await restoredWith(dir, [quiet, sms('W.1', 9)], []);
  const b = await startTestBridge({ connectors: CONNECTORS, accounts: ACCOUNTS as never }, dir, { connectors: { 'smpp-like': new UnsureSimulator('smpp-like', { deliveryDelayMs: 20 }) } });
  try {
    const config = join(dir, 'cli.json');
    await writeFile(config, JSON.stringify({ store: { dir }, connectors: CONNECTORS, accounts: ACCOUNTS, options: { timeZone: 'America/New_York' } }));
    const shown = await run(['--config', config, 'hold']);
    assert.is(shown.code, 0, shown.err);
    assert.match(shown.out, `\nQ.1  +4915112340011  accepted  held for quiet hours until ${formatTime(until, 'America/New_York')}\n`);
    assert.match(shown.out, /^W\.1 {2}\+4915112340009 {2}accepted\n/m, 'one that only waits for the release: no quiet hours named');
  } finally {
    await b.stop();
  }
});

H.run();
