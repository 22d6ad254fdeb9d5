/**
 * The SMPP connector's settings: the options interface the connector takes,
 * the JSON-Schema fragment for the config file (built with the schema
 * kit, like the other connector types: every key with a default and a
 * description), and the step from one to the other. Passwords may be
 * written "${ENV_NAME}": the config loader substitutes them before validation.
 */
import { timeZoneProblems } from '../../accounts/validate.js';
import { bool, int, num, str } from '../../config/schema-kit.js';
import { ID_BASES, type IdBase } from './id-index.js';
import type { StatusOverride } from './errors.js';
import { FLASH_GSM_DATA_CODINGS, type FlashGsmDataCoding, type LongMessages } from './plan.js';
import { VALIDITY_FORMS, type ValidityForm } from './smpp-time.js';
import type { SessionBindMode } from './session.js';

export interface SmppConnectorOptions {
  name: string;
  host: string;
  port: number;
  tls: boolean;
  /** Verify the SMSC's certificate (false only for test SMSCs). */
  tlsRejectUnauthorized: boolean;
  /** PEM file of extra CAs to trust ('' for the system's only). */
  tlsCaFile: string;
  systemId: string;
  password: string;
  systemType: string;
  bindMode: SessionBindMode;
  windowSize: number;
  /** PDUs per second; 0 for no limit of ours. */
  throughputPerSecond: number;
  enquireLinkSeconds: number;
  responseTimeoutMs: number;
  reconnectSeconds: number[];
  gsmDataCoding: 0 | 3;
  flashGsmDataCoding: FlashGsmDataCoding;
  validity: ValidityForm;
  longMessages: LongMessages;
  idBase: IdBase;
  registeredDelivery: number;
  defaultSender: string;
  serviceType: string;
  /** priority_flag of an express SMS; 0 sends it like any other. */
  expressPriorityFlag: number;
  /** First pause of the whole connector after ESME_RTHROTTLED; doubles while throttling goes on (up to 30 s). */
  throttlePauseMs: number;
  /** How long one PDU may stay refused for a temporary reason (throttled, or a later part of a long SMS) before the SMS fails. */
  retryInPlaceSeconds: number;
  /** How long a submitted SMS is followed for receipts; afterwards the dispatcher's receipt timeout decides. */
  receiptWaitHours: number;
  /** The IANA zone of the SMSC's clock, in which its receipts' `submit date:` and `done date:` are written. */
  receiptTimeZone: string;
  /** command_status (hex) → how to treat it, overriding the built-in table. */
  statusOverrides: Record<string, StatusOverride>;
}

