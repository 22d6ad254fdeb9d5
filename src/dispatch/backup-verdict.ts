/**
 * The operator's word on an SMS the backup caught while it was being handed
 * over (`mail2sms hold mark`), before the restore's hold is released. The
 * copy cannot tell whether the old bridge's handover went through; the old
 * bridge's log or the carrier's records can. Without such a word the release
 * settles it as its connector's onUncertain says (reconcile.ts).
 */
import type { LogFn } from '../log.js';
import type { MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import type { Actor } from './cancel.js';

/** sent: it went out before the backup (not sent again); not-sent: it did not (sent at the release). */
export type BackupVerdict = 'sent' | 'not-sent';

export type VerdictResult =
  | { ok: true; id: string; sms: SmsMessage }
  /** not-found: no such SMS (or another account's); not-uncertain: it is not one the backup caught (or the hold was released). */
  | { ok: false; id: string; reason: 'not-found' | 'not-uncertain'; message: string };

export interface VerdictDeps {
  store: MessageStore;
  /** Whether `m` is held in `submitting` by a restore's hold now (the dispatcher's list of them). */
  heldUncertain: (m: SmsMessage) => boolean;
  /** Runs `fn` while no attempt or release touches SMS `id`. */
  exclusive: <T>(id: string, fn: () => Promise<T>) => Promise<T | undefined>;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  now: () => Date;
  log: LogFn;
  /** Links `m`, just marked sent, to the receipts of `connector` with the carrier's id (restore-receipts.ts); absent: no receipts are kept. */
  link?: (m: SmsMessage, connector: string, carrierId: string) => Promise<void>;
}

/** `carrierId` (with sent): the SMSC's id of the SMS, from the old bridge's log or a receipt `mail2sms hold` lists. */
export async function markBackupVerdict(d: VerdictDeps, id: string, verdict: BackupVerdict, actor: Actor, carrierId?: string): Promise<VerdictResult> {
  const by = actor.who;
  const found = d.store.get(id);
  if (!found) return { ok: false, id, reason: 'not-found', message: `there is no SMS ${id} (unknown, or finished long ago)` };
  const done = await d.exclusive(id, async (): Promise<VerdictResult> => {
    const m = d.store.get(id)!;
    if (m.status !== 'submitting' || !d.heldUncertain(m)) {
      return { ok: false, id, reason: 'not-uncertain', message: `the SMS ${id} to ${m.to} is ${m.status}, not one the backup caught while it was being handed over (or the hold was released): nothing to mark` };
    }
    const connector = m.history.at(-1)!.connector;
    if (verdict === 'sent') {
      const report = carrierId ? `its delivery report, under the carrier's id ${carrierId}, settles it` : 'its delivery report went to that bridge';
      const reason = `handed to the carrier${connector ? ` through ${connector}` : ''} by the bridge the backup was taken of, as ${by} found; not sent again (${report})`;
      await recordSentBefore(d, m, { reason, by, person: actor.person, connector, ...(carrierId ? { connectorMessageId: carrierId } : {}) });
      if (carrierId && connector) await d.link?.(d.store.get(id) ?? m, connector, carrierId);
    } else {
      const at = d.now().toISOString();
      const reason = `not handed to the carrier before the backup, as ${by} found: sent when the hold after the restore is released`;
      await d.store.transition(id, { event: { status: 'accepted', at, reason, by, backup: 'not-sent' }, notBefore: at });
      d.log('sms-backup-verdict', { msgId: id, to: m.to, account: m.account, verdict, by: actor.person ?? by, connector });
    }
    return { ok: true, id, sms: d.store.get(id) ?? m };
  });
  return done ?? { ok: false, id, reason: 'not-uncertain', message: `the SMS ${id} to ${found.to} is being handed to the carrier right now: nothing to mark` };
}

/**
 * Settles `m` as handed over by the bridge the backup was taken of, whoever found it out (an operator's verdict, or
 * a delivery report: backup-report.ts): its `submitted` event, confirmed as any, and the audited verdict line.
 */
export async function recordSentBefore(
  d: Pick<VerdictDeps, 'store' | 'wantsConfirmation' | 'now' | 'log'>, m: SmsMessage,
  s: { reason: string; by: string; person?: string; connector?: string; connectorMessageId?: string; was?: string },
): Promise<void> {
  const { reason, by, person, connector, connectorMessageId, was } = s;
  const event = { status: 'submitted' as const, at: d.now().toISOString(), reason, by, backup: 'sent' as const, ...(connector ? { connector } : {}), ...(connectorMessageId !== undefined ? { connectorMessageId } : {}) };
  await d.store.transition(m.id, { event, confirm: d.wantsConfirmation(m, 'submitted') });
  d.log('sms-backup-verdict', { msgId: m.id, to: m.to, account: m.account, verdict: 'sent', by: person ?? by, connector, ...(connectorMessageId !== undefined ? { connectorMessageId } : {}), ...(was !== undefined ? { was } : {}) });
}
