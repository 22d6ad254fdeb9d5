import type { BridgeOptions } from '../bridge.js';
import type { Config } from '../config/types.js';
import type { LogFn } from '../log.js';
import type { CloseStack } from './close-stack.js';

/** What every phase of the start works with: the validated config, the injected clock and randomness, and the one close stack. */
export interface StartContext {
  config: Config;
  options: BridgeOptions;
  now: () => Date;
  random: (n: number) => Buffer;
  /** The random bytes of the ids of mail taken by SMTP: drawn from a pool, as a call per mail cost the hot path (src/random-pool.ts). */
  idBytes: (n: number) => Buffer;
  /** store.dir, absolute. */
  dir: string;
  /** A path of the config, relative ones under store.dir. */
  under: (path: string) => string;
  /** The confirmation and portal templates (options.templatesDir, else the package's). */
  templatesDir: string;
  /** The observed and audited log every part writes to. */
  log: LogFn;
  /** Where the policy learns final statuses from the log events (src/security.ts). */
  tap: { observe: (evt: string, data: Record<string, unknown>) => void };
  /** Every part opened is pushed here as it opens. */
  stack: CloseStack;
}
