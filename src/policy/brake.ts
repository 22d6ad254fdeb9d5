import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { SettingsData, SettingsStore } from '../accounts/settings.js';
import type { LogFn } from '../log.js';
import { CannotStart } from '../cannot-start.js';
import { replaceFile } from '../store/durable.js';
import { MinuteWindows } from './counters.js';
import type { BrakeLimits } from './schema.js';

const DAY_MS = 86_400_000;

export interface BrakeOptions {
  settings: SettingsStore;
  /** Numbers each account has sent to before: `<account>\t<e164>` lines, appended. */
  knownFile: string;
  /** The windows' counts, saved now and then and read back at start (brake-windows.json). */
  windowsFile: string;
  now: () => Date;
  log: LogFn;
}

/**
 * The fraud brake. SMS pumping shows as a burst of numbers an account never
 * sent to before, or as many failures (made-up numbers); either stops the
 * account until an operator has looked. The stop is kept in the settings
 * file, so it survives restarts, and lifted with `mail2sms brake release`.
 *
 * The numbers an account knows are appended to a file (not fsynced: one
 * lost line only makes a number count as new once more), so that a restart
 * does not make every number new again. The windows' counts are saved to
 * another file once a minute while they change, when an operator releases
 * an account and at shutdown, and read back at start, so that a deploy or a
 * crash in the middle of a spike does not start its count afresh (a crash
 * forgets at most the last minute's). The counts are written whole, as the
 * store writes its state files (replaceFile); losing either file only makes
 * the brake later, never stops an account.
 */
export class Brake {
  private readonly known = new Map<string, Set<string>>();
  private readonly newNumbers = new MinuteWindows(DAY_MS);
  private readonly outcomes = new MinuteWindows(DAY_MS);
  private readonly failures = new MinuteWindows(DAY_MS);
  /** Whether the windows changed since they were last saved. */
  private changed = false;
  /** Engaged here, before the settings file says so (its write is asynchronous). */
  private readonly engaging = new Map<string, string>();
  private stopped = new Set<string>();
  private readonly lifted: Array<(account: string) => void> = [];
  private file?: FileHandle;
  private writes: Promise<unknown> = Promise.resolve();
  /** Known-number lines not handed to a write yet (see append). */
  private unwritten = '';

  constructor(private readonly o: BrakeOptions) {}

