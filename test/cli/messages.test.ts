import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/bridge.js';
import { freePort, runCli as run, spawnBridge, type BridgeProcess } from '../helpers/process.js';
import { messagesCommand } from '../../src/cli/messages.js';
import { buildConfig } from '../../src/config/load.js';
import { messageView } from '../../src/api/views.js';
import { sms } from '../helpers/store.js';
import { mailer, queuedAs, sendSms } from '../helpers/smtp.js';

/** `mail2sms status` and `cancel` as separate processes, talking to a running bridge process through its API. */
const C = suite<{ dir: string; config: string; bridge?: BridgeProcess }>('cli status and cancel');

C.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-cli-msg-'));
  ctx.config = join(ctx.dir, 'config.json');
  await writeFile(ctx.config, JSON.stringify({
    smtp: { port: await freePort() }, api: { port: 0 }, store: { dir: join(ctx.dir, 'data') }, connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 20 } }], log: { level: 'info' },
  }));
});
C.after(async (ctx) => {
  if (ctx.bridge) {
    ctx.bridge.child.kill('SIGTERM');
    await ctx.bridge.exited;
  }
  await rm(ctx.dir, { recursive: true, force: true });
});

C('no bridge running :: says so, exit 3', async ({ config }) => {
  const r = await run(['--config', config, 'status', 'X.1']);
  assert.is(r.code, 3, r.err);
  assert.match(r.err, /no running bridge found/);
});

