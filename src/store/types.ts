/**
 * The data a message carries from acceptance to its final status, and the
 * interface every store backend implements (the embedded journal now,
 * PostgreSQL later). Plain JSON-serialisable data only: records are written
 * to the journal as they are.
 */

import type { QuietHoldRecord, QuietRule } from '../dispatch/quiet-hours.js';
import type { ConnectorWaitGroup, HoldKind, RestoreHeldIds } from './queue-marks.js';

export type SmsEncoding = 'GSM7' | 'UCS2';

/** Life cycle of one SMS. `submitting` is persisted before a connector is called, so a crash between the two is detectable. */
export type SmsStatus =
  | 'accepted'
  | 'submitting'
  | 'submitted'
  | 'delivered'
  | 'failed'
  | 'expired'
  | 'rejected'
  /** Not sent on purpose: cancelled by the sender (reply, API, CLI) or held back as a duplicate. */
  | 'cancelled';

export const FINAL_STATUSES: ReadonlySet<SmsStatus> = new Set(['delivered', 'failed', 'expired', 'rejected', 'cancelled']);

/**
 * An `expired` event of an SMS the bridge a backup was taken of had handed over (StatusEvent.backup `sent`): no
 * delivery report came because it went to that bridge. It was sent; whether it was delivered is not known. Not a failure.
 */
export function isUnreported(e: Pick<StatusEvent, 'status' | 'backup'> | undefined): boolean {
  return e?.status === 'expired' && e.backup === 'sent';
}

export interface StatusEvent {
  status: SmsStatus;
  /** ISO 8601 timestamp (UTC). */
  at: string;
  /** Why, for failures and anything a person should read. */
  reason?: string;
  /** Connector that handled the message at this stage. */
  connector?: string;
  /** The connector's (aggregator's) id for the message. */
  connectorMessageId?: string;
  /** For an `accepted` event that holds the message (quiet hours): until when (ISO 8601). */
  until?: string;
  /**
   * For an `accepted` event that holds the message for quiet hours: which rule, read in which zone (worded when read:
   * src/notify/hold-words.ts). Holds recorded before it was kept have their words in `reason` instead.
   */
  quiet?: QuietHoldRecord;
  /**
   * For an `accepted` event that puts the message back in the queue after a failed attempt: when it is tried next
   * (ISO 8601), and whether the carrier asked us to slow down (throttling) rather than failed for now. Retries
   * recorded before it was kept say their wait in `reason` ("…; next attempt in 6 s").
   */
  retryAt?: string;
  throttled?: true;
  /**
   * On such an event, when the attempt failed only because no connector of the SMS's route could take it (down,
   * breaker open, credentials refused, or every one tried failed for now): those connectors. It goes as soon as one
   * of them can take SMS again, after a restart too (src/dispatch/connector-waits.ts), not at `retryAt`.
   */
  waitsFor?: string[];
  /** For an `accepted` event that holds the message while its account is stopped by the fraud brake, or after a restore (restore-hold.ts). */
  hold?: 'brake' | 'restore';
  /** For a `cancelled` event: who asked (`reply from clerk@acme.test`, `api user erp`), or the earlier SMS this one duplicates. */
  by?: string;
  duplicateOf?: string;
  /**
   * Set on a `submitted` event that records one part of a multipart SMS as
   * delivered while others are outstanding (SMPP receipts come per part and
   * are not sent again once answered): after a restart the connector is
   * told which parts need no receipt any more.
   */
  part?: { index: number; of: number; status: 'delivered' };
  /**
   * On a `failed` event: the connector may have taken the SMS (its answer was lost: onUncertain fail), so
   * the truth is unknown, not a failure; a late answer can still settle it (src/dispatch/late-answer.ts).
   */
  uncertain?: boolean;
  /**
   * On such an event, when the connector's delivery reports name our id (Kannel, http with webhook.ourIdParam):
   * until when (ISO 8601) the SMS stays in the live store, not archived, so that a late report finds and settles
   * it (src/dispatch/late-report.ts). Written with the event, so a restart keeps it.
   */
  answerableUntil?: string;
  /**
   * Recorded from such a late answer: `correction` changes what the SMS's status said (failed, not confirmed →
   * submitted; → failed, not taken; a retry waiting → submitted), `note` records it beside the status it keeps
   * (the SMS was sent again meanwhile: it went twice).
   */
  late?: 'correction' | 'note';
  /** For operators: the technical cause behind `reason` (protocol, timeouts), which is worded for the sender. */
  detail?: string;
  /**
   * On a `submitted` event of an SMS without a sender ID of its own: the connector's default sender it went with
   * (canonical form, src/sms/sender-id.ts), as the connector reported it (SubmitResult's `sender`). A reply to a
   * number finds the SMS by it (src/store/reply-index.ts). Absent when the SMS had its own, when the aggregator
   * chose, and in records written before it was kept.
   */
  sender?: string;
  /**
   * An SMS the backup caught while it was being handed over, settled after the restore (src/dispatch/backup-verdict.ts):
   * unknown: its connector could not tell at the release (a `failed` event with `uncertain`, worded for the sender as such);
   * sent / not-sent: as the operator found before the release (mail2sms hold mark), on a `submitted` or `accepted` event with `by`.
   */
  backup?: 'unknown' | 'sent' | 'not-sent';
}

