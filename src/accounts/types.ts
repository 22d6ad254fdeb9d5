import type { NotifyLevel } from '../store/types.js';

/** An `accounts` entry as written in the configuration (src/accounts/schema.ts); optional keys inherit gateway-wide values. */
export interface AccountConfig {
  name: string;
  description: string;
  networks: string[];
  addresses: string[];
  timeZone?: string;
  defaultCountry?: string;
  notify?: NotifyLevel;
  maxSegments?: number;
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
  readonly maxSegments: number;
}

/** The gateway-wide values an account inherits when it does not set its own. */
export interface AccountInheritance {
  timeZone: string;
  defaultCountry: string;
  notify: NotifyLevel;
  maxSegments: number;
}
