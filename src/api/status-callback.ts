/** The REST API's statusCallback and statusCallbackLevel fields: the callback of a request's SMS, or a 422 naming what is allowed. */
import type { Account } from '../accounts/types.js';
import { callbackFor } from '../notify/callbacks/account.js';
import { callbackLevel, type CallbackLevelWord } from '../notify/callbacks/levels.js';
import type { StatusCallback } from '../store/types.js';
import { Problem } from './problems.js';

export function requestCallback(account: Account, body: { statusCallback?: string; statusCallbackLevel?: CallbackLevelWord }): StatusCallback | undefined {
  const level = body.statusCallbackLevel === undefined ? undefined : callbackLevel(body.statusCallbackLevel);
  const r = callbackFor(account, { url: body.statusCallback, level });
  if (r && 'refused' in r) throw new Problem(422, 'CallbackNotAllowed', r.refused, { allowed: account.statusCallbackAllow ?? [] });
  return r;
}
