/**
 * SMPP 3.4 delivery receipts (`deliver_sm` with esm_class 0x04) in our
 * terms, and message-id matching across the forms SMSCs use.
 *
 * The TLVs (receipted_message_id 0x001E, message_state 0x0427,
 * network_error_code 0x0423) are structured, so they win; the text
 * `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`
 * (SMPP 3.4 Appendix B, "vendor specific") is the fallback.
 */
import { zonedToInstant } from '../../mail/dates.js';
import type { DeliveryReport } from '../types.js';

export type ReceiptStatus = DeliveryReport['status'];

export interface ReceiptPdu {
  esm_class: number;
  short_message?: string | Buffer;
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer | string | number;
}

export interface ParsedReceipt {
  /** normaliseMessageId() of the id; match it with idCandidates()/sameMessageId(). */
  id: string;
  /** Text-style state: DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, ACCEPTD, UNKNOWN, ENROUTE. */
  stat: string;
  status: ReceiptStatus;
  err?: string;
  submitDate?: Date;
  doneDate?: Date;
  /** For anything but delivered, e.g. `UNDELIV (err 001)`. */
  reason?: string;
}

export interface ReceiptOptions {
  /**
   * The IANA zone the SMSC writes its receipt dates in (they carry no zone: SMPP 3.4 Appendix B leaves them in the
   * SMSC's local time); 'UTC' when not given. A zone, not an offset: the offset of most changes twice a year.
   */
  timeZone?: string;
}

export const ESM_CLASS_DELIVERY_RECEIPT = 0x04;

/** message_state TLV values (SMPP 3.4 §5.3.2.35) → text-style stat. */
const STATE_STAT: Record<number, string> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/**
 * Stat → our status. Decisions:
 * - ACCEPTD is final in the spec (read by customer service), but SMSCs in
 *   the wild send it as "accepted by the operator": intermediate.
 * - UNKNOWN is a final state (§5.2.28): no later receipt comes, so leaving
 *   the message en route would strand it. We report `failed`, and the
 *   reason says the outcome is unknown, so the sender knows it may still
 *   have arrived.
 * - DELETED (cancelled by the SMSC or an operator) is `failed`.
 * - A stat we do not know (e.g. a vendor's BUFFRED) is `enroute`: a wrong
 *   final status cannot be taken back, a missing one ends at expiry.
 */
const STAT_STATUS: Record<string, ReceiptStatus> = {
  DELIVRD: 'delivered', UNDELIV: 'failed', EXPIRED: 'expired', REJECTD: 'rejected',
  DELETED: 'failed', ACCEPTD: 'enroute', UNKNOWN: 'failed', ENROUTE: 'enroute',
};

/** Long spellings some SMSCs use instead of the 7-letter ones. */
const STAT_ALIASES: Record<string, string> = {
  DELIVERED: 'DELIVRD', UNDELIVERABLE: 'UNDELIV', REJECTED: 'REJECTD', ACCEPTED: 'ACCEPTD',
};

/**
 * The receipt in `pdu`, or undefined when it is not a receipt (esm_class
 * without 0x04) or carries no usable id or state. The caller should log the
 * latter: it still answers deliver_sm_resp with ESME_ROK either way, or the
 * SMSC resends.
 */