/** Which confirmations the sender gets. */
export type NotifyLevel = 'none' | 'failure' | 'final' | 'all';

/** RFC 3461 parameters the client gave with MAIL FROM / RCPT TO. */
export interface DsnRequest {
  /** NOTIFY=; empty when the client did not ask. NEVER is represented as ['NEVER']. */
  notify: Array<'SUCCESS' | 'FAILURE' | 'DELAY' | 'NEVER'>;
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** ORCPT=, e.g. "rfc822;+4915112345678@sms.localhost". */
  orcpt?: string;
  /**
   * RET=FULL was asked but the mail was not kept (store/originals.ts): its reports say so, not "no longer kept".
   * true: it could not be written; 'off': this service keeps none (notify.returnFullDays 0).
   */
  fullNotKept?: true | 'off';
  /** RET=FULL was asked of a mail larger than notify.returnFullMaxBytes, which was not kept: its size and that limit, for its reports to say. */
  fullTooLarge?: { bytes: number; limit: number };
}

/** What we keep of the mail an SMS came from: enough to thread and explain the confirmation. */
export interface MailOrigin {
  /** Message-ID header of the original mail, with angle brackets, if it had one. */
  messageId?: string;
  /** References header of the original mail, as a list of ids with brackets. */
  references?: string[];
  subject?: string;
  /** From header, as written. */
  from?: string;
  /** Envelope sender (MAIL FROM); '' for the null sender <>. */
  envelopeFrom: string;
  /** The RCPT TO address this SMS came from, as the client wrote it. */
  rcptTo: string;
  /** When we received the mail (ISO 8601). */
  receivedAt: string;
  /** Client IP and HELO name, for the audit trail. */
  remoteAddress?: string;
  clientHostname?: string;
  /** Set when the SMS came through the REST API (no mail): the user who submitted it. */
  apiUser?: string;
}

/** The aggregator's id for the message: from the latest event that carries one. */
export function connectorMessageIdOf(sms: Pick<SmsMessage, 'history'>): string | undefined {
  for (let i = sms.history.length - 1; i >= 0; i--) if (sms.history[i].connectorMessageId) return sms.history[i].connectorMessageId;
  return undefined;
}

/**
 * The sender the SMS went (or goes) with: its own, or the connector's default its latest handover recorded;
 * `connectorDefault` when it named none (then `sender` is undefined until a connector says which it used, or
 * for good where the aggregator chose).
 */
export function senderUsed(sms: Pick<SmsMessage, 'sender' | 'history'>): { sender?: string; connectorDefault: boolean } {
  if (sms.sender) return { sender: sms.sender, connectorDefault: false };
  for (let i = sms.history.length - 1; i >= 0; i--) {
    const e = sms.history[i];
    if (e.status === 'submitted' && !e.part && e.connectorMessageId) return { ...(e.sender ? { sender: e.sender } : {}), connectorDefault: true };
  }
  return { connectorDefault: true };
}

/** When the sender asked the SMS to go out: its send time, or its acceptance when it was to go at once. */
export function askedAt(sms: Pick<SmsMessage, 'sendAt' | 'mail'>): string {
  return sms.sendAt && sms.sendAt > sms.mail.receivedAt ? sms.sendAt : sms.mail.receivedAt;
}

/**
 * When the SMS was due to go out: when asked, or the end of the latest
 * quiet-hours hold that kept it later (an `accepted` event with `until`,
 * at acceptance or when a retry fell into quiet hours). A hold is a rule
 * kept, not a delay: an SMS held overnight was not eight hours slow.
 */
