/**
 * Whom an opt-out entry protects a number from. A handset that replies STOP
 * to one company's number has asked that company, not every company on a
 * shared gateway, to stop (as professional gateways such as Twilio scope
 * it): its entry names the sender the STOP was sent to and blocks only SMS
 * that come from that sender. Entries from the configuration file, from an
 * operator without --sender, from a STOP ALL, and STOPs stored before
 * entries were scoped, block every sender.
 *
 * Which sender an SMS comes from is its own sender ID, else the default of
 * the connector that sends it. When neither says (the SMSC picks), nobody
 * here can know that the handset will not see the number it opted out of,
 * so a scoped entry blocks it too: the handset's wish wins over the doubt.
 * Pure: the list and the candidate senders come in.
 */
import { sameSender } from '../sms/sender-id.js';
import { errors, replyText, SmtpError } from '../smtp/errors.js';
import type { SmsMessage } from '../store/types.js';

/** Who put a number on the list: the configuration file, an operator (CLI), or its owner by SMS (STOP). */
export type OptOutSource = 'config' | 'operator' | 'sms';

export interface OptOutEntry {
  number: string;
  source: OptOutSource;
  /** The sender (canonical form) it protects the number from; undefined: every sender. */
  sender?: string;
  /** When a run-time entry was made (ISO 8601); undefined for the configuration file's. */
  addedAt?: string;
  note?: string;
  /** For an owner's entry for every sender: the senders it let back in by a START since (canonical form). */
  except?: readonly string[];
}

/** How the log and the audit log name an entry's scope: `{scope: 'all'}` or `{scope: 'sender', sender}`. */
export const scopeOf = (sender: string | undefined): Record<string, string> => (sender === undefined ? { scope: 'all' } : { scope: 'sender', sender });

/** A sender an SMS may reach its handset from. */
export interface SenderCandidate {
  /** Canonical form; undefined when nobody here decides it (no sender ID and no connector default: the SMSC picks). */
  sender?: string;
  /** The SMS's own sender ID, or a connector's default. */
  from: 'sms' | 'connector';
}

/** Why an SMS may not go: the entry, and for a scoped one the candidate sender it caught. */
export interface OptOutHit {
  entry: OptOutEntry;
  candidate?: SenderCandidate;
}

/** What the list is asked about an SMS, with the senders its route may use filled in (the bridge wires it). */
export type OptOutCheck = (sms: Pick<SmsMessage, 'to' | 'account' | 'sender' | 'encoding' | 'segments' | 'sendAt' | 'answerTo'>) => OptOutHit | undefined;

/** The entry among a number's entries that blocks an SMS which may come from any of `candidates`; global entries first. */
export function blockingHit(entries: readonly OptOutEntry[], candidates: readonly SenderCandidate[]): OptOutHit | undefined {
  const global = entries.find((e) => e.sender === undefined && !letsThrough(e, candidates));
  if (global) return { entry: global };
  for (const entry of entries) {
    if (entry.sender === undefined) continue;
    const candidate = caughtBy(entry.sender, candidates);
    if (candidate) return { entry, candidate };
  }
  return undefined;
}

/**
 * Whether an entry for every sender lets this SMS through: only when it
 * excepts every sender the SMS may come from. One it may come from that is
 * not excepted, or that nobody here decides, could reach a handset that
 * asked every sender to stop.
 */
function letsThrough(entry: OptOutEntry, candidates: readonly SenderCandidate[]): boolean {
  const except = entry.except ?? [];
  return except.length > 0 && candidates.length > 0 && candidates.every((c) => c.sender !== undefined && excepts(entry, c.sender));
}

/** Whether an entry for every sender has let `sender` back in. */
export const excepts = (entry: Pick<OptOutEntry, 'except'>, sender: string): boolean => (entry.except ?? []).some((x) => sameSender(x, sender));

/** The candidate a scoped entry catches: its own sender by name first, else one nobody here decides. */
function caughtBy(scope: string, candidates: readonly SenderCandidate[]): SenderCandidate | undefined {
  return candidates.find((c) => c.sender !== undefined && sameSender(c.sender, scope)) ?? candidates.find((c) => c.sender === undefined);
}

/** The sentence a clerk gets for `numbers` (one, or several joined) held back by `hit`. */
export function optOutError(numbers: string, hit: OptOutHit): SmtpError {
  const { entry, candidate } = hit;
  if (entry.sender === undefined) return errors.OptedOut(numbers, entry.except?.join(', ') ?? '');
  return errors.OptedOutOfSender(numbers, entry.sender, howCaught(candidate));
}

function howCaught(c: SenderCandidate | undefined): string {
  if (c?.sender === undefined) return 'and this SMS names no sender ID, so it could arrive from that number';
  return c.from === 'sms' ? 'the sender ID of this SMS' : 'the sender this SMS would go out with (the gateway\'s default)';
}

/**
 * One refusal for several numbers: those held back for the same reason in
 * one sentence, the sentences joined (cut to a reply line, as every reply).
 */
export function optOutRefusal(refused: ReadonlyArray<{ to: string; hit: OptOutHit }>): SmtpError {
  const groups = new Map<string, { numbers: string[]; hit: OptOutHit }>();
  for (const r of refused) {
    const key = `${r.hit.entry.sender ?? ''}\n${howCaught(r.hit.candidate)}`;
    const g = groups.get(key) ?? { numbers: [], hit: r.hit };
    g.numbers.push(r.to);
    groups.set(key, g);
  }
  const each = [...groups.values()].map((g) => optOutError(g.numbers.join(', '), g.hit));
  if (each.length === 1) return each[0]!;
  return new SmtpError(550, '5.7.1', replyText(each.map((e) => e.text).join('; ')), each[0]!.errorName);
}
