/**
 * SMS from handsets (mobile-originated replies) that connectors receive:
 * a STOP puts the sender's number on the opt-out list for the number or
 * short code it was sent to (optout-scope.ts), a STOP ALL for every sender;
 * a START takes off what the handset's own STOPs put there for that sender
 * (an operator's entry stays: that was somebody's decision, not the
 * owner's) and lets that sender through its STOP ALL, a START ALL ends
 * every entry of its own. Any other reply goes to the clerk who sent the
 * SMS it answers, by mail (reply-forward.ts), and so do a STOP and a START
 * that took effect for that SMS's sender: they matter to the clerk (the
 * customer will not get the next reminder from there). A reply that
 * answers nothing is logged (its length only) and left.
 *
 * With inbound.answer on, a STOP or START that changed the list is answered
 * with an SMS (keyword-answer.ts).
 *
 * The connector answers the aggregator (SMPP deliver_sm_resp) only once
 * handle() has resolved, so a STOP is on the list, and its answer in the
 * store, durably, before the aggregator forgets it; if writing either fails,
 * handle() throws and the aggregator sends it again. That second delivery
 * finds the entry on the list and asks for the same answer again, which
 * the store keeps only once.
 */
import type { InboundSms } from '../connectors/types.js';
import { canonicalSender } from '../sms/canonical-sender.js';
import { sameSender } from '../sms/sender-id.js';
import type { AnswerRequest } from './keyword-answer.js';
import type { ForwardOutcome, HandsetReply } from './reply-forward.js';
import { normalizeNumber, type OptOutEntry, type OptOutList } from './optout.js';
import { excepts, scopeOf } from './optout-scope.js';
import { keywordOf } from './stop-words.js';

export interface InboundDeps {
  optout: Pick<OptOutList, 'add' | 'removeAll' | 'allow' | 'find' | 'entries'>;
  /** Whether STOP and START replies are acted on (inbound.keywords). */
  keywords: boolean;
  /** For senders the aggregator gives as national numbers (TON 2, leading 0), and for what the reply was sent to. */
  defaultCountry: string;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
  /** Stores the SMS answering a STOP or START (inbound.answer), resolving once it is durable; absent when answers are off. */
  answer?: (a: AnswerRequest) => Promise<unknown>;
  /** Stores a reply for its mail to the SMS's sender (inbound.forward), resolving once it is durable; absent when replies are not forwarded. */
  forward?: (m: HandsetReply, keyword?: 'STOP' | 'START') => Promise<ForwardOutcome>;
}

export type InboundOutcome = 'opted-out' | 'already-out' | 'opted-in' | 'kept-out' | 'not-out' | 'forwarded' | 'ignored';

/** One keyword reply being handled: the handset (E.164), its reply, and the sender its entry is about (undefined: every sender). */
interface Ask {
  reply: InboundSms & { connector: string };
  base: Record<string, unknown>;
  scope: string | undefined;
  all: boolean;
  deps: InboundDeps;
}

export async function handleInbound(reply: InboundSms & { connector: string }, deps: InboundDeps): Promise<InboundOutcome> {
  const n = reply.from.startsWith('+') ? { e164: reply.from } : normalizeNumber(reply.from, deps.defaultCountry);
  if ('error' in n) {
    deps.log('sms-inbound', { number: reply.from, to: reply.to, connector: reply.connector, action: 'none: the sender is not a phone number' });
    return 'ignored';
  }
  const m = { ...reply, from: n.e164 };
  const base = { number: m.from, to: m.to, connector: m.connector };
  const said = deps.keywords ? keywordOf(m.text) : undefined;
  if (!said) {
    const forwarded = deps.forward ? await deps.forward(m) : undefined;
    // The text may be personal: only its length is logged.
    deps.log('sms-inbound', { ...base, chars: [...m.text].length, action: forwarded === 'forwarded' ? 'forwarded to the sender' : forwarded === 'duplicate' ? 'forwarded before' : 'none' });
    return forwarded === 'forwarded' || forwarded === 'duplicate' ? 'forwarded' : 'ignored';
  }
  // A destination we cannot read as a sender (none given, garbage) makes a STOP one for every sender: the owner's wish wins.
  const scope = said.all ? undefined : canonicalSender(m.to, deps.defaultCountry);
  const ask: Ask = { reply: m, base, scope, all: said.all, deps };
  const outcome = await (said.keyword === 'opt-out' ? optOut(ask) : optIn(ask));
  // Told to the clerk only where it holds for the SMS's sender: not a START while an operator's or the configuration's entry may still keep it out.
  if (outcome === 'opted-out' || outcome === 'already-out') await deps.forward?.(m, 'STOP');
  if (outcome === 'opted-in' && deps.optout.entries(m.from).every((e) => e.source === 'sms')) await deps.forward?.(m, 'START');
  return outcome;
}