export function dueAt(sms: Pick<SmsMessage, 'sendAt' | 'mail' | 'history'>): string {
  let due = askedAt(sms);
  for (const e of sms.history) if (e.until && e.status === 'accepted' && e.until > due) due = e.until;
  return due;
}

/**
 * From when the gateway answers for the SMS's speed: when it was due, or the
 * end of the latest fraud-brake hold (an `accepted` event with hold "brake",
 * ended by the next event: the release, or a cancel), whichever is later.
 * The brake is a rule kept too, its length the operator's; but not for the
 * delay report, which the sender of a held SMS is owed (notify/delay.ts uses dueAt).
 */
function latencyFrom(sms: Pick<SmsMessage, 'sendAt' | 'mail' | 'history'>): string {
  let from = dueAt(sms);
  const h = sms.history;
  for (let i = 0; i < h.length - 1; i++) if (h[i].hold === 'brake' && h[i + 1].at > from) from = h[i + 1].at;
  return from;
}

/** From due (after any hold) to the final status (ms): what a sender waits for, our part and the carrier's; the same for the log, metrics and statistics. */
export function latencyMs(sms: Pick<SmsMessage, 'sendAt' | 'mail' | 'history'>, finalAt: string): number {
  return Math.max(0, Date.parse(finalAt) - Date.parse(latencyFrom(sms)));
}

/** How long quiet hours or the fraud brake kept the SMS back after it was asked to go (ms; 0 when never held, and up to the final status when it ended during a hold). */
export function heldMs(sms: Pick<SmsMessage, 'sendAt' | 'mail' | 'history'>, finalAt: string): number {
  const due = latencyFrom(sms);
  const end = finalAt < due ? finalAt : due;
  return Math.max(0, Date.parse(end) - Date.parse(askedAt(sms)));
}

/** How a confirmation goes: mailed to the sender (absent), or pushed to a status callback URL (src/notify/callbacks/). */
export type ConfirmationChannel = 'mail' | 'callback';

/** Where an SMS's statuses are pushed over HTTP (REST API statusCallback or the account's default), and which. */
export interface StatusCallback {
  url: string;
  level: NotifyLevel;
}

/**
 * What a confirmation reports: a status the SMS reached, or `delayed`, that it
 * is still not delivered a while after it was due (RFC 3461 NOTIFY=DELAY):
 * owed by the notifier's clock, not by a status (src/notify/delay.ts), once.
 */
export type ConfirmationStage = SmsStatus | 'delayed';

/** A confirmation owed to the sender for one stage; kept until sent, never dropped. */
export interface ConfirmationState {
  stage: ConfirmationStage;
  /** Set for a status callback; a mailed confirmation has none (as written before callbacks existed). */
  channel?: 'callback';
  attempts: number;
  /** Earliest time of the next attempt (ISO 8601). */
  notBefore: string;
  sentAt?: string;
  /** Where it went (file path or relay reply). */
  where?: string;
  lastError?: string;
  /** A status callback's event: its place in the SMS's history (set on every push owed since corrections, notify/callbacks/owed.ts). */
  event?: number;
}

export interface SmsMessage {
  /** Our id: `<mailId>.<n>` (n = 1 for the first recipient). */
  id: string;
  /** Id of the mail, given in the `250 queued as` reply. */
  mailId: string;
  /**
   * How many SMS its mail (or REST request) made, when more than one: they are `<mailId>.1` to
   * `<mailId>.<ofMail>`, and their confirmations of one stage go out together (src/notify/gather.ts).
   * Absent for a mail to one number, and in SMS stored before it existed.
   */
  ofMail?: number;
  account: string;
  /** Recipient in E.164 (`+4915112345678`). */
  to: string;
  /** The SMS text exactly as it goes out (after transliteration). */
  text: string;
  encoding: SmsEncoding;
  /** Parts it is billed as: counted behind the largest UDH of the connectors its route may take (src/dispatch/udh-size.ts). */
  segments: number;
  /** Sender ID; undefined means the connector's default. */
  sender?: string;
  /** Flash SMS (class 0): shown on the display at once, not stored on the phone. */
  flash?: boolean;
  /** Goes ahead of every normal SMS waiting to be sent (X-SMS-Priority, [QOS:EXPRESS], a mail of high importance); absent: normal. */
  priority?: 'express';
  /** Quiet hours that apply to this SMS (account, destination country, the mail's own), checked again before every attempt. */
  quietRules?: QuietRule[];
  /** The client's own reference (X-SMS-Reference, [REF:…]), echoed in confirmations. */
  reference?: string;
  /** The cost centre it is billed to (X-SMS-Billing-Code, [BC:…]): in the API, the CSV export and status callbacks. */
  billingCode?: string;
  /** When the sender asked it to go out (ISO 8601); absent means at once. */
  sendAt?: string;
  /** After this (ISO 8601) it is not handed to the carrier any more but expires. */
  expiresAt?: string;
  mail: MailOrigin;
  /**
   * Set on the SMS that answers a handset's STOP or START (src/policy/keyword-answer.ts), made by the
   * bridge, not by a mail: the one SMS that goes to a number whatever the opt-out list says.
   */
  answerTo?: { keyword: 'STOP' | 'START'; connector: string };
  notify: NotifyLevel;
  dsn?: DsnRequest;
  /** Status callback asked for; its pushes are owed as confirmations with channel 'callback' (records.ts). */
  callback?: StatusCallback;
  /** Current status (= last history entry's status). */
  status: SmsStatus;
  history: StatusEvent[];
  /** Connector attempts so far. */
  attempts: number;
  /** Earliest time the dispatcher may (re)try, ISO 8601. */
  notBefore: string;
  confirmations: ConfirmationState[];
}

