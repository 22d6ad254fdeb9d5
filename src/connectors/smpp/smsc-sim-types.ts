/**
 * The SMSC simulator's settings and records (see smsc-simulator.ts): what
 * tests configure and what they assert on.
 */
import type { ConcatInfo, SmppAddress } from './submit-pdu.js';
import type { ReceiptStat } from './receipt-build.js';

/** command_status values the simulator answers with (SMPP 3.4 §5.1.3). */
export const SMPP_STATUS = {
  ROK: 0x00, RINVBNDSTS: 0x04, RALYBND: 0x05, RSYSERR: 0x08, RBINDFAIL: 0x0d, RTHROTTLED: 0x58,
} as const;

export type IdFormat = 'hex' | 'decimal';

export interface SimBehaviour {
  /** Form of the id in submit_sm_resp and the receipted_message_id TLV. */
  idFormat: IdFormat;
  /** Form of the id in the receipt text (default: idFormat); real SMSCs mix them. */
  receiptIdFormat?: IdFormat;
  /** Send receipted_message_id and message_state; false leaves only the text to parse. */
  receiptTlvs: boolean;
  /** The IANA zone of this SMSC's clock, in which its receipt texts write their dates (UTC when absent). */
  receiptTimeZone?: string;
  receiptDelayMs: number;
  /** Send the receipt before the submit_sm_resp carrying its id. */
  receiptBeforeResponse: boolean;
  /** Keep receipts back until releaseReceipts() (a receipt delayed as long as a test needs). */
  holdReceipts: boolean;
  /** Answer each submit_sm after this long (a distant or busy SMSC: the window fills). */
  responseDelayMs: number;
  /** Keep submit_sm_resp (and refusals) back until releaseResponses(): a test sees how many submits the ESME has outstanding at once, or answers them late. */
  holdResponses: boolean;
  /** With holdResponses: keep back only the answers to this part of concatenated messages (2: each message's second part), answer the rest at once. */
  holdPart?: number;
  /** Answer ESME_RTHROTTLED to this many further submits (counts down). */
  throttleNext: number;
  /** Answer ESME_RTHROTTLED above this many accepted submits per second. */
  maxPerSecond?: number;
  /** Answer `status` to every submit, or only to those for `numbers`. */
  fail?: { status: number; numbers?: string[] };
  /** Destinations whose receipts say UNDELIV. */
  undelivNumbers: string[];
  /** Answer this many more submits, then drop the connection on the next one (once). */
  dropAfterSubmits?: number;
  /** Stop answering submit_sm (enquire_link is still answered, as stuck SMSCs do). */
  stall: boolean;
}

export interface SimOptions {
  systemId: string;
  password: string;
  port?: number;
  behaviour?: Partial<SimBehaviour>;
  /** Clock for receipt dates and the rate limit. */
  now?: () => Date;
  /** First message id number (default 0xA0000: hex ids then contain letters and leading zeros). */
  firstId?: number;
  /**
   * Keep every submit, reassembled message and receipt in `received`,
   * `messages` and `receipts` for tests to inspect (default). false for a
   * simulator that runs on its own for long (the CLI): nobody reads them there.
   */
  keepRecords?: boolean;
  log?: (entry: { evt: string } & Record<string, unknown>) => void;
  /** Called with each submit_sm before its answer is decided: a test may change `behaviour` for it there. */
  beforeAnswer?: (submit: ReceivedSubmit) => void;
}

export interface ReceivedSubmit {
  peer: number;
  sequence: number;
  source: SmppAddress;
  destination: SmppAddress;
  esmClass: number;
  priorityFlag: number;
  dataCoding: number;
  /** validity_period as sent ('' when none). */
  validityPeriod: string;
  registeredDelivery: number;
  viaPayload: boolean;
  udh: Buffer;
  concat?: ConcatInfo;
  /** Decoded text of this part (after the UDH); undefined for codings not read. */
  text: string | undefined;
  /** command_status answered; undefined when unanswered (stalled or dropped). */
  status: number | undefined;
  messageId?: string;
}

export interface SentReceipt {
  messageId: string;
  destination: string;
  stat: ReceiptStat;
  text: string;
  acked: boolean;
  /** How often it was sent: an unanswered or refused receipt is sent again, as SMSCs do. */
  deliveries: number;
}

export const DEFAULT_BEHAVIOUR: Readonly<SimBehaviour> = Object.freeze({
  idFormat: 'hex', receiptTlvs: true, receiptDelayMs: 0, receiptBeforeResponse: false, holdReceipts: false, responseDelayMs: 0, holdResponses: false,
  throttleNext: 0, undelivNumbers: [], stall: false,
});
