import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as assert from 'uvu/assert';
import { packageRoot } from '../src/paths.js';
import { suite } from './helpers/suite.js';

/**
 * The start check of the files the configuration names, as the service's
 * own user sees them. Root reads and writes anything, so that user is
 * played by nobody (CI runs as root; elsewhere these are not tried).
 */
const C = suite('start check :: as the service user');
const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** checkStartFiles as user nobody, on a store in `dir` with the audit folder beside it: '' when the start may go on, else the refusal. */
async function checkAsNobody(dir: string, now: string): Promise<string> {
  const script = `
    const { buildConfig } = await import('./src/config/load.ts');
    const { checkStartFiles } = await import('./src/cannot-start.ts');
    const config = buildConfig({ store: { dir: ${JSON.stringify(join(dir, 'store'))} }, audit: { dir: ${JSON.stringify(join(dir, 'audit'))} } });
    await checkStartFiles(config, new Date(${JSON.stringify(now)})).then(() => console.log('ok'), (e) => console.log(e.message));`;
  const { stdout } = await run('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageRoot() });
  return stdout.trim() === 'ok' ? '' : stdout.trim();
}

/** A store and an audit folder beside it (audit.dir) owned by nobody, with closed days' files read-only. */
async function storeOfNobody(): Promise<{ dir: string; audit: string; uid: number; gid: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'start-check-'));
  await chmod(dir, 0o755);
  const { uid, gid } = await run('id', ['-u', 'nobody']).then(async (u) => ({ uid: Number(u.stdout), gid: Number((await run('id', ['-g', 'nobody'])).stdout) }));
  const store = join(dir, 'store');
  const audit = join(dir, 'audit');
  await mkdir(store);
  await mkdir(audit);
  for (const d of [store, audit]) await chown(d, uid, gid);
  for (const day of ['2026-11-28', '2026-11-29']) {
    await writeFile(join(audit, `${day}.jsonl`), '{}\n', { mode: 0o444 });
    await chown(join(audit, `${day}.jsonl`), 0, 0);
  }
  return { dir, audit, uid, gid };
}

C('closed audit days read-only (tamper evidence) :: the start goes on; only today\'s file must take lines', async () => {
  if (!asRoot) return;
  const { dir, audit, uid, gid } = await storeOfNobody();
  try {
    assert.is(await checkAsNobody(dir, '2026-11-30T08:00:00Z'), '', 'no file of today yet');
    await writeFile(join(audit, '2026-11-30.jsonl'), '{}\n', { mode: 0o644 });
    await chown(join(audit, '2026-11-30.jsonl'), uid, gid);
    assert.is(await checkAsNobody(dir, '2026-11-30T08:00:00Z'), '', 'today\'s file is the service\'s');
    const refused = await checkAsNobody(dir, '2026-11-29T08:00:00Z');
    assert.match(refused, `audit.dir: user nobody cannot append to today's file ${join(audit, '2026-11-29.jsonl')} (EACCES): chown nobody: ${join(audit, '2026-11-29.jsonl')}`);
    assert.not.match(refused, 'chown -R');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

C('an audit folder the service cannot write :: refused with a chown of the folder alone', async () => {
  if (!asRoot) return;
  const { dir, audit } = await storeOfNobody();
  try {
    await chown(audit, 0, 0);
    const refused = await checkAsNobody(dir, '2026-11-30T08:00:00Z');
    assert.match(refused, `audit.dir: user nobody cannot write ${audit} (EACCES): chown nobody: ${audit}`, refused);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

C.run();
