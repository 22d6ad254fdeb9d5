import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseCommand } from './args.js';
import type { Config } from '../config/types.js';
import { BackupRefused, takeBackup, type CopiedFile } from '../store/backup.js';
import type { CliIo } from './users.js';

export const BACKUP_USAGE = `usage:
  mail2sms backup <target-dir>
Copies the store (store.dir) into <target-dir>, a new or empty directory, while the bridge runs or not:
every mail that had its 250 before the backup began is in the copy, and the copy starts cleanly.
Left out: the spool, stats-cache.json, api.json, lock (scratch or derived) and the confirmation outbox.
Prints each file copied, then one line "backup complete: …"; exit 0 only then.
A bridge started on the copy (a restore) holds the SMS accepted before the backup until mail2sms hold release.`;

/** `mail2sms backup <dir>`: exit 0 complete, 1 refused or failed (the target is then no usable backup), 2 usage. */
export async function backupCommand(args: string[], config: Config, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const parsed = parseCommand(args, {}, BACKUP_USAGE, io);
  if (!parsed) return 2;
  const target = parsed.positionals.length === 1 ? parsed.positionals[0] : undefined;
  if (!target) {
    io.err(`${BACKUP_USAGE}\n`);
    return 2;
  }
  const source = resolve(config.store.dir);
  try {
    const r = await takeBackup({ source, target, leaveOut: leftOut(config, source), now, onFile: (f) => io.out(line(f)) });
    const gone = r.gone.length ? ` (${r.gone.length} more deleted by compaction meanwhile: state.json holds them)` : '';
    io.out(`backup complete: ${resolve(target)} files=${r.files.length} bytes=${r.bytes} journal-segments=${r.segments}${gone} `
      + `started=${r.marker.startedAt} finished=${r.marker.finishedAt}\n`);
    return 0;
  } catch (e) {
    const why = (e as Error).message;
    io.err(e instanceof BackupRefused ? `mail2sms backup: ${why}\n` : `mail2sms backup: failed: ${why}; ${resolve(target)} is no usable backup (a bridge refuses to start on it): remove it and try again\n`);
    return 1;
  }
}

function line(f: CopiedFile): string {
  return `copied ${f.path} ${f.bytes} bytes${f.cut ? ` (an unfinished last line of ${f.cut} bytes left out: it was being written, never acknowledged)` : ''}\n`;
}

/** Files of the store directory that go elsewhere than the store: the confirmation outbox (an MTA may pick it up), the simulator's record of what it "sent". */
function leftOut(config: Config, source: string): string[] {
  const under = (p: string) => relative(source, isAbsolute(p) ? p : join(source, p));
  const paths = [under(config.notify.outboxDir)];
  for (const c of config.connectors) if (c.type === 'simulator' && c.simulator.sentLog) paths.push(under(c.simulator.sentLog));
  return paths.filter((p) => p && !p.startsWith('..') && !isAbsolute(p));
}
