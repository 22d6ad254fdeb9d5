import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { BackupRefused, takeBackup } from '../../src/store/backup.js';
import { removeRestoreMarker, RESTORE_MARKER } from '../../src/store/restore-marker.js';
import { apiBase, cookieOf, portalLogin } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { runCli } from '../helpers/process.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/** The backup's copy (src/store/backup.ts) against a bridge taking mail over SMTP, and the start on the copy. */
const B = suite<{ dir: string; bridges: TestBridge[] }>('store backup');

B.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-backup-store-'));
  ctx.bridges = [];
});
B.after.each(async (ctx) => {
  for (const b of ctx.bridges) await b.stop().catch(() => undefined);
  for (const b of ctx.bridges) await rm(b.dir, { recursive: true, force: true });
  await rm(ctx.dir, { recursive: true, force: true });
});

const CONFIG = { store: { journalSegmentBytes: 4096 }, limits: { messagesPerMinute: 0, perNumberPerHour: 0 } };

async function send(b: TestBridge, i: number, headers: Record<string, string> = {}): Promise<string> {
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: `+49151123${String(51000 + i)}@sms.localhost`, subject: 'x', text: `Text ${i}.`, headers });
  return `${queuedAs(info.response)}.1`;
}

const segments = async (dir: string) => (await readdir(join(dir, 'journal'))).filter((n) => /^\d{6}\.jsonl$/.test(n));

/** A message of the bridge, from memory or the archive, through its REST API as the local operator. */
async function status(b: TestBridge, id: string): Promise<number> {
  const { url, token } = JSON.parse(await readFile(join(b.dir, 'api.json'), 'utf8')) as { url: string; token: string };
  return (await fetch(`${url}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${token}` } })).status;
}

B('the journal segments that existed when it began are compacted away after its first file :: every mail acknowledged before is in the copy', async (ctx) => {
  const a = await startTestBridge(CONFIG);
  ctx.bridges.push(a);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push(await send(a, i));
  await waitFor('all delivered', () => ids.every((id) => a.store.get(id)?.status === 'delivered' || !a.store.get(id)));
  // And one the journal alone holds (state.json does not yet): scheduled, so nothing more is written about it.
  const later = { 'X-SMS-Send-At': new Date(Date.now() + 3600_000).toISOString() };
  for (let i = 50; ; i++) {
    const id = await send(a, i, later);
    ids.push(id);
    if (!(await readFile(join(a.dir, 'state.json'), 'utf8')).includes(id)) break;
  }
  const existing = await segments(a.dir);
  let n = 100;
  let first = true;
  const target = join(ctx.dir, 'copy');
  const r = await takeBackup({
    source: a.dir, target,
    // The race at its worst: more mail rolls the journal over and compaction deletes every segment there was.
    onFile: async () => {
      if (!first) return;
      first = false;
      while ((await segments(a.dir)).some((s) => existing.includes(s))) await send(a, n++);
    },
  });
  assert.ok(n > 100, 'the journal was compacted during the backup');
  assert.ok(r.marker.complete);
  const b = await startTestBridge(CONFIG, target);
  ctx.bridges.push(b);
  for (const id of ids) assert.is(await status(b, id), 200, `${id} is in the copy`);
});

B('a RET=FULL mail scheduled weeks ahead (review 8, A-L2) :: its kept copy keeps its file time, which says when it may go, in the backup', async (ctx) => {
  const a = await startTestBridge(CONFIG);
  ctx.bridges.push(a);
  const sendAt = new Date(Date.now() + 20 * 86_400_000).toISOString();
  const info = await mailer(a.port).sendMail({
    from: 'erp@acme.test', to: '+4915112345601@sms.localhost', subject: 'Mahnung', text: 'Bitte zahlen Sie bis Freitag.',
    headers: { 'X-SMS-Send-At': sendAt }, dsn: { notify: ['success'], ret: 'full' },
  });
  const id = queuedAs(info.response);
  const kept = (await readdir(join(a.dir, 'originals'))).filter((n) => n.startsWith(id));
  assert.is(kept.length, 1, 'the mail is kept');
  const source = await stat(join(a.dir, 'originals', kept[0]));
  assert.ok(source.mtimeMs > Date.now() + 19 * 86_400_000, 'its time is when its SMS falls due');
  const target = join(ctx.dir, 'copy');
  await takeBackup({ source: a.dir, target });
  assert.is((await stat(join(target, 'originals', kept[0]))).mtimeMs, source.mtimeMs);
});

