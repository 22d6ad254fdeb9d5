import { connectorMessageIdOf, FINAL_STATUSES, senderUsed, type SmsMessage, type SmsStatus, type StatusEvent } from '../store/types.js';
import { eventReason, waitFields } from '../notify/hold-words.js';
import { formatWallGerman } from '../notify/times.js';
import { acceptedAt } from './history/query.js';
import { replyReason, type ReplySummary } from './history/replies.js';

/** The latest event of a status (a retried SMS passes a stage more than once); part records are not stages (StatusEvent.part). */
export function lastEvent(m: SmsMessage, status: SmsStatus): StatusEvent | undefined {
  for (let i = m.history.length - 1; i >= 0; i--) if (m.history[i].status === status && !m.history[i].part) return m.history[i];
  return undefined;
}

/** The three moments a sender asks about: accepted by us, handed to the carrier, final. */
export function milestones(m: SmsMessage): { acceptedAt: string; submittedAt?: string; finalAt?: string; final?: StatusEvent } {
  const final = FINAL_STATUSES.has(m.status) ? m.history.at(-1) : undefined;
  return { acceptedAt: acceptedAt(m), submittedAt: lastEvent(m, 'submitted')?.at, finalAt: final?.at, final };
}

/** A message as the API shows it (JSON): everything a sender or operator needs, nothing internal. */
export function messageView(m: SmsMessage, replies: readonly ReplySummary[] = []) {
  const t = milestones(m);
  const used = senderUsed(m);
  return {
    id: m.id,
    mailId: m.mailId,
    account: m.account,
    to: m.to,
    text: m.text,
    encoding: m.encoding,
    segments: m.segments,
    // The one it went with: its own, or the connector's default once the handover named it (senderFrom says which).
    sender: used.sender ?? null,
    senderFrom: used.connectorDefault ? 'connector' as const : 'sms' as const,
    reference: m.reference ?? null,
    // As it goes: normal where the request asked for express and the account may not send it (the submit's notes say so).
    priority: m.priority ?? 'normal',
    billingCode: m.billingCode ?? null,
    status: m.status,
    final: FINAL_STATUSES.has(m.status),
    acceptedAt: t.acceptedAt,
    sendAt: m.sendAt ?? null,
    expiresAt: m.expiresAt ?? null,
    submittedAt: t.submittedAt ?? null,
    finalAt: t.finalAt ?? null,
    reason: t.final?.reason ?? null,
    connector: t.final?.connector ?? lastEvent(m, 'submitted')?.connector ?? null,
    connectorMessageId: connectorMessageIdOf(m) ?? null,
    via: m.answerTo ? 'answer' : m.mail.apiUser ? 'api' : 'smtp',
    origin: {
      envelopeFrom: m.mail.envelopeFrom,
      from: m.mail.from ?? null,
      subject: m.mail.subject ?? null,
      messageId: m.mail.messageId ?? null,
      apiUser: m.mail.apiUser ?? null,
      remoteAddress: m.mail.remoteAddress ?? null,
    },
    timeline: [
      ...m.history.map((e) => ({
        status: e.status as SmsStatus | 'reply', at: e.at, reason: eventReason(e, undefined, undefined, true) ?? null, connector: e.connector ?? null, connectorMessageId: e.connectorMessageId ?? null,
        // Settled after a restore (backup-verdict.ts): how, and by whom.
        ...(e.backup ? { backup: e.backup, by: e.by ?? null } : {}),
        // The reason's facts, for programs: a quiet-hours hold and until when, a retry's next attempt (reason: the same in words).
        ...waitFields(e),
      })),
      // A handset's reply to it, in time order among its statuses (its text is not shown: the sender got it by mail).
      ...replies.map((r) => ({ status: 'reply' as const, at: r.at, reason: replyReason(r, m.mail.envelopeFrom), connector: null, connectorMessageId: null })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
    replies: replies.map((r) => ({ ...r })),
    confirmations: m.confirmations.map((c) => ({
      stage: c.stage, sentAt: c.sentAt ?? null, attempts: c.attempts, lastError: c.lastError ?? null,
      // A status callback says so, and where it went or why not ("not sent: HTTP 404"); a mailed confirmation stays as it was.
      ...(c.channel ? { channel: c.channel, where: c.where ?? null } : {}),
    })),
    ...(m.callback ? { statusCallback: m.callback } : {}),
  };
}

export type MessageView = ReturnType<typeof messageView>;

export const CSV_COLUMNS = [
  'id', 'mailId', 'account', 'acceptedAt', 'to', 'status', 'reference', 'billingCode', 'sender', 'segments', 'encoding',
  'sendAt', 'submittedAt', 'finalAt', 'connector', 'connectorMessageId', 'reason', 'from', 'text',
] as const;

/**
 * One CSV field (RFC 4180). Free text that a spreadsheet would run as a
 * formula (= + - @ at the start) gets a leading apostrophe; numbers (+49…)
 * are ours and left alone. A field with a semicolon or a tab is quoted too:
 * Excel set to German splits a CSV file on ';', so an unquoted 'Rechnung;=1+1'
 * became a cell of its own that Excel ran as a formula (review 4c).
 */
function field(v: unknown, freeText: boolean): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (freeText && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FREE_TEXT = new Set(['reference', 'billingCode', 'sender', 'reason', 'from', 'text']);

/**
 * Between fields: ',' for tools (RFC 4180), ';' for Excel set to German
 * (Germany, Austria, Switzerland), which opens a comma-separated file on a
 * double click as one column, since ',' is its decimal mark there.
 */
export type CsvSeparator = ',' | ';';

const TIMES = new Set(['acceptedAt', 'sendAt', 'submittedAt', 'finalAt']);

/**
 * One message as a CSV line; for Excel (';') its times in `timeZone` as German Excel reads a date and time in a cell
 * (ISO 8601 with its "T" and "Z" stays text there, which cannot be sorted by or counted per day), for tools ISO 8601.
 */
export function csvRow(m: SmsMessage, sep: CsvSeparator = ',', timeZone = 'UTC'): string {
  const v = messageView(m);
  const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...v, from: m.mail.apiUser ?? m.mail.from ?? m.mail.envelopeFrom,
  };
  const cell = (c: (typeof CSV_COLUMNS)[number]) => (sep === ';' && TIMES.has(c) && typeof row[c] === 'string' ? formatWallGerman(row[c] as string, timeZone) : row[c]);
  return CSV_COLUMNS.map((c) => field(cell(c), FREE_TEXT.has(c))).join(sep) + '\r\n';
}

/** With a byte order mark first: without it Excel reads UTF-8 as windows-1252 and 'Grüße' comes out as 'GrÃ¼ÃŸe'. */
export const csvHeader = (sep: CsvSeparator = ',') => '\uFEFF' + CSV_COLUMNS.join(sep) + '\r\n';

export async function* csvStream(messages: AsyncIterable<SmsMessage>, sep: CsvSeparator = ',', timeZone = 'UTC'): AsyncGenerator<string> {
  yield csvHeader(sep);
  for await (const m of messages) yield csvRow(m, sep, timeZone);
}