/**
 * A handset's reply to one of our SMS, kept until the mail that forwards it
 * to the SMS's sender is handed over (src/policy/reply-forward.ts). It
 * carries what that mail needs of the answered SMS, copied when the reply
 * came: by then the SMS may be in the archive.
 */
export interface InboundReply {
  /** Our id of the reply: `<mail-id-like>.r`. */
  id: string;
  /** The SMS it answers. */
  answers: string;
  account: string;
  /** The handset, E.164. */
  from: string;
  /** What it was sent to, as the connector gave it ('' when it did not say). */
  to: string;
  /** The reply exactly as received; left out when archived (the mail has it). */
  text: string;
  /** Its length in characters, kept in the archive instead of the text. */
  chars: number;
  receivedAt: string;
  connector: string;
  /** A STOP or START: the opt-out list changed (or not) as well, and the mail says so. */
  keyword?: 'STOP' | 'START';
  original: {
    text: string;
    sender: string;
    /**
     * The SMS had no sender ID of its own: `sender` is the connector's default it went with. The mail then
     * names no sender for the clerk's answer, which goes the same way ([SRC:…] would ask for an ID the account
     * may not be allowed).
     */
    connectorDefault?: true;
    to: string;
    /** When it was handed to the carrier (ISO 8601). */
    sentAt: string;
    reference?: string;
    mail: Pick<MailOrigin, 'messageId' | 'references' | 'subject' | 'from' | 'envelopeFrom'>;
  };
  /** The forwarding mail, as a confirmation is kept: until sent, never dropped. */
  forward: Omit<ConfirmationState, 'stage'>;
}

/** Duplicate detection by content: the same text from the same sender to the same number within a window. */
export interface ContentKey {
  key: string;
  windowMinutes: number;
}

/** The SMS of one accepted mail, as handed to the store. */
export interface AcceptRequest {
  messages: SmsMessage[];
  /** Per message: its Message-ID key (a mail server's retry), or undefined. Same order as messages. A hit drops the message. */
  dedupKeys: Array<string | undefined>;
  /** Per message: its content key, when duplicate detection is on. A hit stores the message as `markDuplicate` makes it: not sent, but confirmed. */
  contentKeys?: Array<ContentKey | undefined>;
  /** The message as stored when it duplicates `of` (final status `cancelled`, its confirmation queued by policy). */
  markDuplicate?: (m: SmsMessage, of: SmsMessage | string) => SmsMessage;
}

export interface AcceptOutcome {
  /** Ids of the messages stored now (including duplicates by content, stored as cancelled). */
  stored: string[];
  /** Messages not stored because an earlier one had the same Message-ID key: new id → id of the earlier message. */
  duplicates: Array<{ id: string; of: string }>;
  /** Messages stored as cancelled because an earlier one had the same content: new id → id of the earlier message. */
  suppressed: Array<{ id: string; of: string }>;
}

/** Change of status; `confirm` queues a confirmation for this stage in the same durable write. */
export interface Transition {
  event: StatusEvent;
  attempts?: number;
  notBefore?: string;
  confirm?: boolean;
}

/**
 * What the rest of the bridge needs from storage. Every method that
 * changes state resolves only when the change is durable.
 */
