/**
 * SMS from handsets (mobile-originated replies) that connectors receive:
 * a STOP puts the sender's number on the opt-out list, a START takes it off
 * again if a STOP had put it there (an operator's entry stays: that was
 * somebody's decision, not the owner's). Everything else is logged and
 * left: the bridge sends SMS, it has no mailbox for replies.
 *
 * With inbound.answer on, a STOP or START that changed the list is answered
 * with an SMS (keyword-answer.ts).
 *
 * The connector answers the aggregator (SMPP deliver_sm_resp) only once
 * handle() has resolved, so a STOP is on the list, and its answer in the
 * store, durably, before the aggregator forgets it; if writing either fails,
 * handle() throws and the aggregator sends it again. That second delivery
 * finds the number on the list and asks for the same answer again, which
 * the store keeps only once.
 */
import type { InboundSms } from '../connectors/types.js';
import type { AnswerRequest } from './keyword-answer.js';
import { normalizeNumber, type OptOutList } from './optout.js';
import { keywordOf } from './stop-words.js';

export interface InboundDeps {
  optout: Pick<OptOutList, 'add' | 'remove' | 'origin' | 'addedAt'>;
  /** Whether STOP and START replies are acted on (inbound.keywords). */
  keywords: boolean;
  /** For senders the aggregator gives as national numbers (TON 2, leading 0). */
  defaultCountry: string;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
  /** Stores the SMS answering a STOP or START (inbound.answer), resolving once it is durable; absent when answers are off. */
  answer?: (a: AnswerRequest) => Promise<unknown>;
}

export type InboundOutcome = 'opted-out' | 'already-out' | 'opted-in' | 'kept-out' | 'not-out' | 'ignored';

export async function handleInbound(reply: InboundSms & { connector: string }, deps: InboundDeps): Promise<InboundOutcome> {
  const n = reply.from.startsWith('+') ? { e164: reply.from } : normalizeNumber(reply.from, deps.defaultCountry);
  if ('error' in n) {
    deps.log('sms-inbound', { number: reply.from, to: reply.to, connector: reply.connector, action: 'none: the sender is not a phone number' });
    return 'ignored';
  }
  const m = { ...reply, from: n.e164 };
  const base = { number: m.from, to: m.to, connector: m.connector };
  const keyword = deps.keywords ? keywordOf(m.text) : undefined;
  if (!keyword) {
    // The text may be personal: only its length is logged.
    deps.log('sms-inbound', { ...base, chars: [...m.text].length, action: 'none' });
    return 'ignored';
  }
  const origin = deps.optout.origin(m.from);
  const answer = (word: AnswerRequest['keyword'], entryAddedAt: string | undefined) =>
    (deps.answer && entryAddedAt ? deps.answer({ keyword: word, number: m.from, to: m.to, connector: m.connector, entryAddedAt }) : undefined);
  if (keyword === 'opt-out') {
    if (origin) {
      // Its own STOP again, maybe the same one re-delivered because its answer was not stored: asked for once more under the same key.
      if (origin === 'sms') await answer('STOP', deps.optout.addedAt(m.from));
      deps.log('sms-inbound', { ...base, keyword: 'STOP', action: 'already on the opt-out list' });
      return 'already-out';
    }
    const at = deps.now();
    await deps.optout.add(m.from, at, `replied "${m.text.trim().slice(0, 40)}" to ${m.to} via ${m.connector}`, 'sms');
    deps.log('optout-added', { ...base, by: 'sms' });
    await answer('STOP', at.toISOString());
    return 'opted-out';
  }
  if (origin === 'sms') {
    // Answered while the entry still exists: if that fails the number stays out and the START comes again, finding the same entry.
    await answer('START', deps.optout.addedAt(m.from));
    await deps.optout.remove(m.from);
    deps.log('optout-removed', { ...base, by: 'sms' });
    return 'opted-in';
  }
  deps.log('sms-inbound', { ...base, keyword: 'START', action: origin ? `stays on the opt-out list (added by the ${origin === 'config' ? 'configuration' : 'operator'})` : 'was not on the opt-out list' });
  return origin ? 'kept-out' : 'not-out';
}

/**
 * Replies handled one at a time per sender: a STOP delivered again while the
 * first delivery is still being written (over a second bind, say) must find
 * the first one's entry, not make a second entry with a second answer.
 */
export class InboundReplies {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: InboundDeps) {}

  handle(reply: InboundSms & { connector: string }): Promise<InboundOutcome> {
    // Tails never reject: one reply's failure (answered to its SMSC) does not stop the next.
    const run = (this.tails.get(reply.from) ?? Promise.resolve()).then(() => handleInbound(reply, this.deps));
    const tail = run.then(() => undefined, () => undefined);
    this.tails.set(reply.from, tail);
    void tail.then(() => {
      if (this.tails.get(reply.from) === tail) this.tails.delete(reply.from);
    });
    return run;
  }
}
