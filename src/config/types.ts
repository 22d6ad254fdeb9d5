import type { AccountConfig } from '../accounts/types.js';
import type { NotifyLevel } from '../store/types.js';

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
  };
  accounts: AccountConfig[];
  text: {
    source: 'body' | 'subject' | 'subject+body';
    endMarker: string;
    signaturePatterns: string[];
    senderSignaturePatterns: Record<string, string[]>;
    transliterate: boolean;
    maxSegments: number;
  };
  options: {
    timeZone: string;
    maxAheadDays: number;
  };
  store: {
    dir: string;
    journalSegmentBytes: number;
    duplicateWindowHours: number;
  };
  dispatch: {
    concurrency: number;
    retrySeconds: number[];
    maxAgeHours: number;
    receiptTimeoutHours: number;
  };
  connector: {
    type: 'simulator' | 'kannel';
    name: string;
    simulator: {
      deliveryDelayMs: number;
      failNumbersEndingWith: string[];
      sentLog: string;
    };
    kannel: {
      baseUrl: string;
      username: string;
      password: string;
      from: string;
      smsc: string;
      secret: string;
      listenHost: string;
      listenPort: number;
      reportUrl: string;
      dlrMask: number;
      timeoutMs: number;
    };
  };
  notify: {
    level: NotifyLevel;
    from: string;
    timeZone: string;
    transport: 'file' | 'smtp';
    outboxDir: string;
    relay: { host: string; port: number; secure: boolean; user: string; pass: string };
    retrySeconds: number[];
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}
