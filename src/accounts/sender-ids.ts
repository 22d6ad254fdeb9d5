/**
 * Which sender ID an SMS goes out with: the one the mail asks for, if the
 * account may use it, else the account's default; then the rule of the
 * recipient's country. Pure: the caller turns a refusal into its SMTP reply.
 */
import { parseSenderId, sameSenderId, type SenderId } from '../sms/sender-id.js';

export interface SenderPolicy {
  account: string;
  /** The account's default sender ID; undefined: the connector's default. */
  defaultId?: string;
  /** Numeric sender used instead of a name where names are not delivered; undefined: none. */
  numericFallback?: string;
  /** Sender IDs a mail may ask for; "*" allows any. The default and the fallback are always allowed. */
  allowed: readonly string[];
  /** ISO countries whose carriers do not deliver alphanumeric sender IDs. */
  numericOnlyCountries: readonly string[];
  /** There: use the numeric fallback, or refuse the mail. */
  onNumericOnly: 'fallback' | 'reject';
}

export type SenderChoice =
  /** `sender` undefined: the connector's default. `note`: why it differs from what was asked, for the status history. */
  | { ok: true; sender?: string; note?: string }
  | { ok: false; refusal: 'not-allowed'; requested: string; allowed: string[] }
  | { ok: false; refusal: 'numeric-only'; sender: string; country: string; hasFallback: boolean };

/** The IDs an account may ask for, for the refusal sentence: its list, its default and its fallback, once each. */
export function allowedSenderIds(p: SenderPolicy): string[] {
  const out: string[] = [];
  for (const raw of [...p.allowed, p.defaultId, p.numericFallback]) {
    if (raw === undefined || raw === '*') continue;
    const id = parseSenderId(raw)?.id ?? raw;
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** The allowed spelling of `requested` (the registered one wins over the case a clerk typed), or undefined. */
function allowedSpelling(requested: SenderId, p: SenderPolicy): string | undefined {
  if (p.allowed.includes('*')) return requested.id;
  for (const raw of [p.defaultId, p.numericFallback, ...p.allowed]) {
    const candidate = raw === undefined ? undefined : parseSenderId(raw);
    if (candidate && sameSenderId(candidate, requested)) return candidate.id;
  }
  return undefined;
}

/**
 * Whether the account may ask for `requested` (already syntax-checked), in
 * any country: the allowed spelling, or the refusal. Asked by chooseSender
 * for each recipient, and with the option values so that a mail's or a
 * request's problems are named at once (src/mail/draft.ts badOptions).
 */
export function permittedSender(requested: SenderId, p: SenderPolicy): { ok: true; sender: string } | Extract<SenderChoice, { refusal: 'not-allowed' }> {
  const sender = allowedSpelling(requested, p);
  return sender === undefined ? { ok: false, refusal: 'not-allowed', requested: requested.id, allowed: allowedSenderIds(p) } : { ok: true, sender };
}

/**
 * `requested`: the mail's sender ID, already syntax-checked (parseSenderId).
 * `country`: the recipient's ISO country, when the number has one.
 */
export function chooseSender(requested: SenderId | undefined, country: string | undefined, p: SenderPolicy): SenderChoice {
  let sender: string | undefined;
  if (requested) {
    const permitted = permittedSender(requested, p);
    if (!permitted.ok) return permitted;
    sender = permitted.sender;
  } else {
    sender = p.defaultId === undefined ? undefined : (parseSenderId(p.defaultId)?.id ?? p.defaultId);
  }
  if (sender === undefined || !country || !p.numericOnlyCountries.includes(country)) return { ok: true, sender };
  if (parseSenderId(sender)?.kind !== 'alphanumeric') return { ok: true, sender };
  const fallback = p.numericFallback === undefined ? undefined : parseSenderId(p.numericFallback)?.id;
  if (p.onNumericOnly === 'reject' || fallback === undefined) {
    return { ok: false, refusal: 'numeric-only', sender, country, hasFallback: fallback !== undefined };
  }
  return { ok: true, sender: fallback, note: `sender ID "${sender}" replaced by ${fallback}: carriers in ${country} do not deliver alphanumeric sender IDs` };
}
