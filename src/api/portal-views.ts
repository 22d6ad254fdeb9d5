import { accountSchema, EDITABLE_ACCOUNT_KEYS } from '../accounts/schema.js';
import type { Account } from '../accounts/types.js';
import type { ConnectorStatus } from '../dispatch/connector-pool.js';
import type { OpenReceipt } from '../dispatch/restore-receipts.js';
import { eventReason, isRetry, quietHoldEnd } from '../notify/hold-words.js';
import { connectorMessageIdOf, senderUsed, type SmsMessage } from '../store/types.js';
import { milestones } from './views.js';
import type { ReplySummary } from './history/replies.js';
import type { KeyedReason } from '../config/reasons.js';
import { en, type PortalWording } from './portal-wording/en.js';

/** One step of a message's timeline as the portal shows it. */
export interface Step {
  status: string;
  label: string;
  /** ISO, for <time datetime> */
  iso: string;
  /** Formatted in the portal's time zone and language */
  at: string;
  detail?: string;
}

/**
 * accepted → handed to the carrier → delivered (or failed), with retries
 * shown as such; `submitting`, our crash-safety marker, is left out.
 */
export function timelineSteps(m: SmsMessage, timeZone: string, t: PortalWording = en): Step[] {
  const w = t.timeline;
  return m.history.flatMap((e, i): Step[] => {
    const base = { status: e.status, iso: e.at, at: t.time(e.at, timeZone) };
    switch (e.status) {
      case 'submitting':
        return [];
      case 'accepted': {
        if (i === 0) {
          const detail = [m.sendAt && w.scheduled(t.time(m.sendAt, timeZone)), e.reason].filter(Boolean).join('; ');
          return [{ ...base, label: w.accepted, detail: detail || undefined }];
        }
        // Holds and retries are kept as data and worded as the confirmations word them (notify/hold-words.ts).
        const detail = eventReason(e, t.notify, timeZone, true);
        if (e.until) return [{ ...base, status: 'held', label: w.heldUntil(t.time(e.until, timeZone)), detail }];
        if (isRetry(e)) return [{ ...base, status: 'retry', label: e.throttled ? w.throttled : w.retry, detail }];
        // Nothing was attempted: an operator's word after a restore, a hold an operator must release, or its release.
        const label = e.backup === 'not-sent' ? w.markedNotSent
          : e.hold === 'restore' ? w.heldRestore : e.hold === 'brake' ? w.heldBrake : undefined;
        // Their reason is the bridge's own sentence (English, kept as recorded): a German page names it as such.
        const why = detail && w.reported(detail, false);
        return [label ? { ...base, status: 'held', label, detail: why } : { ...base, status: 'retry', label: w.queuedAgain, detail: why }];
      }
      case 'submitted':
        if (e.part) return [{ ...base, status: 'part', label: w.part(e.part.index, e.part.of) }];
        return [{ ...base, label: w.handedOver, detail: [e.connector && w.via(e.connector), e.connectorMessageId && w.carrierId(e.connectorMessageId)].filter(Boolean).join(', ') }];
      case 'delivered':
        return [{ ...base, label: w.delivered }];
      default:
        // A cancel's "by <who>" the bridge wrote itself, worded as the confirmations word it; others' reasons as recorded.
        return [{ ...base, label: w.ended(e.status), detail: e.by && e.reason === `by ${e.by}` ? t.notify.cancelledByReason(e.by) : e.reason && w.reported(e.reason, e.connector !== undefined) }];
    }
  });
}

/** Why a queued SMS waits, as its last event recorded it: quiet hours (until when), the fraud brake, a restore's hold, or its send time. */
export type Wait = { kind: 'quiet'; until: string } | { kind: 'brake' } | { kind: 'restore' } | { kind: 'scheduled'; at: string };

export function waitOf(m: SmsMessage): Wait | undefined {
  if (m.status !== 'accepted') return undefined;
  const last = m.history.at(-1);
  const until = quietHoldEnd(last);
  if (until) return { kind: 'quiet', until };
  if (last?.hold === 'brake' || last?.hold === 'restore') return { kind: last.hold };
  // Not yet tried: a retry's wait is no schedule, and its page says when it goes.
  return m.sendAt && m.history.length === 1 ? { kind: 'scheduled', at: m.sendAt } : undefined;
}

/** The status cell of a queued SMS: held (with why) instead of a bare "accepted", or when a scheduled one is due. */
function waitShown(m: SmsMessage, timeZone: string, t: PortalWording): { held: boolean; why: string } {
  const w = waitOf(m);
  const words = t.messages.wait;
  switch (w?.kind) {
    case 'quiet': return { held: true, why: words.quiet(t.time(w.until, timeZone)) };
    case 'brake': return { held: true, why: words.brake };
    case 'restore': return { held: true, why: words.restore };
    case 'scheduled': return { held: false, why: words.due(t.time(w.at, timeZone)) };
    default: return { held: false, why: '' };
  }
}

