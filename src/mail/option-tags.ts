/**
 * The `[KEY:VALUE]` subject tags (for clerks; Retarus' names plus readable
 * aliases): which tag is which option, reading them out of the subject, and
 * refusing a tag close to ours or one of ours in the wrong shape.
 */
import { parseSenderId, sameSenderId } from '../sms/sender-id.js';
import { extractTags } from './subject-tags.js';
import { meantTag } from './tag-near-miss.js';
import { mistypedTags } from './tag-mistyped.js';
import * as value from './option-values.js';
import { ACCEPTED, blackout, level, onOff, sendAt, simple, validity, type Context, type Found, type Key, type Outcome, type Source } from './option-sources.js';
import type { OptionError } from './options.js';

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

/**
 * The tag a bracket in the wrong shape stands for. `=` or `;` after a tag name is a tag whatever follows; a blank or
 * round brackets are also how subjects are written (`[AT RISK]`, `[DN 123]`), so there only a value the tag takes
 * makes it one — or, for a send time, any value with a digit: a time already past is refused as a tag, not sent now.
 */
function mistypedAs(key: string, value: string, loose: boolean, ctx: Context): string | undefined {
  const tag = meantTag(key, TAG_NAMES);
  const source = tag === undefined ? undefined : TAGS.get(tag);
  if (!tag || !source || !loose) return tag;
  if (source.key === 'senderId') return isAccountSender(value, ctx.senderIds ?? []) ? tag : undefined;
  const takes = !('accepted' in source.parse(value, ctx)) || (source.key === 'sendAt' && /\d/.test(value));
  return takes ? tag : undefined;
}

/**
 * Any word of up to eleven letters is a valid sender ID, so for a sender tag
 * "a value the tag takes" tells nothing: `[FROM HR] Neue Regeln` and
 * `[FROM IT] Wartung` are how clerks head a notice. Only a sender the
 * account really sends as makes `[FROM ACME]` a tag in the wrong shape.
 */
function isAccountSender(value: string, senderIds: readonly string[]): boolean {
  const asked = parseSenderId(value);
  return asked !== undefined && senderIds.some((id) => {
    const own = parseSenderId(id);
    return own !== undefined && sameSenderId(own, asked);
  });
}

/**
 * `[REF Rechnung 4711]`: a reference takes any text, so with a blank after the
 * name no value can tell a tag from a clerk's words, and refusing it as a
 * mistyped tag bounced a mail whose meaning is plain. The exact name in capitals
 * in square brackets is how a reference tag is written, blank or colon: such a
 * bracket is read as `[REF:Rechnung 4711]`. `=`, `;`, round brackets, a near
 * name (`[CUSTOMREF 4711]`) or `[Ref 4711]` stay what they were (refused, or text).
 */
const SPACED_REFERENCE = /\[([ \t]*(?:CUSTOMERREF|REF))[ \t]+([^[\]():=;\s][^[\]]*)\]/g;

function withSpacedReferences(subject: string): string {
  return subject.replace(SPACED_REFERENCE, '[$1:$2]');
}

export function readTags(subject: string, ctx: Context, errors: OptionError[]): { found: Map<Key, Found>; subject: string } {
  const found = new Map<Key, Found>();
  const extracted = extractTags(withSpacedReferences(subject), (key, hasValue) => TAGS.has(key) || (hasValue && meantTag(key, TAG_NAMES) !== undefined));
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

/** The option tags as the subject wrote them, one `[KEY:value]` each, before any value is read. */
export function tagLines(subject: string): string[] {
  return extractTags(withSpacedReferences(subject), (key) => TAGS.has(key)).tags.map((t) => `[${t.key.toUpperCase()}:${t.value ?? ''}]`);
}

/** The subject without the option tags the parser takes out, as the SMS text has it: what confirmations quote. */
export function withoutOptionTags(subject: string): string {
  return extractTags(withSpacedReferences(subject), (key) => TAGS.has(key)).subject;
}