/** The `smpp` object of an SMPP connector in the config (everything but its name and type). */
export const smppConfigSchema = {
  type: 'object',
  default: {},
  description: 'An SMSC or aggregator spoken to over SMPP 3.4 (type smpp).',
  additionalProperties: false,
  properties: {
    host: str('127.0.0.1', 'SMSC host name or address.'),
    port: int(2775, 'SMSC port (2775 is usual for plain SMPP, 3550 for SMPP over TLS).', 1, 65535),
    tls: bool(false, 'Connect with TLS.'),
    tlsRejectUnauthorized: bool(true, 'Refuse an SMSC whose TLS certificate does not verify. Turn off only for a test SMSC.'),
    tlsCaFile: str('', 'PEM file with extra certificate authorities to trust (a private CA or a self-signed SMSC); empty uses the system\'s.'),
    systemId: str('', 'system_id for the bind (the account name the aggregator gave).'),
    password: str('', 'Bind password; write "${ENV_NAME}" to read it from the environment.'),
    systemType: str('', 'system_type for the bind; most SMSCs want it empty.'),
    bindMode: str('transceiver', 'transceiver: one connection sends and receives receipts; transmitter+receiver: two connections, for SMSCs that do not offer transceiver binds.',
      { enum: ['transceiver', 'transmitter+receiver'] }),
    windowSize: int(10, 'Most submit_sm sent and not yet answered at once (the SMSC\'s window; ask the aggregator).', 1, 1000),
    throughputPerSecond: num(0, 'Most submit_sm PDUs per second (each part of a long SMS counts); 0 leaves pacing to the SMSC\'s throttling.', 0, 100000),
    enquireLinkSeconds: num(30, 'Keepalive: enquire_link this often; no answer within responseTimeoutMs means the link is dead and is reconnected.', 0.05, 3600),
    responseTimeoutMs: int(10000, 'Time allowed for any response (bind, submit_sm, enquire_link). A submit_sm unanswered in time is reported uncertain, never resent by the connector.', 50, 300000),
    reconnectSeconds: {
      type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1, default: [1, 5, 15, 60],
      description: 'Waits before reconnect attempts after a lost link or a failed bind; the last value repeats until a bind succeeds.',
    },
    gsmDataCoding: { type: 'integer', enum: [0, 3], default: 0, description: 'data_coding for GSM-7 texts: 0 (SMSC default alphabet, sent as GSM 03.38) or 3 (Latin-1, for SMSCs that want it; texts Latin-1 cannot carry, e.g. with €, go as UCS-2). UCS-2 texts always go as 8.' },
    flashGsmDataCoding: str('0xF0', 'data_coding of a flash SMS (message class 0) in GSM-7: 0xF0 (the class group, what Kannel sends) or 0x10 (the general group with a class, which some SMSCs want). In UCS-2 a flash SMS always goes as 0x18.',
      { enum: [...FLASH_GSM_DATA_CODINGS] }),
    validity: str('absolute', 'How an SMS\'s validity (X-SMS-Validity, [VALIDITY:…], the account\'s validityHours) goes to the SMSC as validity_period: absolute (its end in UTC, YYMMDDhhmmss000+: exact however long the SMS waited here), relative (what is left of it at the submit, …R, for SMSCs that only take that form), none (the SMSC\'s default, for SMSCs that refuse long validity periods with ESME_RINVEXPIRY).',
      { enum: [...VALIDITY_FORMS] }),
    longMessages: str('udh8', 'Long texts as concatenated parts with an 8-bit (udh8: 153 GSM-7 characters or 67 Unicode ones a part) or 16-bit (udh16: its longer header leaves 152 or 66) reference, or as one submit_sm with the message_payload TLV (payload: the SMSC cuts it, counted as 153 / 67). An SMS whose route may take this connector is counted with its parts — in the 552 of text.maxSegments, the quotas, confirmations and the portal — the largest count of the route\'s connectors when they differ.',
      { enum: ['udh8', 'udh16', 'payload'] }),
    idBase: str('auto', 'How the SMSC writes message ids: auto (either, matched by every reading), hex, decimal, or hex/decimal and decimal/hex (submit_sm_resp in the first, receipts in the second).',
      { enum: [...ID_BASES] }),
    registeredDelivery: int(1, 'registered_delivery: 1 asks a receipt for every final outcome, 2 only for failures, 0 none (SMS then stay "handed to the carrier").', 0, 31),
    defaultSender: str('', 'Sender ID when the mail gives none: letters (TON 5), an international number (+49…, TON 1) or a short code (TON 3); empty leaves it to the SMSC.'),
    serviceType: str('', 'service_type of submit_sm; usually empty.', { maxLength: 5 }),
    expressPriorityFlag: int(1, 'priority_flag of an express SMS (X-SMS-Priority, [QOS:EXPRESS], a mail of high importance); for GSM 0 is non-priority and 1-3 priority (SMPP 3.4 §5.2.14). 0 sends it like any other SMS, for SMSCs that refuse the flag (ESME_RINVPRTFLG). Other SMS always go with 0. The bridge sends express SMS first either way.', 0, 3),
    throttlePauseMs: int(1000, 'Pause of the whole connector after ESME_RTHROTTLED; doubles while the SMSC keeps throttling (at most 30 s). The refused PDU is sent again after the pause.', 10, 60000),
    retryInPlaceSeconds: int(120, 'How long one PDU may keep being throttled, or a later part of a long SMS refused for a temporary reason, before the SMS fails (temporarily, or for a half-sent long SMS, for good).', 1, 3600),
    receiptWaitHours: int(48, 'How long receipts are matched to a submitted SMS (and its concatenation reference kept in use).', 1, 24 * 30),
    receiptTimeZone: str('UTC', 'IANA time zone of the SMSC\'s clock (e.g. "Europe/Berlin"): receipts write their submit date: and done date: in its local time, with no zone (SMPP 3.4 Appendix B). After a restore, a receipt\'s submit date must lie in the time the old bridge can have sent a held SMS, so a wrong zone makes it fit none; ask the aggregator.'),
    statusOverrides: {
      type: 'object', default: {},
      propertyNames: { pattern: '^0x[0-9A-Fa-f]{1,8}$' },
      additionalProperties: { type: 'string', enum: ['throttled', 'temporary', 'failed', 'rejected'] },
      description: 'command_status values to treat differently from the built-in table, e.g. {"0x0400": "temporary"} for a vendor code meaning "queue full".',
    },
  },
} as const;

/** What the config holds under `smpp` after validation (defaults applied). */
export type SmppConfig = Omit<SmppConnectorOptions, 'name'>;

/** Connector options from a validated `smpp` config object and the connector's name. */
export function smppOptionsFromConfig(name: string, c: SmppConfig): SmppConnectorOptions {
  return { name, ...c, reconnectSeconds: [...c.reconnectSeconds], statusOverrides: { ...c.statusOverrides } };
}

/** Every key's default, read from the schema so the two cannot drift (tests and programmatic use). */
export const SMPP_DEFAULTS: SmppConfig = Object.freeze(Object.fromEntries(
  Object.entries(smppConfigSchema.properties).map(([key, schema]) => [key, schema.default]),
)) as unknown as SmppConfig;

/**
 * What the schema cannot say, each problem prefixed with its key below the
 * connector (`smpp.systemId: …`). Field lengths beyond SMPP 3.4's (system_id
 * 15, password 8) are not refused: some SMSCs accept longer ones.
 */
export function smppConfigProblems(c: SmppConfig): string[] {
  const problems: string[] = [];
  if (!c.host) problems.push('smpp.host: required for type smpp');
  if (!c.systemId) problems.push('smpp.systemId: required for type smpp (the account name the aggregator gave)');
  if (c.tlsCaFile && !c.tls) problems.push('smpp.tlsCaFile: set, but tls is off');
  problems.push(...timeZoneProblems('smpp.receiptTimeZone', c.receiptTimeZone));
  return problems;
}