  async open(): Promise<void> {
    const text = await readFile(this.o.knownFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) this.knownOf(line.slice(0, tab)).add(line.slice(tab + 1));
    }
    this.stopped = new Set(Object.keys(this.o.settings.data.brakes));
    await this.loadWindows();
    // Opened last: a windows file that cannot be read fails the start with nothing of ours left open.
    this.file = await open(this.o.knownFile, 'a', 0o640);
    this.o.settings.onChange((d) => this.onSettings(d));
  }

  async close(): Promise<void> {
    this.saveWindows();
    await this.writes;
    await this.file?.close();
    this.file = undefined;
  }

  /** `fn` learns of every account an operator released (its held SMS may go again). */
  onLifted(fn: (account: string) => void): void {
    this.lifted.push(fn);
  }

  /** Why the account is stopped, or undefined. */
  pausedReason(account: string): string | undefined {
    return this.engaging.get(account) ?? this.o.settings.data.brakes[account]?.reason;
  }

  /** SMS the account got accepted: numbers never seen before count towards the brake. */
  accepted(account: string, numbers: readonly string[], limits: BrakeLimits): void {
    const known = this.knownOf(account);
    const fresh = [...new Set(numbers)].filter((n) => !known.has(n));
    if (!fresh.length) return;
    for (const n of fresh) known.add(n);
    this.append(fresh.map((n) => `${account}\t${n}\n`).join(''));
    if (limits.newNumbersPerWindow <= 0) return;
    const now = this.o.now().getTime();
    this.newNumbers.add(account, now, fresh.length);
    this.changed = true;
    const n = this.newNumbers.count(account, now, limits.windowMinutes * 60_000);
    if (n >= limits.newNumbersPerWindow) {
      this.engage(account, `${n} numbers never sent to before within ${limits.windowMinutes} minutes`, { newNumbers: n });
    }
  }

  /** A final outcome of one of the account's SMS. */
  outcome(account: string, failed: boolean, limits: BrakeLimits): void {
    if (limits.failureRatio <= 0) return;
    const now = this.o.now().getTime();
    const window = limits.windowMinutes * 60_000;
    this.outcomes.add(account, now);
    if (failed) this.failures.add(account, now);
    this.changed = true;
    const total = this.outcomes.count(account, now, window);
    const bad = this.failures.count(account, now, window);
    if (total >= limits.minOutcomes && bad / total >= limits.failureRatio) {
      this.engage(account, `${bad} of the last ${total} SMS failed within ${limits.windowMinutes} minutes`, { failed: bad, outcomes: total });
    }
  }

  /** Drops idle windows and saves what changed; called about once a minute. */
  sweep(): void {
    const now = this.o.now().getTime();
    this.newNumbers.sweep(now);
    this.outcomes.sweep(now);
    this.failures.sweep(now);
    this.saveWindows();
  }

  private engage(account: string, reason: string, data: Record<string, unknown>): void {
    if (this.pausedReason(account)) return;
    this.engaging.set(account, reason);
    this.o.log('brake-engaged', { account, reason, ...data, release: `mail2sms brake release ${account}` });
    const since = this.o.now().toISOString();
    const saved = this.o.settings.update((d) => {
      d.brakes[account] ??= { since, reason };
    }).catch((e: Error) => this.o.log('brake-save-failed', { account, error: e.message }));
    this.writes = this.writes.then(() => saved);
  }

  /** A brake released by an operator (another process) starts the account's windows afresh. */
  private onSettings(d: SettingsData): void {
    const now = new Set(Object.keys(d.brakes));
    let released = false;
    for (const account of this.stopped) {
      if (now.has(account)) continue;
      this.engaging.delete(account);
      this.newNumbers.clear(account);
      this.outcomes.clear(account);
      this.failures.clear(account);
      released = this.changed = true;
      this.o.log('brake-lifted', { account });
      for (const fn of this.lifted) fn(account);
    }
    for (const account of now) this.engaging.delete(account);
    this.stopped = now;
    // At once: a crash before the next sweep must not bring back the counts the operator's release ended.
    if (released) this.saveWindows();
  }

  /**
   * The saved counts, except those of an account that was stopped when they
   * were saved and is not any more: an operator released it meanwhile (maybe
   * while the bridge was down), which starts its windows afresh.
   */
  private async loadWindows(): Promise<void> {
    const text = await readFile(this.o.windowsFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      // Not logged and passed over as a damaged one is: a file the bridge cannot read it could not save either.
      throw new CannotStart(`the fraud brake's counts ${this.o.windowsFile} cannot be read (${e.message}): move it away; the counts then start afresh`);
    });
    if (text === undefined) return;
    let saved: Record<string, unknown>;
    try {
      saved = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      this.o.log('brake-windows-unreadable', { file: this.o.windowsFile, error: (e as Error).message, action: 'the windows start afresh' });
      return;
    }
    const wasStopped = new Set(Array.isArray(saved.stopped) ? saved.stopped.map(String) : []);
    const take = (account: string) => !wasStopped.has(account) || this.stopped.has(account);
    const now = this.o.now().getTime();
    this.newNumbers.load(saved.newNumbers, now, take);
    this.outcomes.load(saved.outcomes, now, take);
    this.failures.load(saved.failures, now, take);
  }

  /** Writes the counts if they changed (whole: replaceFile), after the writes before it. */
  private saveWindows(): void {
    if (!this.changed) return;
    this.changed = false;
    const now = this.o.now().getTime();
    const stopped = [...new Set([...this.stopped, ...this.engaging.keys()])];
    const text = JSON.stringify({ version: 1, savedAt: new Date(now).toISOString(), stopped, newNumbers: this.newNumbers.save(now), outcomes: this.outcomes.save(now), failures: this.failures.save(now) });
    this.writes = this.writes.then(() => replaceFile(this.o.windowsFile, text)).catch((e: Error) => {
      this.changed = true;
      this.o.log('brake-windows-write-failed', { file: this.o.windowsFile, error: e.message });
    });
  }

  private knownOf(account: string): Set<string> {
    let s = this.known.get(account);
    if (!s) this.known.set(account, (s = new Set()));
    return s;
  }

  /**
   * One write at a time, taking every line that came while the one before
   * was under way: under load that is many mails' numbers per write, where a
   * write per mail cost the event loop a thread-pool round trip each.
   */
  private append(lines: string): void {
    if (!this.file) return;
    const first = this.unwritten === '';
    this.unwritten += lines;
    if (first) this.writes = this.writes.then(() => this.writeUnwritten());
  }

  private async writeUnwritten(): Promise<void> {
    const lines = this.unwritten;
    this.unwritten = '';
    await this.file?.appendFile(lines).catch((e: Error) => this.o.log('brake-known-write-failed', { error: e.message }));
  }
}
