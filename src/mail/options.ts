/**
 * Sending options from X-SMS-* headers (for systems) and `[KEY:VALUE]` subject
 * tags (for clerks; Retarus' names plus readable aliases). Pure: the clock and
 * the account's time zone come in with the input.
 *
 * Rules: every bad value is an error (never ignored) and all errors are
 * returned together; headers win over tags; the same option given twice in the
 * subject with different values is an error, since we cannot know which was meant.
 */
import { localMinute, parseDateTime } from './dates.js';
import { extractTags } from './subject-tags.js';
import { meantTag } from './tag-near-miss.js';
import { mistypedTags } from './tag-mistyped.js';
import { SENDER_ID_FORMS } from '../sms/sender-id.js';
import { CALLBACK_LEVEL_WORDS, callbackLevel } from '../notify/callbacks/levels.js';
import type { NotifyLevel } from '../store/types.js';
import * as value from './option-values.js';
import type { BlackoutPeriod, Priority } from './option-values.js';

export type { BlackoutPeriod, Priority } from './option-values.js';
export { describeOptionError } from './option-errors.js';

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
}

export type OptionResult =
  /** `passed`: the send time asked for, which had passed when the mail came (after it was written): it goes at once. */
  | { options: SmsOptions; subject: string; passed?: Date }
  /** `read`: the options whose values were valid, for the account's rules to be checked all the same (draft.ts badOptions). */
  | { errors: OptionError[]; read: SmsOptions };

type Key = keyof SmsOptions;
interface Context { now: Date; timeZone: string; maxAheadDays: number; written?: Date; blankIsUnset?: boolean }
// `{ value: undefined }`: valid, but means "as if not set" (a send time in the past, `passed`).
type Outcome<K extends Key> = { value: SmsOptions[K]; passed?: Date } | { accepted: string };
interface Source<K extends Key = Key> {
  key: K;
  parse(raw: string, ctx: Context): Outcome<K>;
  bare?: SmsOptions[K]; // value of a tag written without ':'
}

const DAY = 86_400_000;

/**
 * A send time this far before the mail was written is refused: a clerk who
 * writes [AT:29.11.2026 09:00] on 30.11. meant another day (or month), and
 * sending at once would reach the customer at a time nobody chose. A few
 * minutes are "now" (09:00 written at 09:02). A time that was still ahead
 * when the mail was written but has passed when it arrives (an outbox that
 * waited, a relay that retried) goes at once, and the 250 says so.
 */
export const PAST_GRACE_MS = 15 * 60_000;

/** Wraps a value parser with the phrase for its accepted forms. */
function simple<K extends Key>(key: K, parse: (raw: string) => SmsOptions[K] | undefined, accepted: string, bare?: SmsOptions[K]): Source<K> {
  return {
    key, bare,
    parse: (raw) => {
      const parsed = parse(raw);
      return parsed === undefined ? { accepted } : { value: parsed };
    },
  };
}

/** A time in the past means "now" (undefined); beyond maxAheadDays is an error naming the limit. */
function sendAt(accepted: string): Source<'sendAt'> {
  return {
    key: 'sendAt',
    parse: (raw, ctx) => {
      const at = parseDateTime(raw, ctx);
      if (at === undefined) return { accepted };
      const ahead = at.getTime() - ctx.now.getTime();
      if (ahead <= 0) {
        const written = ctx.written && Math.min(ctx.written.getTime(), ctx.now.getTime());
        if (written !== undefined && written - at.getTime() > PAST_GRACE_MS) return { accepted: `a time after the mail was written (${localMinute(new Date(written), ctx.timeZone)} ${ctx.timeZone}); to send at once, leave the option out` };
        return { value: undefined, passed: at };
      }
      if (ahead > ctx.maxAheadDays * DAY) return { accepted: `a time at most ${ctx.maxAheadDays} days ahead` };
      return { value: at };
    },
  };
}

/** [BLACKOUTPERIODS:…]: date-times in it are read like send times (offset-less ones in the account's zone). */
function blackout(accepted: string): Source<'blackout'> {
  return {
    key: 'blackout',
    parse: (raw, ctx) => {
      const periods = value.blackout(raw, (text) => parseDateTime(text, ctx));
      return periods === undefined ? { accepted } : { value: periods };
    },
  };
}

/**
 * X-SMS-Validity / [VALIDITY]: 0 is valid and means "no validity of the
 * mail's own" (Retarus: the provider's default), so the SMS goes as if none
 * were given: with the account's validityHours, else without (the SMSC's).
 * As a header it overrides a tag's validity with that default too.
 */
function validity(accepted: string): Source<'validityHours'> {
  return {
    key: 'validityHours',
    parse: (raw) => {
      const hours = value.validityHours(raw);
      return hours === undefined ? { accepted } : { value: hours || undefined };
    },
  };
}

/** X-SMS-Status-Callback: any text is a URL to be checked against the account's allow list; an empty header is none. */
function statusCallback(): Source<'statusCallback'> {
  return { key: 'statusCallback', parse: (raw) => ({ value: value.callbackUrl(raw) }) };
}