export interface MessageStore {
  open(): Promise<void>;
  close(): Promise<void>;
  accept(req: AcceptRequest): Promise<AcceptOutcome>;
  get(id: string): SmsMessage | undefined;
  /** Messages in `accepted` whose notBefore has come, oldest first. */
  due(now: Date, limit: number): SmsMessage[];
  /**
   * All live messages in a status (used at start to reconcile `submitting` and `submitted`).
   * Queued ones waiting far ahead, and failed ones awaiting only a late report, may come as copies (see store/live.ts):
   * to act on one after an await, read it again with get().
   */
  inStatus(status: SmsStatus): SmsMessage[];
  /**
   * The queued SMS whose last event holds them as `kind` (StatusEvent.hold), oldest hold first, found without a walk
   * of the queue. Those kept out of memory come as copies, as from inStatus: read one again with get() to act on it.
   */
  held(kind: HoldKind): SmsMessage[];
  /** The queued SMS whose last event is a retry waiting for a connector (StatusEvent.waitsFor), by route; reads no SMS. */
  connectorWaits(): ConnectorWaitGroup[];
  /**
   * While the restore's hold the store was opened under lasts (JournalStoreOptions.restoreHeldBefore): the SMS it
   * holds, hold event written or not, with their numbers; reads no SMS. Undefined otherwise.
   */
  restoreHeld(): RestoreHeldIds | undefined;
  /** That hold was released: its index is dropped. */
  restoreReleased(): void;
  /**
   * Keeps message `id` in memory (not moved to the spool) until `until` settles: an attempt to send it is under way,
   * which holds the object and reads it after each await (store/memory.ts used).
   */
  inUse(id: string, until: Promise<unknown>): void;
  transition(id: string, t: Transition): Promise<void>;
  /** Confirmations of a channel (default mail) whose time has come and that `pick` takes: [message, the pending confirmation]. */
  confirmationsDue(now: Date, limit: number, channel?: ConfirmationChannel, pick?: (m: SmsMessage, c: ConfirmationState) => boolean): Array<[SmsMessage, ConfirmationState]>;
  /**
   * The other SMS of `m`'s mail (SmsMessage.ofMail) that are in memory, for gathering their confirmations. Cold
   * ones (queued far ahead, or failed and awaiting only a late report; owing nothing: live.ts) are left out: they owe
   * no confirmation soon.
   */
  siblingsOf(m: SmsMessage): SmsMessage[];
  confirmationSent(id: string, stage: ConfirmationStage, where: string, at: Date, channel?: ConfirmationChannel): Promise<void>;
  confirmationFailed(id: string, stage: ConfirmationStage, error: string, notBefore: Date, channel?: ConfirmationChannel): Promise<void>;
  /**
   * SMS whose client asked for delay reports (RFC 3461 NOTIFY=DELAY) and that were due before `dueBefore`, by the
   * time filed for them (when they were due, src/notify/delay.ts): those that may owe a `delayed` confirmation now.
   */
  delaysDue(dueBefore: Date, limit: number): SmsMessage[];
  /** Files the SMS's delay watch again as due at `from` (a hold moved it on), or ends it (undefined: it owes none). Memory only. */
  delayWatch(id: string, from?: string): void;
  /** Owes the SMS's `delayed` confirmation, once; not if it is final by the time this is written. */
  oweDelay(id: string, at: Date): Promise<void>;
  /**
   * Keeps message `id` in the live store, not archived even when final, until `until` settles: an SMS failed as
   * not confirmed while its connector may still answer, so that the answer can correct it (dispatch/late-answer.ts).
   * In memory only: after a restart no such answer can come.
   */
  keepLive(id: string, until: Promise<unknown>): void;
  /** Called after state changes (new messages, new confirmations), so workers need not poll hard. */
  onChange(listener: () => void): void;
  counts(): Record<SmsStatus, number>;
  /** SMS segments an account handed in since `from` (to the hour), for quotas; survives restarts. */
  segmentsSince(account: string, from: Date): number;
  /** SMS an account handed in to a number after `since` (cancelled duplicates and STOP answers aside), for the per-number cap; survives restarts. */
  sentTo(account: string, to: string, since: Date): number;
  /** The times (epoch ms, oldest first) of the SMS each account handed in after `since`, counted as sentTo counts: the rate is rebuilt from them at start. */
  sentPerAccount(since: Date): Map<string, number[]>;
}
