/**
 * The configuration of status callbacks: how they are pushed (the
 * top-level `statusCallbacks`), and per account where they may go and the
 * secrets they are signed with (accounts[].statusCallbacks, the operator's,
 * never editable at run time) plus the default URL and level an account
 * may change itself (accounts[].statusCallback, statusCallbackLevel).
 */
import { int } from '../../config/schema-kit.js';
import { CALLBACK_LEVELS } from './levels.js';

export const statusCallbacksSchema = {
  type: 'object', default: {}, additionalProperties: false,
  description: 'Status callbacks: each SMS\'s statuses pushed as signed JSON to a URL the REST API request (statusCallback) or the account (accounts[].statusCallback) names, only under the prefixes the operator allows the account (accounts[].statusCallbacks.allow). See "Status callbacks" under the REST API.',
  properties: {
    concurrency: int(32, 'Pushes under way at once, over all receivers.', 1, 1000),
    perHost: int(4, 'Pushes under way at once to one receiver (scheme, host and port), so that a slow one holds up no other.', 1, 100),
    timeoutSeconds: int(10, 'Time for a receiver to answer a push; longer counts as a failure and is tried again.', 1, 300),
    retrySeconds: {
      type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, default: [10, 30, 60, 300, 900, 1800, 3600],
      description: 'Waits between attempts of a push that failed temporarily (5xx, 408, 429, a timeout, no connection); the last value repeats. A Retry-After of the receiver replaces the wait.',
    },
    maxAttempts: int(20, 'Attempts of one push before it is given up (logged as callback-failed); with the default waits about 14 hours.', 1, 1000),
    maxRetryAfterSeconds: int(3600, 'Longest Retry-After honoured; a longer one waits this long.', 1, 86400),
  },
} as const;

export interface StatusCallbacksConfig {
  concurrency: number;
  perHost: number;
  timeoutSeconds: number;
  retrySeconds: number[];
  maxAttempts: number;
  maxRetryAfterSeconds: number;
}

/** accounts[] keys of status callbacks (src/accounts/schema.ts spreads them in). */
export const accountCallbackProperties = {
  statusCallback: {
    type: 'string', minLength: 1, maxLength: 2000,
    description: 'Default status callback URL of the account\'s SMS, by mail and REST API (a request\'s statusCallback replaces it); must lie under statusCallbacks.allow. It inherits nothing: without it, only requests that name one get callbacks.',
  },
  statusCallbackLevel: {
    type: 'string', enum: [...CALLBACK_LEVELS], default: 'all',
    description: 'Which statuses are pushed when a request does not say (statusCallbackLevel), in notify.level\'s words, the same as a request takes: none; failure: failed, expired, rejected, cancelled; final (or delivery): every final status; all: accepted, submitted (handed to the carrier) and final.',
  },
  statusCallbacks: {
    type: 'object', additionalProperties: false, required: ['secret'],
    description: 'The operator\'s word on the account\'s status callbacks; without it the account has none. Set in the configuration only.',
    properties: {
      allow: {
        type: 'array', default: [], items: { type: 'string', minLength: 1 },
        description: 'URL prefixes callbacks may go to, e.g. ["https://erp.acme.test/sms/"]: the same scheme, host and port, and a path under the prefix\'s. Nothing else is ever called; a request naming another URL is refused (422).',
      },
      secret: {
        type: 'string', minLength: 16,
        description: 'Key of the HMAC-SHA256 signature of every push (X-Mail2sms-Signature); at least 16 characters; "${ENV_NAME}" reads it from the environment. Give it to the receiver\'s developers; it is never logged.',
      },
      previousSecret: {
        // Its length is checked by accountCallbackProblems: "" (none) must pass, and a schema alternative would word it badly.
        type: 'string', default: '',
        description: 'The secret before secret, while it is rotated: every push is then signed with both (X-Mail2sms-Signature: v1=<new>, v1=<previous>), so receivers holding either accept it; "" (none): signed with secret only. Empty it once they all have the new one. Like secret: at least 16 characters, "${ENV_NAME}", never logged. See "Status callbacks" under the REST API.',
      },
    },
  },
} as const;