async function optOut(a: Ask): Promise<InboundOutcome> {
  const { reply: m, deps } = a;
  const existing = deps.optout.find(m.from, a.scope);
  // A STOP ALL after STARTs to some senders: every sender again, so a fresh entry without the exceptions (and its own answer).
  if (existing && !existing.except?.length) {
    // Its own STOP again, maybe the same one re-delivered because its answer was not stored: asked for once more under the same key.
    if (existing.source === 'sms') await answer(a, 'STOP', existing);
    deps.log('sms-inbound', { ...a.base, keyword: 'STOP', ...scopeOf(a.scope), action: 'already on the opt-out list' });
    return 'already-out';
  }
  const at = deps.now();
  const entry: OptOutEntry = { number: m.from, source: 'sms', addedAt: at.toISOString(), ...(a.scope !== undefined ? { sender: a.scope } : {}) };
  await deps.optout.add(m.from, at, { note: `replied "${m.text.trim().slice(0, 40)}" to ${m.to || 'us'} via ${m.connector}`, via: 'sms', sender: a.scope });
  deps.log('optout-added', { ...a.base, by: 'sms', ...scopeOf(a.scope) });
  await answer(a, 'STOP', entry);
  return 'opted-out';
}

/**
 * A START ends the handset's own STOP to this sender, and lets this sender
 * through its STOP ALL (or a STOP from before entries were scoped, which
 * kept this sender away too): the entry for every sender stays for the
 * others, which the owner did not ask back. STOPs to other senders stay.
 * START ALL ends all of its own. A START that names no sender we can read
 * ends the entries for every sender, as a STOP without one made them.
 */
async function optIn(a: Ask): Promise<InboundOutcome> {
  const { reply: m, deps } = a;
  const narrow = !a.all && a.scope !== undefined ? a.scope : undefined;
  const concerns = (e: OptOutEntry) =>
    a.all || (e.sender === undefined ? narrow === undefined || !excepts(e, narrow) : narrow !== undefined && sameSender(e.sender, narrow));
  const entries = deps.optout.entries(m.from).filter(concerns);
  // The entry for this very sender first: its time keys the answer.
  const own = entries.filter((e) => e.source === 'sms').sort((x, y) => Number(x.sender === undefined) - Number(y.sender === undefined));
  const kept = entries.filter((e) => e.source !== 'sms');
  const stays = kept.length ? `stays on the opt-out list (added by the ${kept[0]!.source === 'config' ? 'configuration' : 'operator'})` : undefined;
  if (!own.length) {
    deps.log('sms-inbound', { ...a.base, keyword: 'START', ...scopeOf(a.scope), action: stays ?? 'was not on the opt-out list' });
    return stays ? 'kept-out' : 'not-out';
  }
  // Answered while the entries still exist: if that fails the number stays out and the START comes again, finding the same entries.
  // Keyed by this sender too when an entry for every sender lets it through, so that a START to each of several senders is answered.
  await answer(a, 'START', own[0]!, own[0]!.sender ?? narrow);
  const ended = narrow === undefined ? own : own.filter((e) => e.sender !== undefined);
  await deps.optout.removeAll(m.from, ended.map((e) => e.sender));
  for (const e of ended) deps.log('optout-removed', { ...a.base, by: 'sms', ...scopeOf(e.sender), ...(stays ? { action: stays } : {}) });
  if (narrow !== undefined && own.some((e) => e.sender === undefined)) {
    await deps.optout.allow(m.from, narrow);
    deps.log('optout-narrowed', { ...a.base, by: 'sms', scope: 'all', allowed: narrow, ...(stays ? { action: stays } : {}) });
  }
  return 'opted-in';
}

function answer(a: Ask, keyword: AnswerRequest['keyword'], entry: OptOutEntry, keySender = entry.sender): Promise<unknown> | undefined {
  const { reply: m, deps } = a;
  if (!deps.answer || !entry.addedAt) return undefined;
  return deps.answer({
    keyword, number: m.from, to: m.to, connector: m.connector, entryAddedAt: entry.addedAt, ...(keySender !== undefined ? { entrySender: keySender } : {}),
  });
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
