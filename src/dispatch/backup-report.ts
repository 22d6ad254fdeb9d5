/**
 * A delivery report that proves the bridge a backup was taken of sent an
 * SMS the restored copy holds. The copy cannot know what that bridge did
 * after the backup (restore-hold.ts); a report that names the SMS by our id
 * (Kannel's dlr-url, an http connector's webhook.ourIdParam) says it: a
 * gateway reports only on what it took. So the bridge settles it itself,
 * with the effect of `mail2sms hold mark <id> sent` (backup-verdict.ts),
 * audited as its own verdict naming the report, and records the report's
 * outcome: the clerk gets the right final mail and the SMS never goes again.
 *
 * It also finds an SMS already marked sent by hand (or settled so by an
 * earlier report without an outcome): its handover carries no carrier id to
 * match its reports by, so without this its report was logged and dropped.
 *
 * SMPP receipts carry only the SMSC's id, which went to the old bridge with
 * its submit_sm_resp: they are read for their number, time and text
 * instead (restore-receipts.ts).
 */
import type { DeliveryReport } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import type { MessageStore, SmsMessage, SmsStatus, StatusEvent } from '../store/types.js';
import { recordSentBefore } from './backup-verdict.js';
import type { Recorder } from './record.js';
import type { ReportBook } from './report-book.js';

export interface BackupReportDeps {
  store: MessageStore;
  record: Recorder;
  book: ReportBook;
  /** Why `m` waits for the restore's hold, or undefined (restore-hold.ts). */
  restoreHold?: (m: SmsMessage) => string | undefined;
  /** Runs `fn` while no attempt or release touches SMS `id`; undefined when one is under way. */
  exclusive: <T>(id: string, fn: () => Promise<T>) => Promise<T | undefined>;
  /** Resolves true once no attempt or release touches SMS `id`, false after `ms` if one still does (work-loop.ts). */
  whenFree: (id: string, ms: number) => Promise<boolean>;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  /** Reads a report of an SMS the book follows, as any report (the dispatcher's onReport). */
  onReport: (connector: string, r: DeliveryReport) => Promise<void>;
  now: () => Date;
  log: LogFn;
}

/**
 * caught: in `submitting` when the backup was taken; queued: accepted before it, held;
 * marked: settled as sent by the old bridge, with no carrier id to match a report by.
 */
export type BackupHeld = 'caught' | 'queued' | 'marked';

export function backupHeld(m: SmsMessage, d: Pick<BackupReportDeps, 'restoreHold'>): BackupHeld | undefined {
  // While a hold lasts no SMS of before its backup is handed over: one in `submitting` is one the backup caught (also
  // while the start is still reconciling, before the dispatcher's list of them is made).
  if (m.status === 'submitting' || m.status === 'accepted') return d.restoreHold?.(m) ? (m.status === 'submitting' ? 'caught' : 'queued') : undefined;
  if (m.status !== 'submitted') return undefined;
  for (let i = m.history.length - 1; i >= 0; i--) {
    const e = m.history[i];
    if (e.connectorMessageId) return undefined;
    if (e.backup === 'sent') return 'marked';
  }
  return undefined;
}

/**
 * Whether the SMS's latest handover is one the bridge a backup was taken of made (StatusEvent.backup sent) and its
 * reports went there. One settled by a report here carries that report's carrier id: its reports reach this bridge,
 * so no final one within the wait is an expiry like any other.
 */
export function sentBeforeRestore(m: Pick<SmsMessage, 'history'>): boolean {
  const e = lastHandover(m);
  return e?.backup === 'sent' && e.connectorMessageId === undefined;
}

/** The SMS's latest handover: its last `submitted` event that is no part's report. */
export function lastHandover(m: Pick<SmsMessage, 'history'>): StatusEvent | undefined {
  for (let i = m.history.length - 1; i >= 0; i--) {
    const e = m.history[i];
    if (e.status === 'submitted' && !e.part) return e;
  }
  return undefined;
}

/** An attempt under way (a hold being written) is waited for, up to this long in all. */
const BUSY_WAIT_MS = 30_000;

/** Resolves to true when the report was about a restore-held SMS and is recorded; false: read as any unmatched report. */
export async function settleBackupReport(d: BackupReportDeps, connector: string, r: DeliveryReport): Promise<boolean> {
  const m = r.ourId ? d.store.get(r.ourId) : undefined;
  if (!m || !backupHeld(m, d)) return false;
  const until = d.now().getTime() + BUSY_WAIT_MS;
  for (;;) {
    const done = await d.exclusive(m.id, () => settle(d, m.id, connector, r));
    if (done !== undefined) return done;
    // Woken when the attempt ends, not polled: it may take its turn again first, then this waits once more.
    const left = until - d.now().getTime();
    if (left <= 0 || !(await d.whenFree(m.id, left))) return false;
  }
}

async function settle(d: BackupReportDeps, id: string, connector: string, r: DeliveryReport): Promise<boolean> {
  // Read again: released, marked or sent meanwhile?
  const m = d.store.get(id);
  const held = m && backupHeld(m, d);
  if (!m || !held) return false;
  const report = `${connector}'s delivery report (${r.status}${r.reason ? `: ${r.reason}` : ''}, id ${r.connectorMessageId})`;
  if (held !== 'marked') {
    const by = `this bridge, from ${report}`;
    const reason = `handed to the carrier through ${connector} by the bridge the backup was taken of, as ${report} shows; not sent again`;
    await recordSentBefore(d, m, { reason, by, connector, connectorMessageId: r.connectorMessageId, was: held });
  }
  // Not final yet: its next report is matched like any other (by the carrier id, which a restart reads from the handover).
  // One that came under that id alone while the verdict was being written was kept early, as before a submit's answer:
  // read now, in arrival order (Recorder.submitted does the same).
  if (r.status === 'enroute' || r.part) {
    d.book.track(connector, r.connectorMessageId, id);
    await Promise.all(d.book.takeEarly(connector, r.connectorMessageId).map((e) => d.onReport(connector, e.r).then(() => e.settle(), (error: Error) => {
      e.settle(error);
      throw error;
    })));
    return true;
  }
  await d.record.finish(d.store.get(id) ?? m, r.status, r.reason, connector, r.at);
  return true;
}
