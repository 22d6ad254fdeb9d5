/**
 * Sending options from X-SMS-* headers (for systems) and `[KEY:VALUE]` subject
 * tags (for clerks; Retarus' names plus readable aliases). Pure: the clock and
 * the account's time zone come in with the input.
 *
 * Rules: every bad value is an error (never ignored) and all errors are
 * returned together; headers win over tags; the same option given twice in the
 * subject with different values is an error, since we cannot know which was meant.
 */
import * as value from './option-values.js';
import type { BlackoutPeriod, Priority } from './option-values.js';
import type { Context } from './option-sources.js';
import { headerLines, readHeaders, unknownHeaders } from './option-headers.js';
import { readTags, tagLines } from './option-tags.js';
import type { NotifyLevel } from '../store/types.js';

export type { BlackoutPeriod, Priority } from './option-values.js';
export { describeOptionError } from './option-errors.js';
export { PAST_GRACE_MS } from './option-sources.js';
export { STATUS_CALLBACK_OPTION } from './option-headers.js';
export { withoutOptionTags } from './option-tags.js';

export interface SmsOptions {
  sendAt?: Date;
  senderId?: string;
  /** The level a word of notify/callbacks/levels.ts stands for (`delivery` is `final`). */
  notify?: NotifyLevel;
  validityHours?: number;
  reference?: string;
  /** The cost centre it is billed to ([BC:…]): stored on the SMS, shown where cost is accounted for. */
  billingCode?: string;
  flash?: boolean;
  maxSegments?: number;
  duplicateDetection?: boolean;
  blackout?: BlackoutPeriod[];
  preview?: boolean;
  /** express: ahead of every normal SMS already waiting (src/store/due-index.ts); absent: normal. */
  priority?: Priority;
  /** Where the SMS's statuses are pushed (src/notify/callbacks/), as written; the account's allow list is asked where the callback is made. */
  statusCallback?: string;
  /** Which statuses are pushed: the level a word of notify/callbacks/levels.ts stands for. */
  statusCallbackLevel?: NotifyLevel;
}

export interface OptionError {
  option: string; // as the user wrote it: 'X-SMS-Send-At', '[jobperiod]'
  value: string;
  accepted: string;
  /** An X-SMS-* header or a subject tag that is no option here (a typo, another gateway's name), with the one it seems to mean; `accepted` lists the options. */
  unknown?: { meant?: string };
  /** A subject bracket that is one of our tags in the wrong shape (`[JOBPERIOD=…]`, `(AT:…)`), with the tag written right; `option` and `value` are the bracket as written. */
  wrongShape?: { meant: string };
}

export interface OptionInput {
  headers: ReadonlyMap<string, string>; // lower-cased name → decoded value
  subject?: string;
  now: Date;
  timeZone: string; // IANA, the account's
  maxAheadDays?: number; // default 30
  /** When the mail was written (its Date header, else when it came: draft.ts); a send time well before it is a mistake, not "now". Absent for a REST request. */
  written?: Date;
  /**
   * A blank option header means "not given": an ERP's mail template leaves an
   * unused field as `X-SMS-Reference:` with nothing. Set for mail; the REST
   * API's "" stays a bad value (its "not given" is null or leaving the field out).
   */
  blankIsUnset?: boolean;
  /**
   * The sender IDs the account may use (its default, its numeric fallback and
   * those it may ask for, without "*"): a sender tag with a blank instead of
   * `:` counts as one only with one of these (option-tags.ts). None: never.
   */
  senderIds?: readonly string[];
}

export type OptionResult =
  /** `passed`: the send time asked for, which had passed when the mail came (after it was written): it goes at once. */
  | { options: SmsOptions; subject: string; passed?: Date }
  /** `read`: the options whose values were valid, for the account's rules to be checked all the same (draft.ts badOptions). */
  | { errors: OptionError[]; read: SmsOptions };

export function parseSmsOptions(input: OptionInput): OptionResult {
  const ctx: Context = { now: input.now, timeZone: input.timeZone, maxAheadDays: input.maxAheadDays ?? 30, written: input.written, blankIsUnset: input.blankIsUnset, senderIds: input.senderIds ?? [] };
  const errors: OptionError[] = [];
  const fromHeaders = readHeaders(input.headers, ctx, errors);
  unknownHeaders(input.headers, errors);
  const fromTags = readTags(input.subject ?? '', ctx, errors);
  const options: Record<string, unknown> = {};
  let passed: Date | undefined;
  // Tags first, headers after: a header overrides, including with "now" for a past send time.
  for (const found of [fromTags.found, fromHeaders]) {
    for (const [key, { value: v, passed: p }] of found) {
      if (v === undefined) delete options[key];
      else options[key] = v;
      if (key === 'sendAt') passed = p;
    }
  }
  // The mail client's own priority counts only where no option said otherwise.
  if (options.priority === undefined) {
    const client = value.clientPriority(input.headers);
    if (client) options.priority = client;
  }
  if (options.priority === 'normal') delete options.priority;
  if (errors.length > 0) return { errors, read: options as SmsOptions };
  return { options: options as SmsOptions, subject: fromTags.subject, ...(passed ? { passed } : {}) };
}

/**
 * The sending options exactly as the mail wrote them, one per line: the
 * X-SMS-* headers as they came and the subject's tags, before any value is
 * read. A retry of the same mail repeats them word for word, whatever a
 * relative time in them ("[AT:morgen 09:00]") resolves to by then, and
 * whatever the account's defaults have become; a mail's duplicate key is
 * made of them (to-sms.ts), not of the options as read.
 */
export function writtenOptions(headers: ReadonlyMap<string, string>, subject = ''): string {
  return [...headerLines(headers), ...tagLines(subject)].join('\n');
}
