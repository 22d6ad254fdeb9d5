import type { AccountConfig } from '../accounts/types.js';
import type { SmppConfig } from '../connectors/smpp/config.js';
import type { DeliveryReport } from '../connectors/types.js';
import type { StatusCallbacksConfig } from '../notify/callbacks/schema.js';
import type { Language } from '../notify/wording/types.js';
import type { QuietHours } from '../dispatch/quiet-hours.js';
import type { LimitsConfig } from '../policy/schema.js';
import type { CallbackLevelWord } from '../notify/callbacks/levels.js';
import type { MESSAGE_KINDS } from './routes-schema.js';

/** The validated configuration; mirrors src/config/schema.ts (test/config checks the two agree). */
export interface Config {
  smtp: {
    host: string;
    port: number;
    hostname: string;
    domains: string[];
    defaultCountry: string;
    maxRecipients: number;
    maxMessageSize: number;
    socketTimeoutSeconds: number;
    reverseLookup: boolean;
    maxClients: number;
    maxConnectionsPerIp: number;
    maxBadCommands: number;
    sessionTimeoutSeconds: number;
    tls: { starttls: boolean; implicit: boolean; port: number; cert: string; key: string };
    auth: {
      plaintextNetworks: string[];
      failureDelayMs: number;
      maxFailureDelayMs: number;
      maxFailuresPerSession: number;
      maxFailuresPerIp: number;
      failureWindowMinutes: number;
      cacheSeconds: number;
    };
  };
  accounts: AccountConfig[];
  limits: LimitsConfig;
  /** Numbers (E.164) that never receive an SMS. */
  optout: string[];
  inbound: {
    keywords: boolean;
    answer: { enabled: boolean; stopText: string; startText: string; account: string; sender: string };
    forward: { enabled: boolean; windowHours: number };
  };
  text: {
    source: 'body' | 'subject' | 'subject+body';
    endMarker: string;
    signaturePatterns: string[];
    senderSignaturePatterns: Record<string, string[]>;
    closings: string[];
    disclaimerPatterns: string[];
    transliterate: boolean;
    maxSegments: number;
  };
  options: {
    timeZone: string;
    maxAheadDays: number;
    senderId: string;
    numericSender: string;
    allowedSenderIds: string[];
    numericOnlyCountries: string[];
    onNumericOnly: 'fallback' | 'reject';
    validityHours: number;
    duplicateDetection: boolean;
    duplicateWindowMinutes: number;
    quietHours: QuietHours;
    countryQuietHours: Record<string, QuietHours>;
  };
  store: {
    dir: string;
    journalSegmentBytes: number;
    duplicateWindowHours: number;
  };
  dispatch: {
    concurrency: number;
    retry: BackoffPolicy;
    maxAgeHours: number;
    receiptTimeoutHours: number;
  };
  connectors: ConnectorConfig[];
  routes: RouteRule[];
  defaultRoute: RouteTarget & { enabled: boolean };
  notify: {
    /** As written (notify/callbacks/levels.ts); accounts inherit the level it stands for. */
    level: CallbackLevelWord;
    delayAfterMinutes: number;
    from: string;
    timeZone: string;
    language: Language;
    transport: 'file' | 'smtp';
    outboxDir: string;
    relay: { host: string; port: number; secure: boolean; user: string; pass: string; tlsCaFile: string };
    retrySeconds: number[];
    gatherSeconds: number;
    returnFullDays: number;
    returnFullMaxBytes: number;
    correctionWaitSeconds: number;
  };
  statusCallbacks: StatusCallbacksConfig;
  audit: { enabled: boolean; dir: string; includeText: boolean };
  api: {
    enabled: boolean;
    host: string;
    port: number;
    sessionHours: number;
    secureCookies: boolean;
    /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; fastify's trustProxy. */
    trustProxy: string[];
    /** Who may read /metrics besides admins and the operator (src/api/metrics-access.ts). */
    metrics: { token: string; unauthenticated: 'loopback' | 'anywhere' | 'nowhere' };
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; connectorStatusMinutes: number; eventLoopStallMs: number };
}

/** dispatch.retry: exponential backoff with jitter (src/dispatch/retry.ts). */
export interface BackoffPolicy {
  baseSeconds: number;
  factor: number;
  maxSeconds: number;
  jitter: number;
}

/** Keys every connector has, whatever its type. */
interface ConnectorCommon {
  name: string;
  onUncertain: 'fail' | 'resend';
  breaker: { failures: number; coolDownSeconds: number };
}

export interface SimulatorSettings {
  deliveryDelayMs: number;
  failNumbersEndingWith: string[];
  sentLog: string;
}

export interface KannelSettings {
  baseUrl: string;
  username: string;
  password: string;
  from: string;
  smsc: string;
  secret: string;
  listenHost: string;
  listenPort: number;
  reportUrl: string;
  moPath: string;
  dlrMask: number;
  timeoutMs: number;
  throttleQuietMs: number;
  uncertainStatus: number[];
  connectorErrorStatus: number[];
}

export interface ValueFromSettings<T extends string> {
  type: T;
  path: string;
  pattern: string;
}

export interface HttpSettings {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  query: Record<string, string>;
  body: { type: 'json' | 'form'; fields: Record<string, string> };
  from: string;
  timeoutMs: number;
  throttleQuietMs: number;
  response: {
    okStatus: number[];
    uncertainStatus: number[];
    connectorErrorStatus: number[];
    temporaryStatus: number[];
    messageIdFrom: ValueFromSettings<'json' | 'regex' | 'ours'>;
    errorFrom: ValueFromSettings<'none' | 'json' | 'regex'>;
  };
  webhook: {
    enabled: boolean;
    listen: { host: string; port: number };
    path: string;
    publicUrl: string;
    secret: string;
    dlrUrlQuery: Record<string, string>;
    dlrUrlSuffix: string;
    idParam: string;
    statusParam: string;
    statusMap: Record<string, DeliveryReport['status']>;
    reasonParam: string;
    ourIdParam: string;
    mo: { path: string; fromParam: string; toParam: string; textParam: string };
  };
}

/** One entry of `connectors`: the common keys plus the settings of its type, under the type's name. */
export type ConnectorConfig =
  | (ConnectorCommon & { type: 'simulator'; simulator: SimulatorSettings })
  | (ConnectorCommon & { type: 'smpp'; smpp: SmppConfig })
  | (ConnectorCommon & { type: 'kannel'; kannel: KannelSettings })
  | (ConnectorCommon & { type: 'http'; http: HttpSettings });

export type ConnectorType = ConnectorConfig['type'];

export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface RouteTarget {
  connectors: string[];
  strategy: 'failover' | 'weighted';
  weights: Record<string, number>;
}

export interface RouteRule extends RouteTarget {
  name: string;
  match: {
    prefixes: string[];
    countries: string[];
    accounts: string[];
    senders: string[];
    kinds: MessageKind[];
  };
}
