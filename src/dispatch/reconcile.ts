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
}

export async function reconcile(d: ReconcileDeps): Promise<void> {
  for (const m of d.store.inStatus('submitting')) await settleSubmitting(d, m);
  resumeSubmitted(d);
}

async function settleSubmitting(d: ReconcileDeps, m: SmsMessage): Promise<void> {
  // Journals written before connectors had names in `submitting` events had exactly one connector: the first.
  const name = m.history.at(-1)!.connector ?? d.pool.names[0];
  const connector = d.pool.get(name);
  if (!connector) {
    d.log('reconciled', { msgId: m.id, connector: name, found: 'connector-gone' });
    return d.record.finish(m, 'failed', `interrupted while being handed to connector "${name}", which is no longer configured, so nobody can tell whether it arrived; not sent again to avoid a duplicate`);
  }
  const found = await connector.lookup(m.id);
  d.log('reconciled', { msgId: m.id, connector: name, found: found.found });
  if (found.found === true) return d.record.submitted(m, name, found.connectorMessageId, `taken by ${name} before a restart`);
  if (found.found === false) return d.record.requeue(m, `not taken by ${name} before a restart; sending again`);
  if (d.pool.onUncertain(name) === 'resend') {
    d.log('sms-possible-duplicate', { msgId: m.id, to: m.to, connector: name, reason: 'interrupted by a restart' });
    return d.record.requeue(m, `possibly duplicated: interrupted while being handed to ${name}, which cannot tell whether it took it; sending again (onUncertain resend)`);
  }
  // The protocol cannot tell whether it went out; sending again could double it. Not confirmed, as after a lost answer:
  // worded so for the sender, not counted by the fraud brake, and settled by a late report that names it (late-report.ts).
  return d.record.uncertain(m, name, 'interrupted by a restart while being handed over, and the connector cannot tell whether it took the SMS');
}

/** Every connector hears resume() once, even with nothing to follow: until then an SMPP connector holds back unknown receipts. */
function resumeSubmitted(d: ReconcileDeps): void {
  const byConnector = new Map<string, ResumeItem[]>(d.pool.names.map((name) => [name, []]));
  for (const m of d.store.inStatus('submitted')) {
    // A submitted message always carries the connector and id its `submitted` event recorded.
    const via = submittedVia(m)!;
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
