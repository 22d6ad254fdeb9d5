import { watchFile, unwatchFile } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { readStateFile, replaceFile } from '../store/durable.js';

/**
 * The small state operators change at run time — account defaults edited
 * in the portal, users and passwords set with the CLI — kept in one lowdb
 * JSON file beside the store (`<store.dir>/settings.json`). The config file
 * stays the operator's own and is never rewritten.
 *
 * The running bridge and a CLI command may write it at the same time, so
 * every change is a read-modify-write under a lock file, and the bridge
 * notices changes made by others (polling the file's mtime, since an atomic
 * rename defeats fs.watch on the file).
 */

export type UserRole = 'user' | 'admin';

export interface StoredUser {
  account: string;
  role: UserRole;
  /** scrypt hash (src/accounts/passwords.ts); never the password. */
  passwordHash: string;
  createdAt: string;
}

/** One opt-out entry. `via: 'sms'`: its number's owner asked by SMS (and may undo it with START); else an operator. */
export interface OptOutRecord {
  addedAt: string;
  note?: string;
  via?: 'sms';
  /**
   * Senders an owner's entry for every sender (a STOP ALL) no longer keeps
   * away: the owner replied START to each of them afterwards. Only on
   * entries with via: 'sms'.
   */
  except?: string[];
}

export interface SettingsData {
  version: 1;
  /** Run-time changes to accounts' default options (EDITABLE_ACCOUNT_KEYS only), by account name. */
  accounts: Record<string, Record<string, unknown>>;
  /** Users of SMTP AUTH and the portal, by user name. */
  users: Record<string, StoredUser>;
  /**
   * Numbers (E.164) that receive no SMS from any sender: added with `mail2sms optout add`, or by their owner
   * replying STOP ALL (via: sms). Entries with via: sms written before STOPs were scoped (a plain STOP) are here too.
   */
  optout: Record<string, OptOutRecord>;
  /** Numbers (E.164) that receive no SMS from one sender, by number and then sender (canonical form, src/sms/sender-id.ts): a STOP sent to it, or `optout add --sender`. */
  optoutScoped: Record<string, Record<string, OptOutRecord>>;
  /** Accounts stopped by the fraud brake, until `mail2sms brake release`. */
  brakes: Record<string, { since: string; reason: string }>;
}

const EMPTY: SettingsData = { version: 1, accounts: {}, users: {}, optout: {}, optoutScoped: {}, brakes: {} };

export class SettingsCorruptError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`settings file ${file} cannot be read (${detail}); it was left untouched — fix it or move it away`);
    this.name = 'SettingsCorruptError';
  }
}

class SettingsFile implements Adapter<SettingsData> {
  constructor(private readonly file: string) {}

  async read(): Promise<SettingsData | null> {
    let data: SettingsData | undefined;
    try {
      data = await readStateFile<SettingsData>(this.file, 'accounts');
    } catch (e) {
      throw new SettingsCorruptError(this.file, (e as Error).message);
    }
    // Sections added after a file was first written start empty.
    return data ? { ...structuredClone(EMPTY), ...data } : null;
  }

  write(data: SettingsData): Promise<void> {
    return replaceFile(this.file, JSON.stringify(data, null, 2) + '\n', 0o600);
  }
}

export interface SettingsStoreOptions {
  file: string;
  /** How often to look for changes made by another process (ms); 0 disables watching. */
  pollMs?: number;
  /** How long to wait for the lock before giving up (ms). */
  lockTimeoutMs?: number;
}

export class SettingsStore {
  private readonly db: Low<SettingsData>;
  private readonly adapter: SettingsFile;
  private readonly listeners: Array<(data: SettingsData) => void> = [];
  private watching = false;
  /** Counts our own changes: a reading of the file begun before one of them is older than what we hold. */
  private changes = 0;

  constructor(private readonly o: SettingsStoreOptions) {
    this.adapter = new SettingsFile(o.file);
    this.db = new Low<SettingsData>(this.adapter, structuredClone(EMPTY));
  }

  /** For operators' messages: which file holds a value. */
  get file(): string {
    return this.o.file;
  }

  get data(): Readonly<SettingsData> {
    return this.db.data;
  }

  /** Reads the file (a missing file is empty settings) and, with pollMs, starts following changes by other processes. */
  async open(): Promise<SettingsData> {
    await mkdir(dirname(this.o.file), { recursive: true });
    await this.reload();
    if (this.o.pollMs) {
      watchFile(this.o.file, { interval: this.o.pollMs, persistent: false }, (cur, prev) => {
        if (cur.mtimeMs !== prev.mtimeMs) void this.reload().then(() => this.emit(), () => undefined);
      });
      this.watching = true;
    }
    return this.db.data;
  }

  close(): void {
    if (this.watching) unwatchFile(this.o.file);
    this.watching = false;
  }

  /** Called with the new data after every change, ours or another process's. */
  onChange(listener: (data: SettingsData) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Applies `change` to the current file content under the lock and writes
   * it durably. `change` may throw to refuse (nothing is written then).
   */
  async update(change: (draft: SettingsData) => void): Promise<SettingsData> {
    const release = await this.lock();
    try {
      await this.reload();
      const draft = structuredClone(this.db.data);
      change(draft);
      this.changes++;
      this.db.data = draft;
      await this.db.write();
      // A watcher's read that began while the file was being replaced may have found it as it was before and put that
      // back in memory (its count of changes was taken after ours above): what is on disk now is the draft.
      this.changes++;
      this.db.data = draft;
    } finally {
      await release();
    }
    this.emit();
    return this.db.data;
  }

  /**
   * Reads the file into memory, unless we changed it while the read was
   * under way: the watcher's read of the file as it was before our write
   * would put the old content back in memory (an opt-out just written
   * forgotten until the next poll). Our write is on disk; the next reading
   * finds it.
   */
  private async reload(): Promise<void> {
    const before = this.changes;
    const data = (await this.adapter.read()) ?? structuredClone(EMPTY);
    if (this.changes === before) this.db.data = data;
  }

  private emit(): void {
    for (const l of this.listeners) l(this.db.data);
  }

  /** An O_EXCL lock file; one left behind by a crashed writer is broken after 30 s. */
  private async lock(): Promise<() => Promise<void>> {
    const file = `${this.o.file}.lock`;
    const until = Date.now() + (this.o.lockTimeoutMs ?? 5000);
    for (;;) {
      try {
        const fh = await open(file, 'wx');
        await fh.writeFile(String(process.pid));
        await fh.close();
        return () => unlink(file).catch(() => undefined);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > 30_000) await unlink(file).catch(() => undefined);
        else if (Date.now() > until) throw new Error(`settings file ${this.o.file} is locked by another process (${file})`);
        else await new Promise((r) => setTimeout(r, 25));
      }
    }
  }
}
