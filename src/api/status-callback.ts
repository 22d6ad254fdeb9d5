/** The REST API's statusCallback and statusCallbackLevel fields: the callback of a request's SMS, or a 422 naming what is allowed. */
import type { Account } from '../accounts/types.js';
import { callbackFor } from '../notify/callbacks/account.js';
import type { NotifyLevel, StatusCallback } from '../store/types.js';
import { Problem } from './problems.js';

/** The level words: notify.level's, and X-SMS-Notify's `delivery` for `final`, as the request's notify field takes. */
export const CALLBACK_LEVELS = ['none', 'failure', 'final', 'delivery', 'all'] as const;

export function requestCallback(account: Account, body: { statusCallback?: string; statusCallbackLevel?: (typeof CALLBACK_LEVELS)[number] }): StatusCallback | undefined {
  const level: NotifyLevel | undefined = body.statusCallbackLevel === 'delivery' ? 'final' : body.statusCallbackLevel;
  const r = callbackFor(account, { url: body.statusCallback, level });
  if (r && 'refused' in r) throw new Problem(422, 'CallbackNotAllowed', r.refused, { allowed: account.statusCallbackAllow ?? [] });
  return r;
}