C('status :: by reference, with the timeline; an unknown one exit 1; cancel: a scheduled SMS yes, a delivered one no', async (ctx) => {
  ctx.bridge = await spawnBridge(ctx.config);
  const id = await sendSms(ctx.bridge.port, '+4915112345678', { text: 'Erinnerung.', headers: { 'X-SMS-Reference': 'INV-4711' } });
  const r = await waitFor('delivered', async () => {
    const s = await run(['--config', ctx.config, 'status', 'INV-4711']);
    return s.out.includes('  delivered') ? s : undefined;
  }, 15_000);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^${id.replace('.', '\\.')}  \\+4915112345678  delivered  reference INV-4711\\n`));
  assert.match(r.out, /UTC\+0[12]:00 {2}submitted \(simulator\)\n/);
  const json = await run(['--config', ctx.config, 'status', id, '--json']);
  assert.is(JSON.parse(json.out)[0].id, id);
  const unknown = await run(['--config', ctx.config, 'status', 'NOPE-1']);
  assert.is(unknown.code, 1);
  assert.match(unknown.err, /no message with the id or reference "NOPE-1"/);
  const done = await run(['--config', ctx.config, 'cancel', id]);
  assert.is(done.code, 1, 'a delivered SMS cannot be cancelled');
  // Archived once delivered: said as such, with the time, not "unknown, or finished long ago".
  assert.match(done.err, /was already delivered at \d{4}-\d\d-\d\dT\S+Z and cannot be cancelled\n$/);
  const later = await mailer(ctx.bridge.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345679@sms.localhost', subject: 'x', text: 'Morgen.', headers: { 'X-SMS-Send-At': new Date(Date.now() + 3600_000).toISOString() },
  });
  const laterId = `${queuedAs(later.response)}.1`;
  const later2 = await mailer(ctx.bridge.port).sendMail({
    from: 'clerk@acme.test', to: '+4915112345670@sms.localhost', subject: 'x', text: 'Morgen auch.', headers: { 'X-SMS-Send-At': new Date(Date.now() + 3600_000).toISOString() },
  });
  const laterId2 = `${queuedAs(later2.response)}.1`;
  // Several ids at once (after a restore, every SMS the old bridge sent): each answered; a refusal among them makes it exit 1.
  // Through sudo: the bridge records the person and the user, as the commands writing the audit log themselves do.
  const cancelled = await run(['--config', ctx.config, 'cancel', laterId, 'NOPE-2', laterId2], '', { SUDO_USER: 'alice', MAIL2SMS_OPERATOR: undefined });
  assert.is(cancelled.code, 1, cancelled.err);
  assert.match(cancelled.out, new RegExp(`^${laterId.replace('.', '\\.')}  \\+4915112345679  cancelled\\n`));
  assert.match(cancelled.out, new RegExp(`\\n${laterId2.replace('.', '\\.')}  \\+4915112345670  cancelled\\n`));
  const by = `alice (as ${userInfo().username}) on the command line`;
  // The history (the clerk's mail, in German for a German account) says the operator, the audit trail the person (review 8, B-M1).
  assert.match(cancelled.out, 'cancelled: by the operator (command line)');
  assert.not.match(cancelled.out, 'alice');
  const audit = join(ctx.dir, 'data', 'audit');
  const lines = await waitFor('the cancels audited', async () => {
    const all = (await Promise.all((await readdir(audit)).map((f) => readFile(join(audit, f), 'utf8')))).join('').trim().split('\n');
    const found = all.map((l) => JSON.parse(l) as { evt: string; msgId?: string; by?: string }).filter((l) => l.evt === 'sms-cancelled');
    return found.length === 2 ? found : undefined;
  });
  assert.equal(lines.map((l) => [l.msgId, l.by]), [[laterId, by], [laterId2, by]]);
  assert.match(cancelled.err, /^mail2sms cancel: .*NOPE-2/);
  const again = await run(['--config', ctx.config, 'cancel', laterId]);
  assert.is(again.code, 0, `a cancel repeated is done, not refused: ${again.err}`);
  assert.match(again.out, new RegExp(`^${laterId.replace('.', '\\.')}  \\+4915112345679  cancelled\\n`));
});

C('cancel of several ids, the bridge gone midway :: the ones cancelled before are still named, exit 3', async ({ dir }) => {
  const store = join(dir, 'gone-midway');
  await mkdir(store, { recursive: true });
  await writeFile(join(store, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 't', pid: 1 }));
  const cancelled = { id: 'A.1', to: '+4915112345678', status: 'cancelled', final: true, timeline: [{ at: '2026-11-30T10:00:00.000Z', status: 'cancelled', reason: 'by the operator' }] };
  const fetchFn = (async (url: string) => {
    if (String(url).includes('/A.1/')) return new Response(JSON.stringify(cancelled), { status: 200, headers: { 'content-type': 'application/json' } });
    throw new TypeError('fetch failed');
  }) as typeof fetch;
  const io = { out: '', err: '' };
  const code = await messagesCommand('cancel', ['A.1', 'B.1', 'C.1'], buildConfig({ store: { dir: store } }), {
    readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t),
  }, fetchFn);
  assert.is(code, 3);
  assert.match(io.err, /does not answer \(fetch failed\)/);
  assert.match(io.out, /^A\.1 {2}\+4915112345678 {2}cancelled\n/);
});

C('status of an SMS held for quiet hours :: the hold worded in the operator\'s zone, as its other times are, not the API\'s UTC', async ({ dir }) => {
  const store = join(dir, 'quiet-status');
  await mkdir(store, { recursive: true });
  await writeFile(join(store, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 't', pid: 1 }));
  const quiet = { source: 'your mail', from: '20:00', to: '08:00', zone: 'Europe/Berlin' };
  const until = '2026-12-01T07:00:00.000Z';
  const held = {
    id: 'Q.1', to: '+4915112345678', status: 'accepted', final: false, timeline: [
      { at: '2026-11-30T22:53:02.000Z', status: 'accepted', reason: 'quiet hours … = 2026-12-01 07:00:00 UTC your time', connector: null, quiet, until },
    ],
  };
  const fetchFn = (async () => new Response(JSON.stringify(held), { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
  const io = { out: '', err: '' };
  const code = await messagesCommand('status', ['Q.1'], buildConfig({ store: { dir: store }, options: { timeZone: 'Europe/Berlin' } }), {
    readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t),
  }, fetchFn);
  assert.is(code, 0, io.err);
  assert.match(io.out, /\n {2}2026-11-30 23:53:02 UTC\+01:00 {2}accepted: quiet hours at the recipient, set in your mail: 20:00–08:00 their local time; goes out at 2026-12-01 08:00:00 UTC\+01:00\n/);
  assert.not.match(io.out, /UTC your time/);
});

C('cancel by a mail id (what the clerk\'s 250 named) :: one call, the bridge cancels what it can; each of its SMS still waiting is shown, the others named, exit 1', async ({ dir }) => {
  const store = join(dir, 'mail-id');
  await mkdir(store, { recursive: true });
  await writeFile(join(store, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 't', pid: 1 }));
  const view = (id: string, status: string) => ({ id, mailId: 'MX9', to: `+49151123456${id.slice(-1)}0`, status, final: status !== 'accepted', timeline: [] });
  const asked: string[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const refused = 'the SMS MX9.2 to +4915112345620 was already delivered at 2026-11-30T10:00:00.000Z and cannot be cancelled';
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const path = new URL(url).pathname + new URL(url).search;
    asked.push(`${init?.method ?? 'GET'} ${path}`);
    if (path === '/api/v1/messages/MX9/cancel') {
      return json({ title: 'PartlyCancelled', status: 409, detail: `of the 2 SMS of mail MX9, 1 is cancelled (MX9.1) and 1 could not be: ${refused}`, mailId: 'MX9', results: [
        { id: 'MX9.1', outcome: 'cancelled', detail: null, message: view('MX9.1', 'cancelled') },
        { id: 'MX9.2', outcome: 'already-final', detail: refused, message: view('MX9.2', 'delivered') },
      ] }, 409);
    }
    return json({ detail: 'unexpected' }, 500);
  }) as typeof fetch;
  const io = { out: '', err: '' };
  const code = await messagesCommand('cancel', ['MX9'], buildConfig({ store: { dir: store } }), {
    readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t),
  }, fetchFn);
  assert.is(code, 1);
  assert.match(io.out, /^MX9\.1 {2}\+4915112345610 {2}cancelled\n/);
  assert.not.match(io.out, /MX9\.2/);
  assert.is(io.err, `mail2sms cancel: ${refused}\n`);
  assert.equal(asked, ['POST /api/v1/messages/MX9/cancel']);
});

C('status of an SMS waiting for a retry :: its next attempt in the operator\'s zone with the zone\'s name, not the API\'s UTC', async ({ dir }) => {
  const store = join(dir, 'retry-status');
  await mkdir(store, { recursive: true });
  await writeFile(join(store, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 't', pid: 1 }));
  // The API's own view of such an SMS, so the reason is worded as the bridge words it.
  const waiting = sms('R1.1', { status: 'accepted', attempts: 1, history: [
    { status: 'accepted', at: '2026-11-30T22:40:00.000Z' },
    { status: 'submitting', at: '2026-11-30T22:48:00.000Z', connector: 'simulator' },
    { status: 'accepted', at: '2026-11-30T22:48:04.000Z', reason: 'simulator is not bound', retryAt: '2026-11-30T22:48:24.109Z' },
  ] });
  const body = JSON.stringify(messageView(waiting));
  assert.match(body, /next attempt at 2026-11-30 22:48:24 UTC"/, 'what the API says');
  const fetchFn = (async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
  const io = { out: '', err: '' };
  const code = await messagesCommand('status', ['R1.1'], buildConfig({ store: { dir: store }, options: { timeZone: 'Europe/Berlin' } }), {
    readStdin: async () => '', out: (t: string) => void (io.out += t), err: (t: string) => void (io.err += t),
  }, fetchFn);
  assert.is(code, 0, io.err);
  assert.match(io.out, /\n {2}2026-11-30 23:48:04 UTC\+01:00 {2}accepted: the attempt failed for now \(simulator is not bound\); next attempt at 2026-11-30 23:48:24 UTC\+01:00\n/);
  assert.not.match(io.out, /22:48:24/);
});

C.run();