export function parseDeliveryReceipt(pdu: ReceiptPdu, opts: ReceiptOptions = {}): ParsedReceipt | undefined {
  if ((pdu.esm_class & ESM_CLASS_DELIVERY_RECEIPT) === 0) return undefined;
  const text = receiptText(pdu.short_message);
  const fields = parseReceiptText(text);
  const rawId = nonEmpty(pdu.receipted_message_id) ?? fields.id;
  const stat = (pdu.message_state !== undefined ? STATE_STAT[pdu.message_state] : undefined) ?? normaliseStat(fields.stat);
  if (rawId === undefined || stat === undefined) return undefined;
  const status = STAT_STATUS[stat] ?? 'enroute';
  const err = fields.err;
  const network = networkError(pdu.network_error_code);
  const tz = opts.timeZone ?? 'UTC';
  const receipt: ParsedReceipt = { id: normaliseMessageId(rawId), stat, status };
  if (err !== undefined) receipt.err = err;
  const submitDate = parseReceiptDate(fields.submitDate, tz);
  const doneDate = parseReceiptDate(fields.doneDate, tz);
  if (submitDate) receipt.submitDate = submitDate;
  if (doneDate) receipt.doneDate = doneDate;
  if (status !== 'delivered') receipt.reason = describe(stat, err, network);
  return receipt;
}

interface ReceiptFields {
  id?: string;
  stat?: string;
  err?: string;
  submitDate?: string;
  doneDate?: string;
}

/**
 * Fields of the receipt text. Everything from `text:` on is the start of the
 * original message and is cut off first, so a message that itself contains
 * "stat:DELIVRD" cannot fake a field. Keys are matched case-insensitively
 * with any spacing; `submit_date` is accepted as well.
 */
export function parseReceiptText(text: string): ReceiptFields {
  const head = text.split(/(?:^|\s)text:/i)[0] ?? '';
  const field = (key: string, value: string): string | undefined =>
    new RegExp(`(?:^|\\s)${key}\\s*:\\s*(${value})`, 'i').exec(head)?.[1];
  const fields: ReceiptFields = {};
  const entries: Array<[keyof ReceiptFields, string | undefined]> = [
    ['id', field('id', '[^\\s]+')],
    ['stat', field('stat', '[A-Za-z]+')],
    ['err', field('err', '[^\\s]+')],
    ['submitDate', field('submit[ _]?date', '\\d{10}(?:\\d{2})?')],
    ['doneDate', field('done[ _]?date', '\\d{10}(?:\\d{2})?')],
  ];
  for (const [key, value] of entries) if (value !== undefined) fields[key] = value;
  return fields;
}

/**
 * `YYMMDDhhmm` or `YYMMDDhhmmss` on the SMSC's clock in `timeZone` → the instant; undefined if absent or impossible.
 * An hour the clock shows twice (autumn) is read as its first; one it skips (spring) as after the jump (mail/dates.ts).
 */
export function parseReceiptDate(value: string | undefined, timeZone = 'UTC'): Date | undefined {
  if (value === undefined || !/^\d{10}(\d{2})?$/.test(value)) return undefined;
  const [yy, mo, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map((i) => Number(value.slice(i, i + 2) || '0')) as [
    number, number, number, number, number, number,
  ];
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return undefined;
  // Date.UTC rolls 31 February over into March: reject instead.
  if (new Date(Date.UTC(2000 + yy, mo - 1, dd)).getUTCDate() !== dd) return undefined;
  // Two-digit years: receipts are about messages sent minutes or days ago.
  const wall = { year: 2000 + yy, month: mo, day: dd, hour: hh, minute: mi, second: ss };
  return timeZone === 'UTC' ? new Date(Date.UTC(wall.year, mo - 1, dd, hh, mi, ss)) : zonedToInstant(wall, timeZone);
}

function normaliseStat(stat: string | undefined): string | undefined {
  if (stat === undefined) return undefined;
  const upper = stat.toUpperCase();
  return STAT_ALIASES[upper] ?? upper;
}

function describe(stat: string, err: string | undefined, network: string | undefined): string {
  const details = [err !== undefined ? `err ${err}` : undefined, network].filter((d) => d !== undefined);
  const known = stat in STAT_STATUS ? stat : `${stat} (unrecognised state)`;
  const prefix = stat === 'UNKNOWN' ? 'UNKNOWN: the SMSC does not know whether it arrived' : known;
  return details.length > 0 ? `${prefix} (${details.join('; ')})` : prefix;
}

/** network_error_code: 1 octet network type, 2 octets error code (SMPP 3.4 §5.3.2.31). */
function networkError(value: ReceiptPdu['network_error_code']): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return `network error ${value}`;
  if (typeof value === 'string') return value.trim() === '' ? undefined : `network error ${value.trim()}`;
  if (value.length !== 3) return value.length === 0 ? undefined : `network error 0x${value.toString('hex')}`;
  const type = NETWORK_TYPES[value[0]!] ?? `network type ${value[0]}`;
  const code = value.readUInt16BE(1);
  const meaning = value[0] === GSM ? MAP_ERRORS[code] : undefined;
  return `${type} error ${code}${meaning ? `: ${meaning}` : ''}`;
}

