/** The REST API's statusCallback and statusCallbackLevel fields (as the options parser read them): the callback of a request's SMS, or a 422 naming what is allowed. */
import type { Account } from '../accounts/types.js';
import type { SmsOptions } from '../mail/options.js';
import { callbackFor } from '../notify/callbacks/account.js';
import type { StatusCallback } from '../store/types.js';
import { Problem } from './problems.js';

export function requestCallback(account: Account, options: Pick<SmsOptions, 'statusCallback' | 'statusCallbackLevel'>): StatusCallback | undefined {
  const r = callbackFor(account, { url: options.statusCallback, level: options.statusCallbackLevel });
  if (r && 'refused' in r) throw new Problem(422, 'CallbackNotAllowed', r.refused, { allowed: account.statusCallbackAllow ?? [] });
  return r;
}
