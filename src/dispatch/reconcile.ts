/**
 * At start, settles what a crash or kill left open, per connector: an SMS
 * in `submitting` is asked of the connector its event names; SMS in
 * `submitted` are handed back to their connectors to follow up.
 */
import type { LogFn } from '../log.js';
import type { MessageStore, SmsMessage } from '../store/types.js';
import type { ConnectorPool } from './connector-pool.js';
import type { Recorder } from './record.js';
import type { ResumeItem } from '../connectors/types.js';
import { deliveredParts, submittedVia, type ReportBook } from './report-book.js';

export interface ReconcileDeps {
  store: MessageStore;
  pool: ConnectorPool;
  book: ReportBook;
  record: Recorder;
  log: LogFn;
  /** Why this SMS must wait for an operator (a restore's hold: restore-hold.ts), or undefined. */
  held?: (m: SmsMessage) => string | undefined;
  /** Whether it was caught being handed over by the backup of a hold released while the bridge was stopped: settled as such, not as after a restart. */
  caught?: (m: SmsMessage) => boolean;
  /**
   * Called once an SMS in `submitting` is settled: a report that named it by our id meanwhile was kept early, since
   * it was still being settled, and only now can be read against what was recorded (the dispatcher does the same
   * after an attempt). Without this, such a report waited out its time and was dropped.
   */
  settled?: (id: string) => void;
}

/** What left an SMS in `submitting`: words for its history and log. */
export type Interruption = 'restart' | 'backup';

/**
 * Returns the ids left in `submitting` because a restore holds them: the
 * bridge the backup was taken of went on handing them over, and its answer
 * is not in the copy. Settled only at the release (settleSubmitting with
 * 'backup'), so no clerk or callback hears of them before an operator could check.
 */
export async function reconcile(d: ReconcileDeps): Promise<string[]> {
  const held: string[] = [];
  for (const m of d.store.inStatus('submitting')) {
    if (!d.held?.(m)) {
      await settleSubmitting(d, m, d.caught?.(m) ? 'backup' : 'restart');
      continue;
    }
    held.push(m.id);
    d.log('sms-held', { msgId: m.id, account: m.account, uncertain: true, reason: HELD_UNCERTAIN });
  }
  resumeSubmitted(d);
  return held;
}

export const HELD_UNCERTAIN = 'was being handed to the carrier when the backup was taken: not settled until mail2sms hold release, '
  + 'then asked of its connector (which SMPP cannot answer: then settled as its onUncertain says)';

const CAUSE: Record<Interruption, { before: string; cut: string; resend: (name: string) => string }> = {
  restart: {
    before: 'before a restart', cut: 'interrupted by a restart while being handed over',
    resend: (name) => `interrupted while being handed to ${name}, which cannot tell whether it took it`,
  },
  backup: {
    before: 'before the backup this store was restored from', cut: 'being handed over when the backup this store was restored from was taken',
    resend: (name) => `being handed to ${name} when the backup this store was restored from was taken, and ${name} cannot tell whether it took it`,
  },
};

export async function settleSubmitting(d: ReconcileDeps, m: SmsMessage, why: Interruption): Promise<void> {
  try {
    await settleOne(d, m, why);
  } finally {
    d.settled?.(m.id);
  }
}

async function settleOne(d: ReconcileDeps, m: SmsMessage, why: Interruption): Promise<void> {
  const cause = CAUSE[why];
  // Journals written before connectors had names in `submitting` events had exactly one connector: the first.
  const name = m.history.at(-1)!.connector ?? d.pool.names[0];
  const connector = d.pool.get(name);
  if (!connector) {
    d.log('reconciled', { msgId: m.id, connector: name, found: 'connector-gone', after: why });
    return d.record.finish(m, 'failed', `interrupted while being handed to connector "${name}", which is no longer configured, so nobody can tell whether it arrived; not sent again to avoid a duplicate`);
  }
  const found = await connector.lookup(m.id);
  d.log('reconciled', { msgId: m.id, connector: name, found: found.found, after: why });
  if (found.found === true) return d.record.submitted(m, name, found.connectorMessageId, `taken by ${name} ${cause.before}`);
  if (found.found === false) return d.record.requeue(m, `not taken by ${name} ${cause.before}; sending again`);
  if (d.pool.onUncertain(name) === 'resend') {
    d.log('sms-possible-duplicate', { msgId: m.id, to: m.to, connector: name, reason: cause.cut });
    return d.record.requeue(m, `possibly duplicated: ${cause.resend(name)}; sending again (onUncertain resend)`);
  }
  // The protocol cannot tell whether it went out; sending again could double it. Not confirmed, as after a lost answer:
  // worded so for the sender, not counted by the fraud brake, and settled by a late report that names it (late-report.ts).
  return d.record.uncertain(m, name, `${cause.cut}, and the connector cannot tell whether it took the SMS`, undefined, { backup: why === 'backup', lateReports: connector.lateReports });
}

/** Every connector hears resume() once, even with nothing to follow: until then an SMPP connector holds back unknown receipts. */
function resumeSubmitted(d: ReconcileDeps): void {
  const byConnector = new Map<string, ResumeItem[]>(d.pool.names.map((name) => [name, []]));
  for (const m of d.store.inStatus('submitted')) {
    // A submitted message carries the connector and id its `submitted` event recorded, but for one an operator
    // marked as sent by the bridge a backup was taken of (backup-verdict.ts): its report went to that bridge.
    const via = submittedVia(m);
    if (!via) continue;
    d.book.track(via.connector, via.connectorMessageId, m.id);
    const parts = deliveredParts(m);
    const list = byConnector.get(via.connector) ?? [];
    list.push({ id: m.id, to: m.to, connectorMessageId: via.connectorMessageId, ...(parts.length ? { deliveredParts: parts } : {}) });
    byConnector.set(via.connector, list);
  }
  for (const [name, items] of byConnector) {
    const connector = d.pool.get(name);
    if (connector) connector.resume(items);
    // Their reports cannot come any more; the receipt sweep expires them in time.
    else d.log('connector-gone', { connector: name, submitted: items.length });
  }
}
