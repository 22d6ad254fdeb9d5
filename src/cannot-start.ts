import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Config } from './config/types.js';

/**
 * A start refused for a reason a restart does not cure (a file the service
 * cannot read, a store of a newer format, an incomplete backup): main.ts
 * exits 2 for it, as for a configuration problem, so that systemd
 * (RestartPreventExitStatus=2) shows it instead of retrying five times.
 */
export class CannotStart extends Error {
  override name = 'CannotStart';
}

/**
 * The files the configuration names, checked before anything is opened or
 * written: each problem with its key, the user the bridge runs as and what
 * to do, all at once, as config problems are. Reading them later gave a bare
 * "EACCES: permission denied, open '…'" (review 5 M5).
 */
export async function checkStartFiles(config: Config): Promise<void> {
  const user = runningAs();
  const problems = [
    ...(await tlsProblems(config, user)),
    ...(await storeProblems(resolve(config.store.dir), user)),
  ];
  if (problems.length) throw new CannotStart(`the files the configuration names cannot be used:\n  - ${problems.join('\n  - ')}`);
}

/** The user this process runs as, by name; its uid where the name cannot be read (no passwd entry in a container). */
export function runningAs(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

async function tlsProblems(config: Config, user: string): Promise<string[]> {
  const out: string[] = [];
  for (const key of ['cert', 'key'] as const) {
    const file = config.smtp.tls[key];
    if (!file) continue;
    const code = await errno(access(resolve(file), constants.R_OK));
    if (!code) continue;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? `cannot be read by user ${user}` : 'cannot be read';
    out.push(`smtp.tls.${key}: ${file} ${why} (${code}): `
      + (code === 'ENOENT' ? 'check the path; ' : `let the group of user ${user} read it (chgrp, chmod 0640); `)
      + 'a certbot certificate is copied where the service can read it by a deploy hook (README: "Running it in production", TLS)');
  }
  return out;
}

/** The store directory (made at start when missing) and what is in it must be writable: a restore copied as root is not. */
async function storeProblems(dir: string, user: string): Promise<string[]> {
  const remedy = `chown -R ${user}: ${dir} (README: "Backup and restore")`;
  const found = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (found instanceof Error) {
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR') return [`store.dir: ${dir} cannot be used (${found.code}): ${remedy}`];
    const parent = await existingAncestor(dir);
    if (!(await stat(parent)).isDirectory()) return [`store.dir: ${dir} cannot be made: ${parent} is a file, not a directory (ENOTDIR)`];
    const code = await errno(access(parent, constants.W_OK | constants.X_OK));
    return code ? [`store.dir: ${dir} cannot be made by user ${user}: ${parent} is not writable (${code}); make it and give it to the user (install -d -o ${user} ${dir})`] : [];
  }
  if (!found.isDirectory()) return [`store.dir: ${dir} is a file, not a directory (ENOTDIR)`];
  const paths = [dir, ...(await entries(dir)), ...(await entries(join(dir, 'journal')))];
  const refused: string[] = [];
  for (const p of paths) if (await errno(access(p, constants.W_OK))) refused.push(p);
  if (!refused.length) return [];
  const shown = refused.slice(0, 3).join(', ') + (refused.length > 3 ? ` and ${refused.length - 3} more` : '');
  return [`store.dir: user ${user} cannot write ${shown} (EACCES): ${remedy}`];
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).map((n) => join(dir, n));
}

async function existingAncestor(path: string): Promise<string> {
  for (let p = dirname(path); ; p = dirname(p)) {
    if (await stat(p).then(() => true, () => false)) return p;
    if (p === dirname(p)) return p;
  }
}

const errno = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => undefined, (e: NodeJS.ErrnoException) => e.code ?? 'error');
