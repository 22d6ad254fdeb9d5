/**
 * How each sending option's value is read: its parser paired with the phrase
 * naming the forms it accepts, so a refusal says what to write instead. Pure:
 * the clock, the account's time zone and when the mail was written come in
 * the Context. The header and tag tables (option-headers.ts, option-tags.ts)
 * pick from these.
 */
import { localMinute, missingDay, parseDateTime } from './dates.js';
import { SENDER_ID_FORMS } from '../sms/sender-id.js';
import { CALLBACK_LEVEL_WORDS, callbackLevel } from '../notify/callbacks/levels.js';
import type { NotifyLevel } from '../store/types.js';
import * as value from './option-values.js';
import type { SmsOptions } from './options.js';

export type Key = keyof SmsOptions;
export interface Context { now: Date; timeZone: string; maxAheadDays: number; written?: Date; blankIsUnset?: boolean; senderIds?: readonly string[] }
// `{ value: undefined }`: valid, but means "as if not set" (a send time in the past, `passed`).
export type Outcome<K extends Key> = { value: SmsOptions[K]; passed?: Date } | { accepted: string };
export interface Source<K extends Key = Key> {
  key: K;
  parse(raw: string, ctx: Context): Outcome<K>;
  bare?: SmsOptions[K]; // value of a tag written without ':'
}
/** An option's value as read, and where: the header's or the tag's name as written. */
export interface Found { value: SmsOptions[Key]; option: string; passed?: Date }

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
export function simple<K extends Key>(key: K, parse: (raw: string) => SmsOptions[K] | undefined, accepted: string, bare?: SmsOptions[K]): Source<K> {
  return {
    key, bare,
    parse: (raw) => {
      const parsed = parse(raw);
      return parsed === undefined ? { accepted } : { value: parsed };
    },
  };
}

/** A time in the past means "now" (undefined); beyond maxAheadDays is an error naming the limit. */
export function sendAt(accepted: string): Source<'sendAt'> {
  return {
    key: 'sendAt',
    parse: (raw, ctx) => {
      const at = parseDateTime(raw, ctx);
      if (at === undefined) {
        const why = missingDay(raw, ctx);
        return { accepted: why ? `a day the calendar has (${why})` : accepted };
      }
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
export function blackout(accepted: string): Source<'blackout'> {
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
export function validity(accepted: string): Source<'validityHours'> {
  return {
    key: 'validityHours',
    parse: (raw) => {
      const hours = value.validityHours(raw);
      return hours === undefined ? { accepted } : { value: hours || undefined };
    },
  };
}

/** X-SMS-Status-Callback: any text is a URL to be checked against the account's allow list; an empty header is none. */
export function statusCallback(): Source<'statusCallback'> {
  return { key: 'statusCallback', parse: (raw) => ({ value: value.callbackUrl(raw) }) };
}

export const ACCEPTED = {
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
export const level = (raw: string): NotifyLevel | undefined => callbackLevel(raw.toLowerCase());

export const onOff = (raw: string): boolean | undefined => /^(on|off)$/i.test(raw) ? value.flag(raw) : undefined;

