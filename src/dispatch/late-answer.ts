/**
 * A connector's answer to a submit it had reported uncertain, come after
 * all (SMPP: a late submit_sm_resp). By then the dispatcher acted on the
 * doubt: under onUncertain `fail` the SMS is `failed` (not confirmed) and
 * the sender may have been told; under `resend` it waits for its retry or
 * went out again. The answer settles the doubt:
 *
 * - taken, the SMS failed as not confirmed: a correction to `submitted`
 *   with the connector's id, so its receipts are matched and it can still
 *   be delivered; the sender, told it was not confirmed, hears the outcome.
 * - taken, a resend waiting for its retry: `submitted` now, not sent again.
 * - taken, and already reported failed (a late report, LateAnswer.final):
 *   one correction straight to that status, not `submitted` and then it.
 * - taken, sent again meanwhile: it went twice. Recorded in its history as
 *   a note beside the status it has, logged at warn (sms-sent-twice).
 * - not taken (or only some parts), the SMS failed as not confirmed: a
 *   correction to `failed` that says so: now the sender may send it again.
 *
 * Only the live store can change. An SMS failed as not confirmed stays
 * there while its answer can come (SubmitResult.answerable, Recorder.uncertain);
 * one archived otherwise (final, its confirmations sent, compacted away) is
 * logged with both ids for an operator and left as it is.
 */
import type { LateAnswer } from '../connectors/types.js';
import type { LogFn } from '../log.js';
import type { MessageStore, SmsMessage, StatusEvent } from '../store/types.js';
import type { Recorder } from './record.js';

export interface LateAnswerDeps {
  store: MessageStore;
  record: Recorder;
  log: LogFn;
  /** Runs `fn` while no attempt to send the SMS is under way; undefined when one is (WorkLoop.exclusive). */
  exclusive: <T>(id: string, fn: () => Promise<T>) => Promise<T | undefined>;
}

/** An attempt under way (a resend) is waited for this often, at most BUSY_TRIES times (it ends within the connectors' timeouts). */
const BUSY_WAIT_MS = 50;
const BUSY_TRIES = 6000;

/** Resolves to true when the SMS is now followed as submitted through `connector` (its receipts are wanted). */
export async function settleLateAnswer(d: LateAnswerDeps, connector: string, a: LateAnswer): Promise<boolean> {
  for (let i = 0; i < BUSY_TRIES; i++) {
    const done = await d.exclusive(a.id, async () => ({ follow: await settle(d, connector, a) }));
    if (done) return done.follow;
    await new Promise((r) => setTimeout(r, BUSY_WAIT_MS));
  }
  logged(d, connector, a, { recorded: false, why: 'an attempt to send the SMS was under way all along' });
  return false;
}

async function settle(d: LateAnswerDeps, connector: string, a: LateAnswer): Promise<boolean> {
  const m = d.store.get(a.id);
  if (!m) return logged(d, connector, a, { recorded: false, why: 'the SMS is no longer in the live store (archived); its record was not changed' });
  const at = a.at.toISOString();
  const detail = `${connector}: ${a.detail}`;
  const notConfirmed = uncertainFailure(m, connector);
  if (a.outcome === 'accepted') return settleTaken(d, m, connector, a, notConfirmed);
  if (notConfirmed) {
    const reason = a.outcome === 'refused'
      ? 'the carrier answered late that it did not take the SMS: it was not sent, and you can send it again'
      : 'the carrier answered late that it took only part of the SMS: the recipient may have received an incomplete message';
    // Its outcome now, no longer "not confirmed": logged as the SMS's outcome (sms-final, late) like any final status.
    await d.record.lateFinal(m, { status: 'failed', at, connector, reason, detail });
    return logged(d, connector, a, { recorded: true, status: 'failed' }, false);
  }
  // Sent again (or waiting to be): the doubt about the first copy is settled, nothing else changes.
  await d.record.late(m, { status: m.status, at, connector, reason: `${connector} answered late: ${a.detail}`, detail }, 'note');
  return logged(d, connector, a, { recorded: true, status: m.status }, false);
}

/** `connector` took the SMS after all. */
async function settleTaken(d: LateAnswerDeps, m: SmsMessage, connector: string, a: LateAnswer, notConfirmed: boolean): Promise<boolean> {
  const at = a.at.toISOString();
  const detail = `${connector}: ${a.detail}`;
  const submitted: StatusEvent = { status: 'submitted', at, connector, connectorMessageId: a.connectorMessageId!, detail, ...(a.sender ? { sender: a.sender } : {}) };
  if (a.final && (notConfirmed || m.status === 'accepted')) {
    // Taken, and already known to have failed (a late report): one correction to the outcome, one mail.
    const { status, reason } = a.final;
    await d.record.lateFinal(m, { ...submitted, status, at: a.final.at.toISOString(), reason: reason ?? `the carrier took the SMS late, and reported it ${status}` });
    return logged(d, connector, a, { recorded: true, status, taken: true });
  }
  if (notConfirmed) {
    await d.record.late(m, { ...submitted, reason: 'the carrier confirmed late that it took the SMS: it was sent once, and its delivery report is awaited' }, 'correction');
    return logged(d, connector, a, { recorded: true, status: 'submitted' }, true);
  }
  if (m.status === 'accepted') {
    await d.record.late(m, { ...submitted, reason: 'the carrier confirmed late that it took the SMS: not sent again' }, 'correction');
    return logged(d, connector, a, { recorded: true, status: 'submitted' }, true);
  }
  const reason = `sent twice: ${connector} took the SMS after all (id ${a.connectorMessageId}), after it had been sent again`;
  await d.record.late(m, { status: m.status, at, connector, reason, detail }, 'note');
  d.log('sms-sent-twice', { msgId: m.id, to: m.to, connector, connectorMessageId: a.connectorMessageId, status: m.status, account: m.account });
  return logged(d, connector, a, { recorded: true, status: m.status }, false);
}

/** The SMS failed as not confirmed by `connector`, and nothing happened since. */
function uncertainFailure(m: SmsMessage, connector: string): boolean {
  const last = m.history.at(-1);
  return m.status === 'failed' && last?.uncertain === true && last.connector === connector;
}

function logged(d: LateAnswerDeps, connector: string, a: LateAnswer, what: { recorded: boolean; status?: string; why?: string; taken?: boolean }, follow = false): boolean {
  d.log('sms-late-answer', {
    msgId: a.id, connector, outcome: a.outcome, ...(a.connectorMessageId ? { connectorMessageId: a.connectorMessageId } : {}), detail: a.detail, ...what,
  });
  return follow;
}
