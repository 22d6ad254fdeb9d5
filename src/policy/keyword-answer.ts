/**
 * The SMS that confirms a handset's STOP or START (inbound.answer): carriers'
 * rules (CTIA in the US, many aggregators' terms) expect one, e.g. "You will
 * receive no more messages from this number. Reply START to receive them
 * again."
 *
 * It goes the way every SMS goes: stored durably (so it is never lost), then
 * routed and dispatched, with a delivery report. It comes from the number or
 * short code the handset wrote to, so it lands in the same conversation. It
 * is the one SMS that passes the opt-out list (OptOutList.refusal), and it
 * is sent once per change of the list: its duplicate key is made of the
 * keyword, the number and the time (and sender) of the opt-out entry it is
 * about, so an SMSC that sends the same STOP again (its deliver_sm_resp was
 * lost) finds the answer already stored.
 */
import type { LogFn } from '../log.js';
import { dedupKey } from '../mail/to-sms.js';
import { analyzeText, withUdh } from '../sms/segments.js';
import type { UdhOf } from '../dispatch/udh-size.js';
import { canonicalSender } from '../sms/canonical-sender.js';
import type { AcceptOutcome, MessageStore, SmsMessage } from '../store/types.js';

export type AnswerKeyword = NonNullable<SmsMessage['answerTo']>['keyword'];

/** An answer policy/inbound.ts asks for. */
export interface AnswerRequest {
  keyword: AnswerKeyword;
  /** The handset, E.164. */
  number: string;
  /** What the reply was sent to (our number or short code), as the connector gave it; '' when it did not say. */
  to: string;
  /** The connector the reply came through. */
  connector: string;
  /** When the opt-out entry was made that the STOP made or the START ends (ISO 8601): one answer per entry and keyword. */
  entryAddedAt: string;
  /** The sender that entry is about; absent for one about every sender (a STOP ALL, or from before entries were scoped). */
  entrySender?: string;
}

/** config.inbound.answer, resolved (the account named), with what the SMS rules need. */
export interface AnswerSettings {
  stopText: string;
  startText: string;
  account: string;
  /** Sender when the reply's destination is no usable sender ID; '' for the connector's default. */
  sender: string;
  transliterate: boolean;
  defaultCountry: string;
  /** The UDH the answer is counted with, by its route (src/dispatch/udh-size.ts); the standard one when absent. */
  udhOf?: UdhOf;
}

/**
 * The sender of the answer: what the reply was sent to, in the canonical
 * sender-ID form (a national number read in the default country), else the
 * configured one, else none (the connector's default). Pure.
 */
export function answerSender(to: string, fallback: string, defaultCountry: string): string | undefined {
  return canonicalSender(to, defaultCountry) ?? (fallback || undefined);
}

/** The answer as stored, and its duplicate key. Pure: the id and the time come in. */
export function buildAnswer(req: AnswerRequest, s: AnswerSettings, mailId: string, now: Date): { message: SmsMessage; key: string } {
  const at = now.toISOString();
  const drafted = analyzeText(req.keyword === 'STOP' ? s.stopText : s.startText, { transliterate: s.transliterate });
  const sender = answerSender(req.to, s.sender, s.defaultCountry);
  const sms = s.udhOf ? withUdh(drafted, s.udhOf({ to: req.number, account: s.account, sender, ...drafted })) : drafted;
  const message: SmsMessage = {
    id: `${mailId}.1`, mailId, account: s.account, to: req.number,
    text: sms.text, encoding: sms.encoding, segments: sms.segments,
    ...(sender ? { sender } : {}),
    // Nobody to confirm to: the null sender, as for a bounce.
    mail: { envelopeFrom: '', rcptTo: req.number, receivedAt: at },
    answerTo: { keyword: req.keyword, connector: req.connector },
    notify: 'none',
    status: 'accepted',
    history: [{ status: 'accepted', at, reason: `answers the ${req.keyword} ${req.number} sent to ${req.to || 'us'} (${req.connector})` }],
    attempts: 0,
    notBefore: at,
    confirmations: [],
  };
  // A number may have entries for several senders made in the same millisecond; an entry for every sender keeps the key it had before entries were scoped.
  const entry = req.entrySender === undefined ? req.entryAddedAt : `${req.entryAddedAt}:${req.entrySender}`;
  return { message, key: dedupKey(s.account, `answer:${req.keyword}:${entry}`, req.number) };
}

export interface KeywordAnswersOptions {
  store: Pick<MessageStore, 'accept'>;
  settings: AnswerSettings;
  /** store.duplicateWindowHours: how long the store remembers a key. */
  duplicateWindowHours: number;
  newMailId: () => string;
  now: () => Date;
  log: LogFn;
}

export type AnswerOutcome = 'stored' | 'duplicate' | 'too-old';

export class KeywordAnswers {
  constructor(private readonly o: KeywordAnswersOptions) {}

  /**
   * Resolves once the answer is durable ('stored'), or was already
   * ('duplicate'); rejects when the store cannot write, so the caller does
   * not acknowledge the reply. An entry older than the store remembers keys
   * gets none ('too-old'): its answer may have gone, and a second must not.
   */
  async send(req: AnswerRequest): Promise<AnswerOutcome> {
    const now = this.o.now();
    const base = { to: req.number, keyword: req.keyword, connector: req.connector };
    if (now.getTime() - Date.parse(req.entryAddedAt) >= this.o.duplicateWindowHours * 3600_000) {
      this.o.log('sms-answer-skipped', { ...base, reason: `the opt-out entry of ${req.entryAddedAt} is older than store.duplicateWindowHours; it was answered then` });
      return 'too-old';
    }
    const { message: m, key } = buildAnswer(req, this.o.settings, this.o.newMailId(), now);
    const outcome: AcceptOutcome = await this.o.store.accept({ messages: [m], dedupKeys: [key] });
    const dup = outcome.duplicates[0];
    if (dup) {
      this.o.log('sms-answer-skipped', { ...base, of: dup.of, reason: 'this reply was answered already (the same one delivered again)' });
      return 'duplicate';
    }
    this.o.log('sms-accepted', {
      msgId: m.id, via: 'answer', account: m.account, to: m.to, segments: m.segments, encoding: m.encoding, sender: m.sender, keyword: req.keyword, connector: req.connector,
    });
    return 'stored';
  }
}
