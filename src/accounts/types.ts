import type { CallbackLevelWord } from '../notify/callbacks/levels.js';
import type { QuietHours } from '../dispatch/quiet-hours.js';
import type { Language } from '../notify/wording/types.js';
import type { AccountLimitsConfig } from '../policy/schema.js';
import type { NotifyLevel } from '../store/types.js';

/** An `accounts` entry as written in the configuration (src/accounts/schema.ts); optional keys inherit gateway-wide values. */
export interface AccountConfig {
  name: string;
  description: string;
  networks: string[];
  addresses: string[];
  timeZone?: string;
  defaultCountry?: string;
  /** As written; the Account has the level it stands for (`delivery` is `final`). */
  notify?: CallbackLevelWord;
  language?: Language;
  maxSegments?: number;
  senderId?: string;
  numericSender?: string;
  allowedSenderIds?: string[];
  validityHours?: number;
  /** Billing code when the mail or request gives none. */
  billingCode?: string;
  duplicateDetection?: boolean;
  duplicateWindowMinutes?: number;
  signaturePatterns?: string[];
  quietHours?: QuietHours;
  forwardReplies?: boolean;
  /** The operator's: whether the account's SMS may go express; true when absent. */
  allowExpress?: boolean;
  /** Overrides of the gateway-wide `limits` (src/policy/schema.ts). */
  limits?: AccountLimitsConfig;
  /** Default status callback URL (src/notify/callbacks/). */
  statusCallback?: string;
  /** As written; the Account has the level it stands for (`delivery` is `final`). */
  statusCallbackLevel?: CallbackLevelWord;
  /** The operator's: where callbacks may go, and their signing secret (and the one before it, while it is rotated). */
  statusCallbacks?: { allow: string[]; secret: string; previousSecret?: string /* '' or absent: none */ };
}

/** An account as the bridge uses it: inherited values filled in, run-time changes applied. */
export interface Account {
  readonly name: string;
  readonly description: string;
  readonly networks: readonly string[];
  readonly addresses: readonly string[];
  readonly timeZone: string;
  readonly defaultCountry: string;
  readonly notify: NotifyLevel;
  /** Language of confirmations and preview answers. */
  readonly language: Language;
  /** Zone of the times in confirmations: the account's own timeZone when it set one; absent: notify.timeZone. */
  readonly confirmationTimeZone?: string;
  readonly maxSegments: number;
  /** Default sender ID; undefined: the connector's. */
  readonly senderId?: string;
  /** Numeric sender for countries that take no names; undefined: none. */
  readonly numericSender?: string;
  readonly allowedSenderIds: readonly string[];
  /** Default validity; undefined: the carrier's. */
  readonly validityHours?: number;
  /** Billing code (cost centre) when the mail or request gives none; undefined: none. */
  readonly billingCode?: string;
  readonly duplicateDetection: boolean;
  readonly duplicateWindowMinutes: number;
  /** The account's own signature patterns, applied on top of text.signaturePatterns. */
  readonly signaturePatterns: readonly string[];
  /** Undefined or without window and days: none. */
  readonly quietHours?: QuietHours;
  /** Default status callback URL; undefined: none. */
  readonly statusCallback?: string;
  /** all when absent. */
  readonly statusCallbackLevel?: NotifyLevel;
  /** URL prefixes status callbacks may go to (the signing secret stays in the config, out of every view); none when absent. */
  readonly statusCallbackAllow?: readonly string[];
  /** Whether its SMS may go express (ahead of normal ones) when a mail or request asks; false: they go as normal SMS. Always set by the registry. */
  readonly allowExpress?: boolean;
  /** Whether handsets' replies to its SMS are mailed to their senders (inbound.forward); always set by the registry. */
  readonly forwardReplies?: boolean;
}

/** The gateway-wide values an account inherits when it does not set its own ('' and 0 stand for "none"). */
export interface AccountInheritance {
  timeZone: string;
  defaultCountry: string;
  notify: NotifyLevel;
  /** English when absent. */
  language?: Language;
  maxSegments: number;
  senderId?: string;
  numericSender?: string;
  allowedSenderIds?: readonly string[];
  validityHours?: number;
  duplicateDetection?: boolean;
  duplicateWindowMinutes?: number;
  quietHours?: QuietHours;
  /** Off when absent. */
  forwardReplies?: boolean;
}
