import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { packageVersion } from '../../src/cli/help.js';
import { startTestBridge } from '../helpers/bridge.js';
import { runCli } from '../helpers/process.js';

/** Upgrading and going back: a store written by a newer mail2sms is refused with the reason, and left as it is. */
const F = suite<{ dir: string }>('store format');

F.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'mail2sms-format-'));
});
F.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

F('a new store :: says its format and who wrote it', async ({ dir }) => {
  const b = await startTestBridge({}, join(dir, 'data'));
  await b.stop();
  assert.equal(JSON.parse(await readFile(join(dir, 'data', 'store-format.json'), 'utf8')), { format: 1, writtenBy: `mail2sms ${packageVersion()}` });
});

F('a store of a newer format :: the start stops with exit 2 (no restart cures it), says which and what to do, and touches nothing', async ({ dir }) => {
  const store = join(dir, 'data');
  await mkdir(join(store, 'journal'), { recursive: true });
  await writeFile(join(store, 'store-format.json'), '{"format":2,"writtenBy":"mail2sms 9.0.0"}\n');
  await writeFile(join(store, 'journal', '000007.jsonl'), '{"seq":1,"t":"checkpoint-v2"}\n');
  const e = await startTestBridge({}, store).then(async (b) => (await b.stop(), undefined), (x: Error) => x);
  assert.match(e?.message ?? '', /has store format 2/, 'refused');
  // Only now as the program an operator runs (a start that went ahead would not end).
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ smtp: { port: 0 }, api: { port: 0 }, store: { dir: store } }));
  const r = await runCli(['--config', config]);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^mail2sms: cannot start: the store directory .+ has store format 2, written by mail2sms 9\.0\.0; this mail2sms reads format 1 and stops rather than misread it\. Start the newer version again, or restore the backup taken before the upgrade/);
  assert.equal((await readdir(store)).sort(), ['journal', 'store-format.json']);
  assert.equal(await readdir(join(store, 'journal')), ['000007.jsonl']);
});

F('a state.json of a newer format :: named as such, not as corrupted (moving it away would lose its messages)', async ({ dir }) => {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'state.json'), '{"version":2,"seq":5,"messages":{}}');
  const e = await startTestBridge({}, dir).then(async (b) => (await b.stop(), undefined), (x: Error) => x);
  assert.match(e?.message ?? '', /^the state file .+state\.json has store format 2; this mail2sms reads format 1/);
  assert.not.match(e?.message ?? '', /move it away/);
});

F.run();
