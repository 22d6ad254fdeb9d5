import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The audit log: a durable sink of the bridge's own structured events,
 * filtered to what an auditor asks about — every accepted, refused and sent
 * message, every login, every administrative change — so the trail cannot
 * drift from what the bridge logs. One JSON line per event in
 * `<dir>/YYYY-MM-DD.jsonl` (UTC days), only ever appended to.
 *
 * Who, what, when and from where are the events' own keys (account, user,
 * ip, cid, msgId, to, code...). Passwords never reach an event; keys that
 * could hold secrets or the SMS text are dropped all the same, the text
 * kept only when configured.
 */
const AUDITED = new Set([
  // messages
  'sms-accepted', 'sms-duplicate', 'sms-duplicate-content', 'mail-from-refused', 'rcpt-refused', 'mail-refused', 'sms-submitted', 'sms-final',
  'confirmation-sent', 'confirmation-suppressed', 'sms-cancelled',
  // logins and connections
  'auth-succeeded', 'auth-failed', 'auth-locked', 'connection-refused', 'session-timeout', 'smtp-too-many-errors',
  'login-succeeded', 'login-failed', 'login-locked', // portal and REST API
  // administration
  'account-changed', 'user-added', 'user-removed', 'user-password-changed', 'optout-added', 'optout-removed',
  'optout-narrowed',
  'brake-engaged', 'brake-released', 'brake-lifted', 'tls-reloaded', 'sms-backup-verdict',
]);

const NEVER = new Set(['password', 'pass', 'passwordHash', 'stack', 'text']);
const SYNC_MS = 1000;
/**
 * Lines gathered this long go out in one write. Written as soon as each came
 * (one write per pause of the event loop), the trail cost 20-60 µs of the
 * event loop per accepted mail in the bench, most of it the write's own
 * promise and thread-pool round trip, as often as mails came; the lines are
 * fsynced at most a second later anyway.
 */
const WRITE_MS = 50;

export function isAudited(evt: string): boolean {
  return AUDITED.has(evt);
}

/** One line: the event's time and name first, then its keys without anything secret. */
export function auditLine(at: Date | string, evt: string, data: Record<string, unknown>, text?: string): string {
  const line: Record<string, unknown> = { at: typeof at === 'string' ? at : at.toISOString(), evt };
  for (const k in data) {
    const v = data[k];
    if (v !== undefined && !NEVER.has(k)) line[k] = v;
  }
  if (text !== undefined) line.text = text;
  return JSON.stringify(line) + '\n';
}

export function auditFile(dir: string, at: Date): string {
  return join(dir, `${at.toISOString().slice(0, 10)}.jsonl`);
}

export interface AuditLogOptions {
  dir: string;
  now: () => Date;
  /** The SMS text of a stored message, when texts are audited; undefined: never recorded. */
  textOf?: (msgId: string) => string | undefined;
  onError: (error: Error) => void;
}

/**
 * The bridge's writer: lines go to the file in event order, in one write
 * at most 50 ms after they happen, and are fsynced at most a second later
 * (the messages themselves are durable in the journal before any 250; this
 * is their trail).
 */
export class AuditLog {
  private fh?: FileHandle;
  private file = '';
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private writeTimer?: NodeJS.Timeout;
  private queue: Array<{ file: string; line: string }> = [];
  /**
   * A process that dies rather than stops (an uncaught exception, a store failure's exit) runs no timer and
   * no close(): the lines still gathering are appended at its exit, synchronously, so the trail ends where the
   * process did, as it did when each line was written at once. A write already under way is left to the kernel.
   */
  private readonly atExit = () => this.writeQueuedNow();

  constructor(private readonly o: AuditLogOptions) {
    process.on('exit', this.atExit);
  }

  readonly record = (evt: string, data: Record<string, unknown>): void => {
    if (!AUDITED.has(evt)) return;
    const at = this.o.now().toISOString();
    const text = evt === 'sms-accepted' && typeof data.msgId === 'string' ? this.o.textOf?.(data.msgId) : undefined;
    const line = auditLine(at, evt, data, text);
    this.queue.push({ file: this.fileOf(at), line });
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.chain = this.chain.then(() => this.flush()).catch((e: Error) => this.o.onError(e));
    }, WRITE_MS).unref();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // Lines still gathering are written first: the sync covers every line recorded before it.
      this.chain = this.chain.then(() => this.flush()).then(() => this.fh?.datasync()).catch((e: Error) => this.o.onError(e));
    }, SYNC_MS).unref();
  };

  async close(): Promise<void> {
    process.off('exit', this.atExit);
    clearTimeout(this.timer);
    clearTimeout(this.writeTimer);
    this.timer = undefined;
    this.writeTimer = undefined;
    this.chain = this.chain.then(() => this.flush()).catch((e: Error) => this.o.onError(e));
    await this.chain;
    await this.fh?.datasync().catch(() => undefined);
    await this.fh?.close();
    this.fh = undefined;
  }

  private day = { day: '', file: '' };

  /** The day's file for an ISO time; the path is joined once a day, not once a line. */
  private fileOf(iso: string): string {
    const day = iso.slice(0, 10);
    if (day !== this.day.day) this.day = { day, file: auditFile(this.o.dir, new Date(iso)) };
    return this.day.file;
  }

  /** Writes the queued lines in order, one write per run of lines for the same day's file. */
  private async flush(): Promise<void> {
    for (const run of this.takeQueue()) await this.write(run.file, run.text);
  }

  private writeQueuedNow(): void {
    try {
      mkdirSync(this.o.dir, { recursive: true });
      for (const run of this.takeQueue()) appendFileSync(run.file, run.text, { mode: 0o640 });
    } catch {
      // The process is going: nowhere left to tell.
    }
  }

  /** The queued lines, taken out, as runs for the same day's file, in order. */
  private takeQueue(): Array<{ file: string; text: string }> {
    const lines = this.queue;
    this.queue = [];
    const runs: Array<{ file: string; text: string }> = [];
    for (let i = 0; i < lines.length;) {
      let j = i + 1;
      while (j < lines.length && lines[j].file === lines[i].file) j++;
      runs.push({ file: lines[i].file, text: lines.slice(i, j).map((l) => l.line).join('') });
      i = j;
    }
    return runs;
  }

  private async write(file: string, line: string): Promise<void> {
    if (file !== this.file || !this.fh) {
      await this.fh?.datasync().catch(() => undefined);
      await this.fh?.close();
      await mkdir(this.o.dir, { recursive: true });
      this.fh = await open(file, 'a', 0o640);
      this.file = file;
    }
    await this.fh.appendFile(line);
  }
}

/** For the CLI (another process): one line, appended and fsynced before the command reports success. */
export async function appendAuditLine(dir: string, at: Date, evt: string, data: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fh = await open(auditFile(dir, at), 'a', 0o640);
  try {
    await fh.appendFile(auditLine(at, evt, data));
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
