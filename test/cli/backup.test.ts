import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/bridge.js';
import { freePort, runCli, spawnBridge, spawnSmsc, type BridgeProcess, type SmscProcess } from '../helpers/process.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/**
 * An online backup and a restore, over the real thing: a bridge process takes mail over SMTP (nodemailer) while
 * `mail2sms backup` copies its store; the bridge then dies, the copy goes into an empty store.dir and a second
 * bridge starts on it with another SMSC simulator (the carrier seen from the new machine). Every mail acknowledged
 * before the backup began is there (read through the REST API); what the copy has queued is held, not sent, until
 * `mail2sms hold release`, and then sent once.
 */
const B = suite<{ dir: string; procs: Array<BridgeProcess | SmscProcess> }>('cli backup :: online, then restored');

const LOGIN = { systemId: 'bridge', password: 'pw-smpp' };
const number = (i: number) => `+49151123${String(40000 + i)}`;

B.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-backup-'));
  ctx.procs = [];
});
B.after.each(async (ctx) => {
  for (const p of ctx.procs) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await rm(ctx.dir, { recursive: true, force: true });
});

async function writeConfig(file: string, storeDir: string, smscPort: number): Promise<string> {
  await writeFile(file, JSON.stringify({
    smtp: { port: await freePort() }, api: { port: 0 }, log: { level: 'info' },
    // Small segments: the journal rolls over, and compaction deletes segments, while the backup copies them.
    store: { dir: storeDir, journalSegmentBytes: 4096 },
    connectors: [{ name: 'agg', type: 'smpp', smpp: { host: '127.0.0.1', port: smscPort, ...LOGIN, reconnectSeconds: [0.5] } }],
    dispatch: { retry: { baseSeconds: 1, maxSeconds: 1, jitter: 0 } },
    limits: { messagesPerMinute: 0, perNumberPerHour: 0 },
  }));
  return file;
}

/** The REST API of the bridge on `storeDir` as its local operator (the token in api.json). */
async function api(storeDir: string, path: string, method = 'GET'): Promise<{ status: number; body: any }> {
  const { url, token } = JSON.parse(await readFile(join(storeDir, 'api.json'), 'utf8')) as { url: string; token: string };
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

const submitsTo = (smsc: SmscProcess, to: string) => smsc.lines.filter((l) => l.evt === 'submit' && `+${String(l.to).replace(/^\+/, '')}` === to).length;

interface Acked { id: string; to: string; ackedAt: number }

async function send(port: number, i: number): Promise<Acked> {
  const info = await mailer(port).sendMail({ from: 'clerk@acme.test', to: `${number(i)}@sms.localhost`, subject: 'x', text: `Reminder ${i}.` });
  return { id: `${queuedAs(info.response)}.1`, to: number(i), ackedAt: Date.now() };
}

B('mail taken while the backup runs :: the copy has every mail acknowledged before it began; its queued SMS are held until released, then sent once', async (ctx) => {
  const first = await spawnSmsc(['--system-id', LOGIN.systemId, '--password', LOGIN.password]);
  ctx.procs.push(first);
  const dirA = join(ctx.dir, 'a');
  const a = await spawnBridge(await writeConfig(join(ctx.dir, 'a.json'), dirA, first.port));
  ctx.procs.push(a);
  // Sent and handed over before the backup: in the copy, and never sent again.
  const sent: Acked[] = [];
  for (let i = 0; i < 4; i++) sent.push(await send(a.port, i));
  await waitFor('the first SMS at the carrier', () => sent.every((m) => submitsTo(first, m.to) === 1));
  // The carrier goes away: what comes now stays queued, retried every second.
  first.child.kill('SIGKILL');
  await first.exited;

  const acked: Acked[] = [];
  let sending = true;
  const loop = (async () => {
    for (let i = 100; sending; i++) acked.push(await send(a.port, i));
  })();
  await waitFor('mail queued before the backup', () => acked.length >= 8);
  const backupBegan = Date.now();
  const target = join(ctx.dir, 'backup');
  const backup = await runCli(['--config', join(ctx.dir, 'a.json'), 'backup', target]);
  const more = acked.length;
  await waitFor('mail during and after the backup', () => acked.length >= more + 2);
  sending = false;
  await loop;
  assert.is(backup.code, 0, backup.err);
  assert.match(backup.out, /^copied journal\/\d{6}\.jsonl \d+ bytes/m);
  assert.match(backup.out, /^copied state\.json \d+ bytes/m);
  assert.match(backup.out, /\nbackup complete: .+ files=\d+ bytes=\d+ journal-segments=\d+.* started=\S+ finished=\S+\n$/);
  assert.not.match(backup.out, /copied (spool|lock|api\.json|stats-cache\.json)/);

  // The machine dies; the copy goes into an empty store.dir elsewhere, with the carrier reachable from there.
  a.child.kill('SIGKILL');
  await a.exited;
  const dirB = join(ctx.dir, 'b');
  await mkdir(dirB);
  await cp(target, dirB, { recursive: true });
  const second = await spawnSmsc(['--system-id', LOGIN.systemId, '--password', LOGIN.password]);
  ctx.procs.push(second);
  const configB = await writeConfig(join(ctx.dir, 'b.json'), dirB, second.port);
  const b = await spawnBridge(configB);
  ctx.procs.push(b);
  assert.ok(b.lines.some((l) => l.evt === 'dispatch-held' && l.level === 50), 'the start says at level error that sending is held');

  const before = [...sent, ...acked.filter((m) => m.ackedAt < backupBegan)];
  for (const m of before) assert.is((await api(dirB, `/api/v1/messages/${m.id}`)).status, 200, `${m.id}, acknowledged before the backup, is in the copy`);
  const copied: Acked[] = [];
  for (const m of acked) if ((await api(dirB, `/api/v1/messages/${m.id}`)).status === 200) copied.push(m);
  const heldBy = async (id: string) => ((await api(dirB, `/api/v1/messages/${id}`)).body.timeline as Array<{ reason?: string }>).some((e) => /restored from a backup/.test(e.reason ?? ''));
  await waitFor('every queued SMS of the copy held', async () => (await Promise.all(copied.map((m) => heldBy(m.id)))).every(Boolean), 20_000);
  assert.is(second.lines.filter((l) => l.evt === 'submit').length, 0, 'nothing sent while held');

  const shown = await runCli(['--config', configB, 'hold']);
  assert.is(shown.code, 0, shown.err);
  assert.match(shown.out, /^held: SMS accepted before \S+ \(the backup of .+\) wait for mail2sms hold release\n/);
  for (const m of copied) assert.ok(shown.out.includes(`${m.id}  ${m.to}  accepted`), `${m.id} listed as waiting`);
  const released = await runCli(['--config', configB, 'hold', 'release']);
  assert.is(released.code, 0, released.err);
  assert.match(released.out, /^released: /);

  await waitFor('the held SMS delivered', async () => {
    const states = await Promise.all(copied.map(async (m) => (await api(dirB, `/api/v1/messages/${m.id}`)).body.status));
    return states.every((s) => s === 'delivered');
  }, 30_000);
  for (const m of copied) assert.is(submitsTo(second, m.to), 1, `${m.to} sent once`);
  for (const m of sent) assert.is(submitsTo(second, m.to), 0, `${m.to}, handed over before the backup, not sent again`);
  assert.ok(b.lines.some((l) => l.evt === 'dispatch-released'));
  assert.is((await runCli(['--config', configB, 'hold', 'release'])).code, 1, 'nothing is held any more');
});

B.run();