const ACCEPTED = {
  headerTime: 'an RFC 3339 date-time like 2026-12-01T09:00:00+01:00 or an RFC 5322 one like Tue, 01 Dec 2026 09:00:00 +0100',
  tagTime: 'a date-time like 2026-12-01T09:00:00+01:00, 2026-12-01 09:00, 01.12.2026 09:00 or tomorrow 09:00',
  sender: SENDER_ID_FORMS,
  notify: CALLBACK_LEVEL_WORDS,
  onOff: 'ON or OFF',
  flag: 'yes, no, true, false, on or off',
  validity: `a duration of at most ${value.MAX_VALIDITY_HOURS} hours, like 48h, 30m, 2d or 48 (hours), or 0 for the default validity`,
  reference: '1 to 64 printable characters',
  billingCode: `1 to ${value.MAX_BILLING_CODE} printable characters`,
  segments: 'a whole number from 1 to 255',
  priority: 'EXPRESS or NORMAL',
  blackout: 'periods separated by commas, each two different local times like 20:00/08:00 (every day, the recipient\'s time) or two date-times like 2026-12-24T12:00:00+01:00/2026-12-27T08:00:00+01:00',
};

/** A confirmation's or a status callback's level: the same words for both, wherever a level is written (levels.ts). */
const level = (raw: string): NotifyLevel | undefined => callbackLevel(raw.toLowerCase());

const onOff = (raw: string): boolean | undefined => /^(on|off)$/i.test(raw) ? value.flag(raw) : undefined;

/** The status callback URL's header, as refusals name it. */
export const STATUS_CALLBACK_OPTION = 'X-SMS-Status-Callback';

/** Lower-cased header name → source, with the spelling used in error messages. */
const HEADER_LIST: Array<[string, Source]> = [
  ['X-SMS-Send-At', sendAt(ACCEPTED.headerTime)],
  ['X-SMS-Sender-ID', simple('senderId', value.senderId, ACCEPTED.sender)],
  ['X-SMS-Notify', simple('notify', level, ACCEPTED.notify)],
  ['X-SMS-Validity', validity(ACCEPTED.validity)],
  ['X-SMS-Reference', simple('reference', value.reference, ACCEPTED.reference)],
  ['X-SMS-Billing-Code', simple('billingCode', value.billingCode, ACCEPTED.billingCode)],
  ['X-SMS-Flash', simple('flash', value.flag, ACCEPTED.flag)],
  ['X-SMS-Max-Segments', simple('maxSegments', value.maxSegments, ACCEPTED.segments)],
  ['X-SMS-Blackout', blackout(ACCEPTED.blackout)],
  ['X-SMS-Duplicate-Detection', simple('duplicateDetection', value.flag, ACCEPTED.flag)],
  ['X-SMS-Preview', simple('preview', value.flag, ACCEPTED.flag)],
  ['X-SMS-Priority', simple('priority', value.priority, ACCEPTED.priority)],
  [STATUS_CALLBACK_OPTION, statusCallback()],
  ['X-SMS-Status-Callback-Level', simple('statusCallbackLevel', level, ACCEPTED.notify)],
];
const HEADERS = new Map(HEADER_LIST.map(([name, source]) => [name.toLowerCase(), { ...source, name }]));
const squeezed = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');
const BY_SQUEEZED = new Map(HEADER_LIST.map(([name]) => [squeezed(name), name]));
const OPTION_HEADERS = HEADER_LIST.map(([name]) => name).join(', ');

/**
 * X-SMS-* headers that are no option here. A typo (X-SMS-SendAt) or another
 * gateway's name would otherwise be left unread without a word, and the SMS
 * go out at once instead of at the time the ERP asked for. The prefix is
 * ours, so nothing else uses it; a name that differs from one of ours only
 * in hyphens and case is named as the one meant.
 */
function unknownHeaders(headers: ReadonlyMap<string, string>, errors: OptionError[]): void {
  for (const [lower, value] of headers) {
    if (!lower.startsWith('x-sms-') || HEADERS.has(lower)) continue;
    const meant = BY_SQUEEZED.get(squeezed(lower));
    errors.push({ option: lower, value, unknown: meant ? { meant } : {}, accepted: OPTION_HEADERS });
  }
}

