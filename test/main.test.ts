import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outboxFiles, waitFor } from './helpers/bridge.js';
import { freePort, spawnBridge, type BridgeProcess } from './helpers/process.js';
import { mailer } from './helpers/smtp.js';

const M = suite<{ dir: string; config: string; port: number }>('main process');

M.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-proc-'));
  ctx.port = await freePort();
  ctx.config = join(ctx.dir, 'config.json');
  await writeFile(ctx.config, JSON.stringify({
    smtp: { port: ctx.port }, api: { port: 0 }, store: { dir: join(ctx.dir, 'data'), journalSegmentBytes: 64 * 1024 },
    connectors: [{ name: 'simulator', type: 'simulator', simulator: { deliveryDelayMs: 30 } }], dispatch: { retry: { baseSeconds: 1 } }, log: { level: 'info' },
  }));
});
M.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

M('bad config :: the start stops with exit code 2 and every problem named', async ({ dir }) => {
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ smtp: { port: 'twenty-five' }, text: { maxSegments: 0 } }));
  try {
    await spawnBridge(bad, 10000);
    assert.unreachable('should not start');
  } catch (e) {
    assert.match((e as Error).message, /exited with 2/);
    assert.match((e as Error).message, /smtp\.port: is "twenty-five"; allowed: a value of type integer/);
    assert.match((e as Error).message, /text\.maxSegments: is 0; allowed: at least 1/);
  }
});

M('SIGTERM :: stops cleanly with exit code 0', async ({ config }) => {
  const p = await spawnBridge(config);
  p.child.kill('SIGTERM');
  const code = await p.exited;
  const diag = `${JSON.stringify(p.lines.slice(-5))}\n${p.stderr.join('')}`;
  assert.is(code, 0, diag);
  assert.ok(p.lines.some((l) => l.evt === 'stopped'), diag);
});

/**
 * The guarantee behind every 250: a burst of mails, the bridge killed with
 * SIGKILL twice in the middle of it, restarted each time; senders retry what
 * got no reply (same Message-ID), as mail servers do. At the end every mail
 * that got 250 was handed to the SMSC exactly once and confirmed once.
 */
M('kill -9 twice during a burst :: every acknowledged SMS is sent exactly once and confirmed', async ({ dir, config }) => {
  const N = 120;
  const acked = new Map<number, string>(); // mail number → our mail id
  let p: BridgeProcess = await spawnBridge(config);
  const sendOne = async (i: number): Promise<void> => {
    for (;;) {
      try {
        const info = await mailer(p.port).sendMail({
          from: 'erp@acme.test', to: `+491511234${String(i).padStart(4, '0')}@sms.localhost`, subject: 'x',
          text: `Mahnung ${i}`, messageId: `<burst-${i}@erp.acme.test>`,
        });
        acked.set(i, /queued as ([0-9A-Z]+)/.exec(info.response)![1]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // no reply: the sender tries again later, like a real MTA
      }
    }
  };
  const queue = Array.from({ length: N }, (_, i) => i + 1);
  const workers = Array.from({ length: 8 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) await sendOne(i);
  });
  for (const after of [30, 70]) {
    await waitFor(`${after} acknowledged`, () => acked.size >= after, 30000);
    p.child.kill('SIGKILL');
    await p.exited;
    p = await spawnBridge(config);
    const open = p.lines.find((l) => l.evt === 'store-open');
    assert.ok(Number(open?.replayed) > 0, `the restart replayed the killed process's journal: ${JSON.stringify(open)}`);
  }
  await Promise.all(workers);
  assert.is(acked.size, N);

  const sentLog = join(dir, 'data', 'simulator', 'sent.jsonl');
  const sent = async () => (await readFile(sentLog, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string });
  await waitFor('all SMS at the simulator', async () => new Set((await sent()).map((s) => s.id)).size >= N, 30000);
  const ids = (await sent()).map((s) => s.id);
  assert.is(ids.length, new Set(ids).size, `duplicates: ${ids.filter((x, k) => ids.indexOf(x) !== k).join(', ')}`);
  for (const [i, mailId] of acked) {
    const s = (await sent()).find((x) => x.id === `${mailId}.1`);
    assert.ok(s, `mail ${i} (${mailId}) acknowledged but not sent`);
    assert.is(s!.text, `Mahnung ${i}`);
  }
  const outbox = { outbox: join(dir, 'data', 'outbox') };
  await waitFor('a confirmation for each', async () => [...(await outboxFiles(outbox)).keys()].filter((n) => n.includes('.delivered@')).length >= N, 30000);
  const confs = [...(await outboxFiles(outbox)).keys()].filter((n) => n.includes('.delivered@'));
  assert.is(confs.length, N);
  p.child.kill('SIGTERM');
  assert.is(await p.exited, 0);
});

M.run();
