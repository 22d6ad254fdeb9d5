import { accountSchema, EDITABLE_ACCOUNT_KEYS } from '../accounts/schema.js';
import type { Account } from '../accounts/types.js';
import { formatTime } from '../notify/format.js';
import { connectorMessageIdOf, type SmsMessage } from '../store/types.js';
import { milestones } from './views.js';

/** One step of a message's timeline as the portal shows it. */
export interface Step {
  status: string;
  label: string;
  /** ISO, for <time datetime> */
  iso: string;
  /** Formatted in the portal's time zone */
  at: string;
  detail?: string;
}

/**
 * accepted → handed to the carrier → delivered (or failed), with retries
 * shown as such; `submitting`, our crash-safety marker, is left out.
 */
export function timelineSteps(m: SmsMessage, timeZone: string): Step[] {
  return m.history.flatMap((e, i): Step[] => {
    const base = { status: e.status, iso: e.at, at: formatTime(e.at, timeZone) };
    switch (e.status) {
      case 'submitting':
        return [];
      case 'accepted':
        if (i === 0) return [{ ...base, label: 'Accepted by mail2sms', detail: m.sendAt ? `scheduled for ${formatTime(m.sendAt, timeZone)}` : undefined }];
        return [{ ...base, status: 'retry', label: 'Attempt failed, will try again', detail: e.reason }];
      case 'submitted':
        return [{ ...base, label: 'Handed to the carrier', detail: [e.connector && `via ${e.connector}`, e.connectorMessageId && `carrier id ${e.connectorMessageId}`].filter(Boolean).join(', ') }];
      case 'delivered':
        return [{ ...base, label: 'Delivered to the phone' }];
      default:
        return [{ ...base, label: e.status.charAt(0).toUpperCase() + e.status.slice(1), detail: e.reason }];
    }
  });
}

/** A row of the search result table. */
export function messageRow(m: SmsMessage, timeZone: string) {
  const t = milestones(m);
  return {
    id: m.id, to: m.to, account: m.account, reference: m.reference ?? '', status: m.status, segments: m.segments,
    sender: m.mail.apiUser ? `API: ${m.mail.apiUser}` : m.mail.envelopeFrom || m.mail.from || '',
    acceptedAt: formatTime(t.acceptedAt, timeZone), acceptedIso: t.acceptedAt,
    preview: m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text,
  };
}

export function messageDetail(m: SmsMessage, timeZone: string) {
  return {
    ...messageRow(m, timeZone),
    text: m.text, encoding: m.encoding, senderId: m.sender ?? '', sendAt: m.sendAt ? formatTime(m.sendAt, timeZone) : '',
    connectorMessageId: connectorMessageIdOf(m) ?? '',
    subject: m.mail.subject ?? '', from: m.mail.from ?? m.mail.envelopeFrom, apiUser: m.mail.apiUser ?? '',
    steps: timelineSteps(m, timeZone),
    confirmations: m.confirmations.map((c) => ({ stage: c.stage, sentAt: c.sentAt ? formatTime(c.sentAt, timeZone) : '', error: c.lastError ?? '' })),
  };
}

interface PropSchema {
  type: string;
  enum?: readonly string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

export interface FormField {
  key: string;
  label: string;
  help: string;
  kind: 'select' | 'number' | 'text';
  options: readonly string[];
  value: string;
  min?: number;
  max?: number;
  error?: string;
}

const LABELS: Record<string, string> = {
  description: 'Description', timeZone: 'Time zone', defaultCountry: 'Country for national numbers', notify: 'Confirmations', maxSegments: 'Longest SMS (segments)',
  senderId: 'Default sender ID',
};

/** The registry names list checks "accounts[0].key: …"; on the account's own page the key is enough. */
export const formProblems = (problems: string[]) => problems.map((p) => p.replace(/^accounts\[\d+\]\./, ''));

/**
 * The form of an account's default options, made from the account schema:
 * whatever key becomes editable (EDITABLE_ACCOUNT_KEYS) gets its field, and
 * the server checks the answer with the same schema (Accounts.changeDefaults).
 */
export function accountForm(a: Account, values: Record<string, string> = {}, problems: string[] = []): FormField[] {
  const props = accountSchema.properties as unknown as Record<string, PropSchema>;
  return EDITABLE_ACCOUNT_KEYS.map((key) => {
    const p = props[key];
    const current = (a as unknown as Record<string, unknown>)[key];
    return {
      key, label: LABELS[key] ?? key, help: p.description ?? '',
      kind: p.enum ? 'select' : p.type === 'integer' ? 'number' : 'text',
      options: p.enum ?? [], min: p.minimum, max: p.maximum,
      value: values[key] ?? (current === undefined ? '' : String(current)),
      error: problems.find((x) => x.startsWith(`${key}:`)),
    };
  });
}

/**
 * The form's answer as a change: only fields that differ from the account
 * now (so an inherited value is not pinned by saving the page), an emptied
 * field as null (back to the configured or inherited value), whole numbers
 * as numbers; everything else goes to the schema as typed.
 */
export function formChanges(a: Account, body: Record<string, string>): Record<string, unknown> {
  const props = accountSchema.properties as unknown as Record<string, PropSchema>;
  const patch: Record<string, unknown> = {};
  for (const key of EDITABLE_ACCOUNT_KEYS) {
    if (!(key in body)) continue;
    const raw = body[key].trim();
    const current = (a as unknown as Record<string, unknown>)[key];
    if (raw === (current === undefined ? '' : String(current))) continue;
    if (raw === '') patch[key] = null;
    else patch[key] = props[key].type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return patch;
}