const GSM = 3;
const NETWORK_TYPES: Record<number, string> = { 1: 'ANSI-136', 2: 'IS-95', [GSM]: 'GSM', 4: 'ANSI-41' };

/**
 * GSM network errors are MAP error codes (3GPP TS 29.002): the commonest,
 * in words a clerk can act on, since "GSM error 1" tells them nothing. The
 * receipt text's own err: field is the SMSC's code, which differs between
 * SMSCs, and stays unexplained.
 */
const MAP_ERRORS: Record<number, string> = {
  1: 'unknown subscriber, the number is not in use',
  5: 'unidentified subscriber, the network does not know the number',
  6: 'absent subscriber, the phone is off or out of coverage',
  9: 'illegal subscriber, the network refuses this SIM',
  11: 'this subscription cannot receive SMS',
  12: 'illegal equipment, the network refuses this phone',
  13: 'the subscriber is barred from receiving SMS',
  21: 'the network does not support SMS to this number',
  27: 'absent subscriber, the phone is off or out of coverage',
  31: 'the phone was busy receiving another message',
  32: 'the phone did not take the SMS (memory full or an error on the phone)',
  34: 'system failure in the recipient\'s network',
  35: 'data missing in the recipient\'s network',
  36: 'unexpected data in the recipient\'s network',
};

function receiptText(message: string | Buffer | undefined): string {
  if (message === undefined) return '';
  // Receipt texts are ASCII; latin1 never throws on stray octets.
  return typeof message === 'string' ? message : message.toString('latin1');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Message ids. SMSCs answer submit_sm_resp with one form and put another in
 * the receipt: hex in one, decimal in the other (`0A1B2C` vs `660268`),
 * upper vs lower case, with or without leading zeros. The canonical raw
 * form is trimmed, lower-cased and, for hex-digit ids, stripped of leading
 * zeros. An all-digit id is ambiguous (decimal, or hex without letters), so
 * idCandidates() gives every reading as a decimal BigInt string; index
 * submitted messages under all candidates and look a receipt up under all
 * of its own. Two different ids can share a candidate (`123` read as hex is
 * 291, the same as a decimal `291`): the lookup must then prefer an exact
 * raw match and otherwise treat the match as ambiguous. Only a per-connector
 * setting saying which base each side uses removes the ambiguity entirely.
 */
export function normaliseMessageId(id: string): string {
  const lower = id.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(lower)) return lower;
  return lower.replace(/^0+(?=.)/, '');
}

/** Keys under which `id` may have been reported: raw form, decimal reading, hex reading (deduplicated). */
export function idCandidates(id: string): string[] {
  const raw = normaliseMessageId(id);
  const keys = new Set([raw]);
  if (/^[0-9]+$/.test(raw)) keys.add(BigInt(raw).toString());
  if (/^[0-9a-f]+$/.test(raw)) keys.add(BigInt(`0x${raw}`).toString());
  return [...keys];
}

/** True when some reading of `a` equals some reading of `b`. Symmetric, not transitive. */
export function sameMessageId(a: string, b: string): boolean {
  const keys = new Set(idCandidates(a));
  return idCandidates(b).some((key) => keys.has(key));
}