B('an unfinished last line in the journal and known-numbers.tsv :: left out of the copy and said so; the copy opens', async (ctx) => {
  const a = await startTestBridge(CONFIG);
  ctx.bridges.push(a);
  const ids = [await send(a, 1), await send(a, 2)];
  await waitFor('delivered', () => ids.every((id) => a.store.get(id)?.status === 'delivered'));
  await a.stop();
  const last = (await segments(a.dir)).at(-1)!;
  await appendFile(join(a.dir, 'journal', last), '{"seq":99999,"t":"status","id":"X');
  const known = await readFile(join(a.dir, 'known-numbers.tsv'), 'utf8');
  await appendFile(join(a.dir, 'known-numbers.tsv'), 'default\t+49151');
  const target = join(ctx.dir, 'copy');
  const r = await takeBackup({ source: a.dir, target });
  assert.equal(r.files.find((f) => f.path === `journal/${last}`)?.cut, 33);
  assert.equal(r.files.find((f) => f.path === 'known-numbers.tsv'), { path: 'known-numbers.tsv', bytes: Buffer.byteLength(known), cut: 14 });
  assert.is(await readFile(join(target, 'known-numbers.tsv'), 'utf8'), known);
  assert.ok((await readFile(join(target, 'journal', last), 'utf8')).endsWith('\n'));
  const b = await startTestBridge(CONFIG, target);
  ctx.bridges.push(b);
  assert.is(b.events.find((e) => e.evt === 'store-open')?.tornLines, 0, 'the copy has no torn line');
  for (const id of ids) assert.is(await status(b, id), 200);
  // The portal says that sending is held, on every page, until the hold is released.
  await b.users.add('op', 'default', 'op-password-123', 'admin');
  const cookie = cookieOf(await portalLogin(b, 'op', 'op-password-123'), 'm2s_session');
  const page = async () => (await fetch(`${apiBase(b)}/messages`, { headers: { cookie } })).text();
  assert.match(await page(), /<p class="alert" role="alert"><strong>Sending is held after a restore\.<\/strong> This store was restored from a backup of \d{4}-/);
  await removeRestoreMarker(target);
  await waitFor('released', () => b.events.some((e) => e.evt === 'dispatch-released'));
  assert.not.match(await page(), /held after a restore/);
});

B('refused :: a target that is not empty, inside the store, or no store at the source; nothing written', async (ctx) => {
  const a = await startTestBridge(CONFIG);
  ctx.bridges.push(a);
  await send(a, 1);
  const full = join(ctx.dir, 'full');
  await mkdir(full);
  await writeFile(join(full, 'x'), 'mine');
  assert.equal(await readdir(ctx.dir), ['full']);
  const refusal = (p: Promise<unknown>): Promise<string> => p.then(() => 'taken, not refused', (e: Error) => (assert.instance(e, BackupRefused), e.message));
  assert.match(await refusal(takeBackup({ source: a.dir, target: full })), /is not empty: a backup goes into a new or empty directory/);
  assert.equal(await readdir(full), ['x']);
  assert.match(await refusal(takeBackup({ source: a.dir, target: join(a.dir, 'backup') })), /cannot go into the store directory itself/);
  assert.match(await refusal(takeBackup({ source: join(ctx.dir, 'nothing'), target: join(ctx.dir, 'copy') })), /holds no mail2sms store/);
  // A mistyped parent is not made (it would fill another disk unnoticed); a file is named as one.
  assert.match(await refusal(takeBackup({ source: a.dir, target: join(ctx.dir, 'backpus', 'x', '2026') })), /backpus\/x does not exist: a backup makes only its own directory/);
  assert.match(await refusal(takeBackup({ source: a.dir, target: join(full, 'x', 'copy') })), /full\/x is a file: a backup makes only its own directory/);
  assert.match(await refusal(takeBackup({ source: a.dir, target: join(full, 'x') })), /full\/x is a file: a backup goes into a new or empty directory/);
  assert.equal((await readdir(ctx.dir)).sort(), ['full']);
});

