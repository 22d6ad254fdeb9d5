/**
 * A handset's reply that reaches the clerk who sent the SMS, by mail. A
 * reply from H to D answers the most recent SMS handed to the carrier for H
 * from D within inbound.forward.windowHours (store/reply-index.ts); without
 * a readable D it is forwarded only when a single sender wrote to H within
 * the window. The reply is stored durably (one journal record) before the
 * connector answers the aggregator, and the notifier mails it from there
 * (notify/worker.ts), as it does confirmations: never lost, retried, and
 * only to the SMS's own account's addresses.
 *
 * Delivered again by the aggregator (its deliver_sm_resp or 200 was lost),
 * the same reply comes with nothing that tells it apart from a customer
 * sending the same words twice: the same handset, the same text answering
 * the same SMS within store.duplicateWindowHours counts as one reply.
 */
import { createHash } from 'node:crypto';
import type { InboundSms } from '../connectors/types.js';
import type { StoreReplyOutcome } from '../store/reply-store.js';
import type { ReplyMatch } from '../store/reply-index.js';
import type { InboundReply, SmsMessage } from '../store/types.js';
import { canonicalSender } from '../sms/canonical-sender.js';

export interface ReplyStore {
  replyMatch(handset: string, sender: string | undefined): ReplyMatch;
  storeReply(reply: InboundReply, key: string): Promise<StoreReplyOutcome>;
}

export interface ReplyForwarderOptions {
  store: ReplyStore;
  /** The SMS by id, live or archived (it may have finished long before the reply). */
  findSms: (id: string) => Promise<SmsMessage | undefined>;
  /** Whether an account's replies are forwarded (accounts[].forwardReplies, inheriting inbound.forward.enabled). */
  enabledFor: (account: string) => boolean;
  defaultCountry: string;
  /** A new unique id for a reply. */
  newId: () => string;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
}

export type ForwardOutcome = 'forwarded' | 'duplicate' | 'unmatched';

/** A reply as inbound.ts hands it over: the handset already in E.164. */
export type HandsetReply = InboundSms & { connector: string };

export class ReplyForwarder {
  constructor(private readonly o: ReplyForwarderOptions) {}

  /** Resolves once the reply is durable (or known, or matches nothing); rejects when the store cannot write it. */
  async forward(m: HandsetReply, keyword?: InboundReply['keyword']): Promise<ForwardOutcome> {
    const chars = [...m.text].length;
    // The text may be personal: logs keep its length only.
    const base = { number: m.from, to: m.to, connector: m.connector, chars, ...(keyword ? { keyword } : {}) };
    const unmatched = (reason: string): ForwardOutcome => {
      this.o.log('sms-reply-unmatched', { ...base, reason });
      return 'unmatched';
    };
    // A destination that is no sender ID (none, garbage) is as good as none: then only a single candidate is taken.
    const sender = m.to ? canonicalSender(m.to, this.o.defaultCountry) : undefined;
    const match = this.o.store.replyMatch(m.from, sender);
    if (!match.ok) return unmatched(match.reason);
    if (!this.o.enabledFor(match.sms.account)) return unmatched(`account "${match.sms.account}" does not forward replies`);
    const sms = await this.o.findSms(match.sms.id);
    if (!sms) return unmatched(`the SMS ${match.sms.id} it answers is no longer in the store`);
    const reply = buildReply(m, sms, { id: this.o.newId(), at: this.o.now(), sentAt: new Date(match.sms.at), sender: match.sms.sender, keyword });
    const out = await this.o.store.storeReply(reply, replyKey(reply));
    if (!out.stored) {
      this.o.log('sms-reply-duplicate', { ...base, msgId: sms.id, of: out.duplicateOf, reason: 'the same reply to the same SMS came before: taken as delivered again' });
      return 'duplicate';
    }
    this.o.log('sms-reply-received', { ...base, msgId: sms.id, replyId: reply.id, account: sms.account });
    return 'forwarded';
  }
}

/** What tells a reply from the aggregator's second delivery of it: the SMS it answers, the handset and the exact text. */
export function replyKey(r: Pick<InboundReply, 'answers' | 'from' | 'text'>): string {
  return `reply:${createHash('sha256').update(`${r.answers}\n${r.from}\n${r.text}`).digest('base64url')}`;
}

/** The reply as stored, with the copy of the answered SMS its mail needs. Pure. */
export function buildReply(
  m: HandsetReply, sms: SmsMessage, x: { id: string; at: Date; sentAt: Date; sender: string; keyword?: InboundReply['keyword'] },
): InboundReply {
  const at = x.at.toISOString();
  const { messageId, references, subject, from, envelopeFrom } = sms.mail;
  return {
    id: x.id, answers: sms.id, account: sms.account, from: m.from, to: m.to, text: m.text, chars: [...m.text].length,
    receivedAt: at, connector: m.connector, ...(x.keyword ? { keyword: x.keyword } : {}),
    original: {
      text: sms.text, sender: x.sender, ...(sms.sender ? {} : { connectorDefault: true as const }), to: sms.to, sentAt: x.sentAt.toISOString(),
      ...(sms.reference ? { reference: sms.reference } : {}),
      mail: { envelopeFrom, ...(messageId ? { messageId } : {}), ...(references ? { references } : {}), ...(subject !== undefined ? { subject } : {}), ...(from ? { from } : {}) },
    },
    forward: { attempts: 0, notBefore: at },
  };
}
