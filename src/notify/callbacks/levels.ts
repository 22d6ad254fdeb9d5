/**
 * The words of a status callback's level: one list for every place a level
 * is written — the REST API's statusCallbackLevel, a mail's
 * X-SMS-Status-Callback-Level, the account's default (config file, portal,
 * PATCH /api/v1/accounts) — so that a word one of them
 * takes cannot be refused by another (review 3 C2: a request took
 * "delivery", the account's settings refused it). notify.level's words, and
 * X-SMS-Notify's `delivery` for `final`. Pure.
 */
import type { NotifyLevel } from '../../store/types.js';

const LEVEL_OF = { none: 'none', failure: 'failure', final: 'final', delivery: 'final', all: 'all' } as const satisfies Record<string, NotifyLevel>;

export type CallbackLevelWord = keyof typeof LEVEL_OF;

export const CALLBACK_LEVELS = Object.keys(LEVEL_OF) as readonly CallbackLevelWord[];

/** The words as a refusal lists them: "none, failure, final, delivery or all". */
export const CALLBACK_LEVEL_WORDS = `${CALLBACK_LEVELS.slice(0, -1).join(', ')} or ${CALLBACK_LEVELS.at(-1)}`;

/** The level a word of the list stands for (`delivery` is `final`); undefined for any other word. */
export function callbackLevel(word: string): NotifyLevel | undefined {
  return Object.hasOwn(LEVEL_OF, word) ? LEVEL_OF[word as CallbackLevelWord] : undefined;
}
