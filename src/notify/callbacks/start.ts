import type { Config } from '../../config/types.js';
import { packageVersion } from '../../cli/help.js';
import type { LogFn } from '../../log.js';
import type { MessageStore } from '../../store/types.js';
import { callbackAccounts } from './account.js';
import { CallbackWorker } from './worker.js';

/** The status callbacks' worker, from the config; it runs (and costs nothing) also while no SMS asks for a callback. */
export function startCallbacks(config: Config, o: { store: MessageStore; now: () => Date; log: LogFn }): CallbackWorker {
  const worker = new CallbackWorker({
    store: o.store, settings: config.statusCallbacks, accountOf: callbackAccounts(config.accounts),
    userAgent: `mail2sms/${packageVersion()} (status callback)`, now: o.now, log: o.log,
  });
  worker.start();
  return worker;
}