B('a copy whose backup never finished :: the bridge refuses to start on it, exit 2, before it opens or writes anything', async (ctx) => {
  const dir = join(ctx.dir, 'half');
  await mkdir(join(dir, 'journal'), { recursive: true });
  await writeFile(join(dir, RESTORE_MARKER), JSON.stringify({ version: 1, complete: false, source: '/srv/mail2sms/data', host: 'old', startedAt: '2026-11-30T10:00:00.000Z' }));
  // What the copy got before the disk filled: a segment cut mid-line.
  const segment = '{"seq":1,"t":"accept","messages":[],"dedupKeys":[]}\n{"seq":2,"t":"sta';
  await writeFile(join(dir, 'journal', '000001.jsonl'), segment);
  const e = await startTestBridge(CONFIG, dir).then(() => undefined, (x: Error) => x);
  assert.match(e?.message ?? '', /holds an incomplete backup \(of \/srv\/mail2sms\/data on old, begun 2026-11-30T10:00:00.000Z, never finished\)/);
  // As the program systemd runs: exit 2, so that it is not restarted (and the copy opened) five times.
  const config = join(ctx.dir, 'config.json');
  await writeFile(config, JSON.stringify({ smtp: { port: 0 }, api: { port: 0 }, store: { dir } }));
  const r = await runCli(['--config', config]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^mail2sms: cannot start: the store directory .+ holds an incomplete backup/);
  // Nor does the hold command take it for a held restore: it would say to release, and the release let the bridge start on it (review 6 H1).
  for (const args of [['hold'], ['hold', 'release']]) {
    const h = await runCli(['--config', config, ...args]);
    assert.is(h.code, 1, args.join(' '));
    assert.match(h.err, /^mail2sms hold: the store directory .+ holds an incomplete backup/);
    assert.not.match(h.out + h.err, /wait for mail2sms hold release|released/);
  }
  assert.equal((await readdir(dir)).sort(), ['journal', RESTORE_MARKER], 'no lock, state.json, archive or spool; the marker kept');
  assert.equal(await readdir(join(dir, 'journal')), ['000001.jsonl']);
  assert.is(await readFile(join(dir, 'journal', '000001.jsonl'), 'utf8'), segment);
});

B('a marker that cannot be read :: the bridge refuses to start (exit 2) and hold release will not remove it', async (ctx) => {
  const dir = join(ctx.dir, 'torn');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, RESTORE_MARKER), '{"version":1,"compl');
  const config = join(ctx.dir, 'config.json');
  await writeFile(config, JSON.stringify({ smtp: { port: 0 }, api: { port: 0 }, store: { dir } }));
  const start = await runCli(['--config', config]);
  assert.is(start.code, 2, start.err);
  assert.match(start.err, /restore-hold\.json cannot be read .+ says whether that backup finished/);
  const release = await runCli(['--config', config, 'hold', 'release']);
  assert.is(release.code, 1, release.err);
  assert.match(release.err, /^mail2sms hold: .+restore-hold\.json cannot be read/);
  assert.is(await readFile(join(dir, RESTORE_MARKER), 'utf8'), '{"version":1,"compl');
});

B.run();
