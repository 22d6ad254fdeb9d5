/**
 * The X-SMS-* headers (for systems): which header is which option, reading
 * them, and refusing an X-SMS-* header that is no option here.
 */
import * as value from './option-values.js';
import { ACCEPTED, blackout, level, sendAt, simple, statusCallback, validity, type Context, type Found, type Key, type Source } from './option-sources.js';
import type { OptionError } from './options.js';

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
export function unknownHeaders(headers: ReadonlyMap<string, string>, errors: OptionError[]): void {
  for (const [lower, value] of headers) {
    if (!lower.startsWith('x-sms-') || HEADERS.has(lower)) continue;
    const meant = BY_SQUEEZED.get(squeezed(lower));
    errors.push({ option: lower, value, unknown: meant ? { meant } : {}, accepted: OPTION_HEADERS });
  }
}

export function readHeaders(headers: ReadonlyMap<string, string>, ctx: Context, errors: OptionError[]): Map<Key, Found> {
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

/** The option headers as the mail wrote them, one `name: value` line each, in the table's order. */
export function headerLines(headers: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const lower of HEADERS.keys()) {
    const v = headers.get(lower);
    if (v !== undefined) lines.push(`${lower}: ${v}`);
  }
  return lines;
}