/** A row of the search result table. */
export function messageRow(m: SmsMessage, timeZone: string, t: PortalWording = en) {
  const when = milestones(m);
  const wait = waitShown(m, timeZone, t);
  return {
    id: m.id, to: m.to, account: m.account, reference: m.reference ?? '', billingCode: m.billingCode ?? '', status: m.status, segments: m.segments,
    statusWord: t.status(m.status), held: wait.held, waitWhy: wait.why, sender: senderOf(m, t),
    acceptedAt: t.time(when.acceptedAt, timeZone), acceptedIso: when.acceptedAt,
    preview: m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text,
  };
}

/** Who the SMS is from, for people: the mail's sender, the API user, or the bridge answering a handset's STOP or START. */
function senderOf(m: SmsMessage, t: PortalWording): string {
  if (m.answerTo) return t.sender.answer(m.answerTo.keyword, m.answerTo.connector);
  return m.mail.apiUser ? t.sender.api(m.mail.apiUser) : m.mail.envelopeFrom || m.mail.from || '';
}

/** The sender ID it went with, the connector's default marked as such; '' while that is not known (the page says "the connector's default"). */
function senderShown(m: SmsMessage, t: PortalWording): string {
  const used = senderUsed(m);
  return used.sender && used.connectorDefault ? t.sender.connectorDefault(used.sender) : (used.sender ?? '');
}

/**
 * Whether `m` is one the restored backup caught being handed over, still
 * unsettled while the hold lasts: what `mail2sms hold mark` takes (the
 * dispatcher's own list decides; a stale page gets its refusal).
 */
export function backupUncertain(m: SmsMessage, held: { finishedAt?: string } | undefined): boolean {
  return m.status === 'submitting' && held?.finishedAt !== undefined && m.mail.receivedAt < held.finishedAt;
}

/**
 * The receipts kept since a restore that fit SMS `id` and others (none settled: `mail2sms hold` lists them), as its
 * page shows them to an admin, who may name one as its receipt (the carrier id of a verdict `sent`).
 */
export function receiptsFitting(receipts: readonly OpenReceipt[], id: string, timeZone: string, t: PortalWording = en) {
  return receipts.filter((k) => k.candidates.includes(id)).map((k) => ({
    id: k.id, connector: k.connector, status: t.status(k.status), reason: k.reason ?? '', handset: k.handset ?? '',
    submittedAt: k.submittedAt ? t.time(k.submittedAt, timeZone) : '', text: k.excerpt?.[0] ?? '',
    others: k.candidates.filter((c) => c !== id),
  }));
}

/** The carrier id an admin typed with a verdict (the form's field), undefined when left empty; a problem when it cannot be one. */
export function carrierIdOf(value: string | undefined, verdict: string, t: PortalWording = en): { carrierId?: string; problem?: string } {
  const carrierId = value?.trim();
  if (!carrierId) return {};
  if (verdict !== 'sent') return { problem: t.errors.carrierIdNotSent };
  if (!/^\S{1,64}$/.test(carrierId)) return { problem: t.errors.carrierIdBad(carrierId.slice(0, 80)) };
  return { carrierId };
}

export function messageDetail(m: SmsMessage, timeZone: string, replies: readonly ReplySummary[] = [], t: PortalWording = en) {
  const answered = replies.map((r): Step => ({
    status: 'reply', iso: r.at, at: t.time(r.at, timeZone), label: r.keyword ? t.timeline.keyword(r.keyword, r.from) : t.timeline.reply(r.from),
    detail: t.timeline.replyDetail(r, m.mail.envelopeFrom),
  }));
  return {
    ...messageRow(m, timeZone, t),
    mailId: m.mailId, text: m.text, encoding: m.encoding, senderId: senderShown(m, t), sendAt: m.sendAt ? t.time(m.sendAt, timeZone) : '',
    connectorMessageId: connectorMessageIdOf(m) ?? '',
    subject: m.mail.subject ?? '', from: m.mail.from ?? m.mail.envelopeFrom, apiUser: m.mail.apiUser ?? '',
    steps: [...timelineSteps(m, timeZone, t), ...answered].sort((a, b) => (a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0)),
    confirmations: m.confirmations.map((c) => ({ stage: c.channel ? t.message.statusCallback(c.stage) : c.stage, sentAt: c.sentAt ? t.time(c.sentAt, timeZone) : '', error: c.lastError ?? '' })),
  };
}

interface PropSchema {
  type: string;
  enum?: readonly string[];
  description?: string;
  minimum?: number;
  maximum?: number;
}

export interface FormField {
  key: string;
  label: string;
  help: string;
  /** Where the configuration file sets it, for operators. */
  configKey: string;
  /** A value to copy (JSON is the same in every language). */
  example?: string;
  kind: 'select' | 'boolean' | 'number' | 'text' | 'lines' | 'json';
  options: readonly string[];
  value: string;
  min?: number;
  max?: number;
  step?: string;
  error?: string;
}


const props = () => accountSchema.properties as unknown as Record<string, PropSchema>;

function kindOf(p: PropSchema): FormField['kind'] {
  if (p.enum) return 'select';
  if (p.type === 'boolean') return 'boolean';
  if (p.type === 'integer' || p.type === 'number') return 'number';
  if (p.type === 'array') return 'lines';
  if (p.type === 'object') return 'json';
  return 'text';
}

