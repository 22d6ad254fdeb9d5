import { unwatchFile, watchFile } from 'node:fs';
import type { LogFn } from '../log.js';
import { IncompleteBackup, markerFile, readReleasedMarker, readRestoreMarker, type RestoreMarker } from '../store/restore-marker.js';
import type { SmsMessage } from '../store/types.js';

export interface RestoreHoldOptions {
  /** The store directory. */
  dir: string;
  /** How often to look whether an operator released the hold (ms); 0: never (tests of the rule alone). */
  pollMs: number;
  log: LogFn;
}

/**
 * Sending after a restore. A store started from a backup (its
 * restore-hold.json, store/restore-marker.ts) holds every SMS accepted
 * before the backup was finished: each may have been sent, after the backup,
 * by the bridge the backup was taken of, and nothing in the copy can tell
 * (the carrier's answer went to that bridge). Mail taken after the restore
 * goes as usual. `mail2sms hold release` removes the file; the running
 * bridge notices within pollMs, and the held SMS go.
 */
export class RestoreHold {
  private marker?: RestoreMarker;
  /** The hold released last, when none holds now: its backup caught what is still `submitting` from before its end. */
  private releasedOne?: RestoreMarker;
  private readonly released: Array<(m: RestoreMarker) => void> = [];
  private watching = false;

  constructor(private readonly o: RestoreHoldOptions) {}

  /** Reads the marker; refuses a store that is an incomplete backup. */
  async open(): Promise<RestoreMarker | undefined> {
    const m = await readRestoreMarker(this.o.dir);
    if (m && !m.complete) throw new IncompleteBackup(this.o.dir, m);
    this.marker = m;
    if (!m) {
      this.releasedOne = await readReleasedMarker(this.o.dir);
      return m;
    }
    this.o.log('dispatch-held', {
      restoredFrom: m.finishedAt, source: m.source, host: m.host,
      action: 'SMS accepted before the backup are held: check them (mail2sms hold), cancel what went already (mail2sms cancel <id>…), then run mail2sms hold release',
    });
    if (this.o.pollMs) {
      // Polled like settings.json: the CLI that releases it is another process.
      watchFile(markerFile(this.o.dir), { interval: this.o.pollMs, persistent: false }, (cur) => {
        if (cur.nlink === 0 && cur.mtimeMs === 0) this.release();
      });
      this.watching = true;
    }
    return m;
  }

  close(): void {
    if (this.watching) unwatchFile(markerFile(this.o.dir));
    this.watching = false;
  }

  /** The restore that holds SMS now, or undefined. */
  get active(): RestoreMarker | undefined {
    return this.marker;
  }

  /** `fn` learns when an operator released the hold (the held SMS may go now). */
  onReleased(fn: (m: RestoreMarker) => void): void {
    this.released.push(fn);
  }

  /** Why `m` must not go yet, or undefined. */
  reason(m: SmsMessage): string | undefined {
    const r = this.marker;
    if (!r?.finishedAt || m.mail.receivedAt >= r.finishedAt) return undefined;
    return `held: this store was restored from a backup of ${r.finishedAt}, and the bridge it was taken of may have sent this SMS after that; `
      + 'it is sent once an operator has checked and runs mail2sms hold release (mail2sms cancel <id> keeps it from going)';
  }

  /**
   * Whether `m`, in `submitting` at start with no hold, was caught so by the backup of a hold released while the
   * bridge was stopped (its handover began before that backup ended), rather than by a restart.
   */
  caughtByReleasedBackup(m: SmsMessage): boolean {
    const end = this.releasedOne?.finishedAt;
    return end !== undefined && m.status === 'submitting' && m.history.at(-1)!.at < end;
  }

  private release(): void {
    const m = this.marker;
    if (!m) return;
    this.marker = undefined;
    this.close();
    for (const fn of this.released) fn(m);
  }
}