/** Upper-cased tag key → source. Retarus' names first, then the aliases for clerks. */
const TAGS = new Map<string, Source>([
  ['SRC', simple('senderId', value.senderId, ACCEPTED.sender)],
  ['JOBPERIOD', sendAt(ACCEPTED.tagTime)],
  ['DN', simple('notify', (raw) => onOff(raw) === undefined ? undefined : value.deliveryNotification(raw), ACCEPTED.onOff, 'final')],
  ['VALIDITY', validity(ACCEPTED.validity)],
  ['FLASH', simple('flash', onOff, ACCEPTED.onOff, true)],
  ['CUSTOMERREF', simple('reference', value.reference, ACCEPTED.reference)],
  ['BLACKOUTPERIODS', blackout(ACCEPTED.blackout)],
  ['DUPLICATEDETECTION', simple('duplicateDetection', onOff, ACCEPTED.onOff, true)],
  ['QOS', simple('priority', value.priority, ACCEPTED.priority)],
  ['BC', simple('billingCode', value.billingCode, ACCEPTED.billingCode)],
  ['AT', sendAt(ACCEPTED.tagTime)],
  ['FROM', simple('senderId', value.senderId, ACCEPTED.sender)],
  ['REF', simple('reference', value.reference, ACCEPTED.reference)],
  ['NOTIFY', simple('notify', level, ACCEPTED.notify)],
  ['PREVIEW', simple('preview', onOff, ACCEPTED.onOff, true)],
] as Array<[string, Source]>);
const TAG_NAMES = [...TAGS.keys()];
const TAG_LIST = TAG_NAMES.map((name) => `[${name}:…]`).join(', ');

interface Found { value: SmsOptions[Key]; option: string; passed?: Date }

function readHeaders(headers: ReadonlyMap<string, string>, ctx: Context, errors: OptionError[]): Map<Key, Found> {
  const found = new Map<Key, Found>();
  for (const [lower, source] of HEADERS) {
    const header = headers.get(lower);
    if (header === undefined) continue;
    // Only blanks are trimmed: a CR or LF anywhere must stay visible to the value parser and be refused.
    const raw = header.replace(/^[ \t]+|[ \t]+$/g, '');
    if (raw === '' && ctx.blankIsUnset) continue;
    const outcome = source.parse(raw, ctx);
    if ('accepted' in outcome) errors.push({ option: source.name, value: raw, accepted: outcome.accepted });
    else found.set(source.key, { value: outcome.value, option: source.name, passed: outcome.passed });
  }
  return found;
}

/**
 * The tag a bracket in the wrong shape stands for. `=` or `;` after a tag name is a tag whatever follows; a blank or
 * round brackets are also how subjects are written (`[AT RISK]`, `[DN 123]`), so there only a value the tag takes
 * makes it one — or, for a send time, any value with a digit: a time already past is refused as a tag, not sent now.
 */
function mistypedAs(key: string, value: string, loose: boolean, ctx: Context): string | undefined {
  const tag = meantTag(key, TAG_NAMES);
  const source = tag === undefined ? undefined : TAGS.get(tag);
  if (!tag || !source || !loose) return tag;
  const takes = !('accepted' in source.parse(value, ctx)) || (source.key === 'sendAt' && /\d/.test(value));
  return takes ? tag : undefined;
}

function readTags(subject: string, ctx: Context, errors: OptionError[]): { found: Map<Key, Found>; subject: string } {
  const found = new Map<Key, Found>();
  const extracted = extractTags(subject, (key, hasValue) => TAGS.has(key) || (hasValue && meantTag(key, TAG_NAMES) !== undefined));
  for (const tag of extracted.tags) {
    const source = TAGS.get(tag.key.toUpperCase());
    if (!source) {
      errors.push({ option: `[${tag.key}]`, value: tag.value ?? '', unknown: { meant: `[${meantTag(tag.key, TAG_NAMES)}:…]` }, accepted: TAG_LIST });
      continue;
    }
    const option = `[${tag.key}]`;
    const outcome: Outcome<Key> = tag.value === undefined
      ? (source.bare === undefined ? source.parse('', ctx) : { value: source.bare })
      : source.parse(tag.value, ctx);
    const raw = tag.value ?? '';
    if ('accepted' in outcome) {
      errors.push({ option, value: raw, accepted: outcome.accepted });
      continue;
    }
    const earlier = found.get(source.key);
    if (earlier && JSON.stringify(earlier.value) !== JSON.stringify(outcome.value)) {
      errors.push({ option, value: raw, accepted: `the same value as ${earlier.option}, or only one of the two` });
      continue;
    }
    found.set(source.key, { value: outcome.value, option, passed: outcome.passed });
  }
  for (const { written, meant } of mistypedTags(extracted.subject, (key, value, loose) => mistypedAs(key, value, loose, ctx))) {
    errors.push({ option: written, value: written, wrongShape: { meant }, accepted: TAG_LIST });
  }
  return { found, subject: extracted.subject };
}

export function parseSmsOptions(input: OptionInput): OptionResult {
  const ctx: Context = { now: input.now, timeZone: input.timeZone, maxAheadDays: input.maxAheadDays ?? 30, written: input.written, blankIsUnset: input.blankIsUnset };
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
  const lines: string[] = [];
  for (const lower of HEADERS.keys()) {
    const v = headers.get(lower);
    if (v !== undefined) lines.push(`${lower}: ${v}`);
  }
  for (const t of extractTags(subject, (key) => TAGS.has(key)).tags) lines.push(`[${t.key.toUpperCase()}:${t.value ?? ''}]`);
  return lines.join('\n');
}

/** The subject without the option tags the parser takes out, as the SMS text has it: what confirmations quote. */
export function withoutOptionTags(subject: string): string {
  return extractTags(subject, (key) => TAGS.has(key)).subject;
}
