/**
 * Cancelling a queued or scheduled SMS: by a reply to its confirmation,
 * through the REST API or the CLI. An SMS that a connector has (or may
 * have) taken cannot be called back, so it is refused; one that is being
 * handed over at this moment is refused too, and the dispatcher keeps off an
 * SMS while its cancel is written, so the two can never both happen.
 */
import type { MessageStore, SmsMessage, SmsStatus } from '../store/types.js';
import { formatTime } from '../notify/times.js';

/**
 * Who acts on an SMS. `who` goes into its history, which clerks (mails, in their language: notify/wording),
 * callbacks, the API and the portal read; `person` is the one who ran the command line, named only in the log
 * and the audit trail: "alice (as mail2sms) on the command line" where `who` is "the operator (command line)".
 */
export interface Actor {
  /** E.g. 'reply from clerk@acme.test', 'api user erp-acme', 'the operator (command line)'. */
  who: string;
  person?: string;
}

/** Who asks, for the status history and the check that they may. */
export interface CancelBy extends Actor {
  /** When given, the SMS must belong to this account; otherwise it is "not found" (nothing is revealed about others' SMS). */
  account?: string;
  /** The zone a refusal's times are written in for its reader (a clerk's: their confirmations'); absent: ISO 8601 in UTC. */
  timeZone?: string;
}

export type CancelResult =
  | { ok: true; id: string; status: 'cancelled'; sms: SmsMessage }
  /**
   * not-found: no such SMS waiting (unknown id, another account's, or already archived);
   * too-late: handed to the carrier, or being handed over right now;
   * final: it already ended (delivered, failed, cancelled …).
   */
  | { ok: false; id: string; reason: 'not-found' | 'too-late' | 'final'; status?: SmsStatus; message: string; sms?: SmsMessage };

export interface CancelDeps {
  store: MessageStore;
  /** Runs `fn` while the dispatcher keeps off SMS `id`; undefined when the dispatcher is handing it over right now. */
  exclusive: <T>(id: string, fn: () => Promise<T>) => Promise<T | undefined>;
  wantsConfirmation: (sms: SmsMessage, status: SmsStatus) => boolean;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
}

export async function cancelSms(deps: CancelDeps, id: string, by: CancelBy): Promise<CancelResult> {
  const found = deps.store.get(id);
  if (!found || (by.account !== undefined && found.account !== by.account)) {
    return { ok: false, id, reason: 'not-found', message: `there is no SMS ${id} waiting to be sent (unknown, or finished long ago)` };
  }
  const done = await deps.exclusive(id, async (): Promise<CancelResult> => {
    const m = deps.store.get(id)!;
    const refused = refusal(m, by.timeZone);
    if (refused) return refused;
    const event = { status: 'cancelled' as const, at: deps.now().toISOString(), reason: `by ${by.who}`, by: by.who };
    await deps.store.transition(id, { event, confirm: deps.wantsConfirmation(m, 'cancelled') });
    deps.log('sms-cancelled', { msgId: id, to: m.to, by: by.person ?? by.who });
    return { ok: true, id, status: 'cancelled', sms: m };
  });
  return done ?? { ok: false, id, reason: 'too-late', status: 'submitting', message: `the SMS ${id} to ${found.to} is being handed to the carrier right now and can no longer be cancelled` };
}

/** Why `m` cannot be cancelled (undefined: it can), its times in `timeZone` when given. Exported for its test. */
export function refusal(m: SmsMessage, timeZone?: string): CancelResult | undefined {
  if (m.status === 'accepted') return undefined;
  if (m.status === 'submitting' || m.status === 'submitted') {
    const at = [...m.history].reverse().find((e) => e.status === 'submitting')?.at ?? m.history.at(-1)!.at;
    return { ok: false, id: m.id, reason: 'too-late', status: m.status, message: `the SMS ${m.id} to ${m.to} was handed to the carrier at ${timeZone ? formatTime(at, timeZone) : at} and can no longer be cancelled` };
  }
  const ended = [...m.history].reverse().find((e) => e.status === m.status)?.at ?? m.history.at(-1)!.at;
  return { ok: false, id: m.id, reason: 'final', status: m.status, message: `the SMS ${m.id} to ${m.to} was already ${m.status} at ${timeZone ? formatTime(ended, timeZone) : ended} and cannot be cancelled`, sms: m };
}