/**
 * What an account without a value of its own takes (the gateway-wide options.*): an account's empty quiet hours ({})
 * are "none" only against some the gateway has.
 */
export type Inherited = Partial<Record<string, unknown>>;

/** A value as its field shows it. */
function shown(kind: FormField['kind'], v: unknown, inherited?: unknown): string {
  if (v === undefined || v === null) return '';
  if (kind === 'boolean') return v ? 'on' : 'off';
  if (kind === 'lines') return (v as string[]).join('\n');
  // Quiet hours not set read back as {} or {"from": "", …}: shown so, a team lead took them for something to fill in or keep.
  // Empty against the gateway's: the account's "none", which an empty field (back to the gateway's) would undo.
  if (kind === 'json') return !isEmptyJson(v) ? JSON.stringify(v) : inherited !== undefined && !isEmptyJson(inherited) ? '{}' : '';
  return String(v);
}

const EXAMPLES: Partial<Record<string, string>> = { quietHours: '{"from": "20:00", "to": "08:00", "days": ["sun"]}' };

/** null, {} or an object of empty members only ('' and []): nothing set. */
const isEmptyJson = (v: unknown): boolean => v === null || (typeof v === 'object' && Object.values(v as object)
  .every((x) => x === '' || x === null || (Array.isArray(x) && !x.length)));

/** The refusals of the account's values (Accounts.defaultsReasons, AccountChangeError.reasons) in the page's language. */
export const formProblems = (reasons: readonly KeyedReason[], t: PortalWording = en) => reasons.map((p) => t.account.problem(p));

/**
 * The form of an account's default options, made from the account schema:
 * whatever key becomes editable (EDITABLE_ACCOUNT_KEYS) gets its field, and
 * the server checks the answer with the same schema (Accounts.changeDefaults).
 */
export function accountForm(a: Account, values: Record<string, string> = {}, problems: string[] = [], t: PortalWording = en, inherited: Inherited = {}): FormField[] {
  return EDITABLE_ACCOUNT_KEYS.map((key) => {
    const p = props()[key];
    const kind = kindOf(p);
    return {
      key, label: t.account.labels[key], help: t.account.help[key], configKey: t.account.configKey(key), example: EXAMPLES[key], kind,
      options: p.enum ?? [], min: p.minimum, max: p.maximum, step: p.type === 'number' ? 'any' : undefined,
      value: values[key] ?? shown(kind, (a as unknown as Record<string, unknown>)[key], inherited[key]),
      error: problems.find((x) => x.startsWith(`${key}:`) || x.startsWith(`${key}.`) || x.startsWith(`${key}[`)),
    };
  });
}

/**
 * The form's answer as a change: only fields that differ from the account
 * now (so an inherited value is not pinned by saving the page), an emptied
 * field as null (back to the configured or inherited value), each value in
 * its schema type; the schema itself judges the rest.
 */
export function formChanges(a: Account, body: Record<string, string>, t: PortalWording = en, inherited: Inherited = {}): { patch: Record<string, unknown>; problems: string[] } {
  const patch: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of EDITABLE_ACCOUNT_KEYS) {
    if (!(key in body)) continue;
    const p = props()[key];
    const kind = kindOf(p);
    const raw = body[key].replace(/\r\n/g, '\n').trim();
    if (raw === shown(kind, (a as unknown as Record<string, unknown>)[key], inherited[key])) continue;
    if (raw === '') {
      patch[key] = null;
      continue;
    }
    if (kind === 'boolean') patch[key] = raw === 'on' ? true : raw === 'off' ? false : raw;
    else if (kind === 'number') patch[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    else if (kind === 'lines') patch[key] = raw.split('\n').map((l) => l.trim()).filter(Boolean);
    else if (kind === 'json') {
      try {
        patch[key] = JSON.parse(raw);
      } catch (e) {
        problems.push(`${key}: ${t.account.notJson((e as Error).message)}`);
      }
    } else patch[key] = raw;
  }
  return { patch, problems };
}

/**
 * The dashboard's circuit breaker cell: the class of its badge, which says
 * whether it is a problem, and what the phase means now. `probe-due` is a
 * normal wait, not a failure: nothing is kept away from the connector, and
 * in a quiet period it stays so until an SMS comes (src/dispatch/breaker.ts).
 */
export function breakerView(b: ConnectorStatus['breaker'], t: PortalWording = en): { cls: string; phase: string; note: string } {
  const why = b.reason ? ` (${b.reason})` : '';
  const phase = t.dashboard.phase(b.phase);
  const w = t.dashboard;
  switch (b.phase) {
    case 'closed':
      return { cls: 'status s-delivered', phase, note: '' };
    case 'open':
      return { cls: 'status s-failed', phase, note: `${b.openUntil ? w.openUntil(b.openUntil.slice(11, 19)) : ''}${why}` };
    case 'half-open':
      return { cls: 'status s-failed', phase, note: why };
    case 'probe-due':
      return { cls: 'status', phase, note: `${w.probeDue}${b.reason ? w.lastFailure(b.reason) : ''}` };
  }
}
