import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { auditFile } from './audit/audit-log.js';
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
export async function checkStartFiles(config: Config, now = new Date()): Promise<void> {
  const user = runningAs();
  const dir = resolve(config.store.dir);
  const store = await dirProblems('store.dir', dir, user, { remedy: `chown -R ${user}: ${dir} (README: "Backup and restore")`, deep: ['journal'] });
  const under = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const problems = [
    ...(await tlsProblems(config, user)),
    ...(await connectorFileProblems(config, user)),
    ...store,
    // Under a store.dir that cannot be used they would only repeat its problem.
    ...(store.length ? [] : await auditProblems(under(config.audit.dir), user, config.audit.enabled, now)),
    ...(store.length ? [] : await dirProblems('notify.outboxDir', under(config.notify.outboxDir), user, { deep: [], shallow: true })),
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
  const hint = 'a certbot certificate is copied where the service can read it by a deploy hook (README: "Running it in production", TLS)';
  for (const key of ['cert', 'key'] as const) {
    const file = config.smtp.tls[key];
    const problem = file ? await unreadable(`smtp.tls.${key}`, file, user) : undefined;
    if (problem) out.push(`${problem}; ${hint}`);
  }
  return out;
}

/** Files a connector (an SMSC's CA) or the confirmations' relay (its CA) read: found missing at start, not at the first SMS. */
async function connectorFileProblems(config: Config, user: string): Promise<string[]> {
  const out: string[] = [];
  const relayCa = config.notify.transport === 'smtp' ? config.notify.relay.tlsCaFile : '';
  const relayProblem = relayCa ? await unreadable('notify.relay.tlsCaFile', relayCa, user) : undefined;
  if (relayProblem) out.push(relayProblem);
  for (const [i, c] of config.connectors.entries()) {
    const file = c.type === 'smpp' && c.smpp.tls ? c.smpp.tlsCaFile : '';
    const problem = file ? await unreadable(`connectors[${i}].smpp.tlsCaFile`, file, user) : undefined;
    if (problem) out.push(`${problem} (connector ${c.name})`);
  }
  return out;
}

/** `key: file does not exist (ENOENT): check the path` and the like, or undefined when the user can read it. */
async function unreadable(key: string, file: string, user: string): Promise<string | undefined> {
  const code = await errno(access(resolve(file), constants.R_OK));
  if (!code) return undefined;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? `cannot be read by user ${user}` : 'cannot be read';
  return `${key}: ${file} ${why} (${code}): ` + (code === 'ENOENT' ? 'check the path' : `let the group of user ${user} read it (chgrp, chmod 0640)`);
}

/**
 * The audit folder and today's file, the only one the bridge appends to:
 * closed days may be read-only (tamper evidence, chattr +i), and asking
 * for `chown -R` over them would undo that (review 7, L4).
 */
async function auditProblems(dir: string, user: string, enabled: boolean, now: Date): Promise<string[]> {
  const today = auditFile(dir, now);
  const problems = await dirProblems('audit.dir', dir, user, { skip: !enabled, deep: [], shallow: true, remedy: `chown ${user}: ${dir}` });
  if (problems.length || !enabled) return problems;
  const code = await errno(access(today, constants.W_OK));
  return code && code !== 'ENOENT' ? [`audit.dir: user ${user} cannot append to today's file ${today} (${code}): chown ${user}: ${today} (the days before it may stay read-only)`] : [];
}

interface DirCheck {
  /** What to do when the user cannot write it; default: chown -R. */
  remedy?: string;
  /** Subdirectories whose entries must be writable too. */
  deep: string[];
  /** Only the directory itself, not its entries (an outbox of many mails). */
  shallow?: boolean;
  /** Not used with this configuration. */
  skip?: boolean;
}

/** A directory the bridge writes (made at start when missing) and what is in it must be writable: a restore copied as root is not. */
async function dirProblems(key: string, dir: string, user: string, o: DirCheck): Promise<string[]> {
  if (o.skip) return [];
  const remedy = o.remedy ?? `chown -R ${user}: ${dir}`;
  const found = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (found instanceof Error) {
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR') return [`${key}: ${dir} cannot be used (${found.code}): ${remedy}`];
    const parent = await existingAncestor(dir);
    if (!(await stat(parent)).isDirectory()) return [`${key}: ${dir} cannot be made: ${parent} is a file, not a directory (ENOTDIR)`];
    const code = await errno(access(parent, constants.W_OK | constants.X_OK));
    return code ? [`${key}: ${dir} cannot be made by user ${user}: ${parent} is not writable (${code}); make it and give it to the user (install -d -o ${user} ${dir})`] : [];
  }
  if (!found.isDirectory()) return [`${key}: ${dir} is a file, not a directory (ENOTDIR)`];
  const paths = o.shallow ? [dir] : [dir, ...(await entries(dir))];
  for (const sub of o.deep) paths.push(...(await entries(join(dir, sub))));
  const refused: string[] = [];
  for (const p of paths) if (await errno(access(p, constants.W_OK))) refused.push(p);
  if (!refused.length) return [];
  const shown = refused.slice(0, 3).join(', ') + (refused.length > 3 ? ` and ${refused.length - 3} more` : '');
  return [`${key}: user ${user} cannot write ${shown} (EACCES): ${remedy}`];
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
