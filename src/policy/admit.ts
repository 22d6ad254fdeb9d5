import type { Account } from '../accounts/types.js';
import type { SmsBatch } from '../mail/to-sms.js';
import { errors, SmtpError } from '../smtp/errors.js';
import type { AcceptOutcome, MessageStore } from '../store/types.js';
import type { Policy } from './policy.js';

export interface AdmitDeps {
  policy: Pick<Policy, 'reserve'>;
  store: Pick<MessageStore, 'accept'>;
  log: (evt: string, data: Record<string, unknown>) => void;
}

/**
 * The last step of taking SMS in, for mail (DATA) and the REST API alike:
 * the batch is reserved against the account's limits, so that concurrent
 * sessions cannot together slip past one, then stored durably; the
 * reservation becomes the account's count only for what was stored. A
 * resolved outcome means every stored SMS is durable (250 or 201 may be
 * given); a refusal or a store that cannot write resolve with the
 * SmtpError to answer.
 */
export async function admit(deps: AdmitDeps, account: Account, batch: SmsBatch, ctx: Record<string, unknown>): Promise<AcceptOutcome | SmtpError> {
  // SMS stored as cancelled (to an opted-out number, optout-screen.ts) never go: they take no quota, rate or per-number share.
  const going = batch.messages.filter((m) => m.status !== 'cancelled');
  const held = deps.policy.reserve(account, going);
  if (held instanceof SmtpError) return held;
  let outcome: AcceptOutcome;
  try {
    outcome = await deps.store.accept(batch);
  } catch (e) {
    held.release();
    deps.log('store-write-failed', { ...ctx, error: (e as Error).message });
    return errors.StoreUnavailable();
  }
  const suppressed = new Set(outcome.suppressed.map((d) => d.id));
  // SMS answered as duplicates by content are stored (cancelled) but never sent: they take no rate or per-number share.
  held.commit(going.filter((m) => outcome.stored.includes(m.id) && !suppressed.has(m.id)));
  return outcome;
}
