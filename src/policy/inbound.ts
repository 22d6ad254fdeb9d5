/**
 * SMS from handsets (mobile-originated replies) that connectors receive:
 * a STOP puts the sender's number on the opt-out list, a START takes it off
 * again if a STOP had put it there (an operator's entry stays: that was
 * somebody's decision, not the owner's). Everything else is logged and
 * left: the bridge sends SMS, it has no mailbox for replies.
 *
 * The connector answers the aggregator (SMPP deliver_sm_resp) only once
 * handle() has resolved, so a STOP is on the list, durably, before the
 * aggregator forgets it; if writing fails, handle() throws and the
 * aggregator sends it again.
 */
import type { InboundSms } from '../connectors/types.js';
import { normalizeNumber, type OptOutList } from './optout.js';
import { keywordOf } from './stop-words.js';

export interface InboundDeps {
  optout: Pick<OptOutList, 'add' | 'remove' | 'origin'>;
  /** Whether STOP and START replies are acted on (inbound.keywords). */
  keywords: boolean;
  /** For senders the aggregator gives as national numbers (TON 2, leading 0). */
  defaultCountry: string;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
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
  if (keyword === 'opt-out') {
    if (origin) {
      deps.log('sms-inbound', { ...base, keyword: 'STOP', action: 'already on the opt-out list' });
      return 'already-out';
    }
    await deps.optout.add(m.from, deps.now(), `replied "${m.text.trim().slice(0, 40)}" to ${m.to} via ${m.connector}`, 'sms');
    deps.log('optout-added', { ...base, by: 'sms' });
    return 'opted-out';
  }
  if (origin === 'sms') {
    await deps.optout.remove(m.from);
    deps.log('optout-removed', { ...base, by: 'sms' });
    return 'opted-in';
  }
  deps.log('sms-inbound', { ...base, keyword: 'START', action: origin ? `stays on the opt-out list (added by the ${origin === 'config' ? 'configuration' : 'operator'})` : 'was not on the opt-out list' });
  return origin ? 'kept-out' : 'not-out';
}
