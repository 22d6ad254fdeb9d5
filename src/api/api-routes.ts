import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AccountChangeError } from '../accounts/registry.js';
import { EDITABLE_ACCOUNT_KEYS } from '../accounts/schema.js';
import type { Account } from '../accounts/types.js';
import type { SmsMessage } from '../store/types.js';
import { OPERATOR_HEADER, type Principal } from './auth.js';
import type { BackupVerdict } from '../dispatch/backup-verdict.js';
import type { Actor } from '../dispatch/cancel.js';
import { login, maySee, searchPlace, zoneOf, type ApiContext } from './context.js';
import { decodeCursor, exportMessages, findMessage, searchMessages } from './history/search.js';
import { noSmsDetail } from './history/no-sms.js';
import { repliesTo } from './history/replies.js';
import { IdempotencyKeys } from './idempotency.js';
import { addDays, localDay, realDay, STATUSES, toQuery, who, type SearchParams } from './params.js';
import { Problem } from './problems.js';
import { CALLBACK_LEVEL_WORDS } from '../notify/callbacks/levels.js';
import { LANGUAGES, type Language } from '../notify/wording/index.js';
import { previewSms } from './preview.js';
import { submitSms } from './submit.js';
import type { SubmitBody } from './submit-request.js';
import { csvStream, messageView } from './views.js';

const problem = { $ref: 'problem#' };
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

/**
 * A sending option that the options parser reads (options.ts), not the schema: every bad value is then named at once,
 * in the sentence a mail's header would get (BadOption), instead of the schema's first complaint.
 */
const parsedOption = (json: 'boolean' | 'integer', description: string) => ({ anyOf: [{ type: json }, { type: 'string' }], description });

/** The body of a submit, and of its preview. */
const submitBody = {
  type: 'object', additionalProperties: false, required: ['to', 'text'],
  properties: {
    to: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }], description: 'Number(s): +4915112345678, 004915112345678 or national (the account\'s country); spaces, - . / ( ) as written (+49 151 1234 5678, (0151) 12345678)' },
    text: { type: 'string', minLength: 1, maxLength: 10000, description: 'The SMS text; typographic characters are replaced like in mail (text.transliterate)' },
    sendAt: { type: 'string', description: 'X-SMS-Send-At: RFC 3339 (2026-12-01T09:00:00+01:00) or RFC 5322; without offset in the account\'s time zone. More than 15 minutes before the request: 422 BadOption; less: sent at once, and notes say so' },
    senderId: { type: 'string', description: 'X-SMS-Sender-ID' },
    notify: { type: 'string', description: `X-SMS-Notify: which confirmations confirmTo gets: ${CALLBACK_LEVEL_WORDS} (final and delivery are the same)` },
    validity: { type: 'string', description: 'X-SMS-Validity: 48h, 30m, 2d; 0 for none of its own (the account\'s default)' },
    reference: { type: 'string', description: 'X-SMS-Reference: your reference, for tracking and in confirmations' },
    billingCode: { type: 'string', description: 'X-SMS-Billing-Code: the cost centre the SMS is billed to (1 to 70 printable characters), in the message, the CSV export and status callbacks' },
    flash: parsedOption('boolean', 'X-SMS-Flash: true or false (or yes, no, on, off as in the header)'),
    maxSegments: parsedOption('integer', 'X-SMS-Max-Segments: 1 to 255, never more than the account allows'),
    blackout: { type: 'string', description: 'X-SMS-Blackout: quiet hours for this SMS, 20:00/08:00' },
    duplicateDetection: parsedOption('boolean', 'X-SMS-Duplicate-Detection: the same text to the same number only once within the account\'s window'),
    priority: { type: 'string', description: 'X-SMS-Priority: express (ahead of every normal SMS waiting to be sent) or normal; an account without allowExpress sends it as normal, and the answer\'s notes say so' },
    confirmTo: { type: 'string', description: 'Address (of the account) that gets the confirmations; none without it' },
    account: { type: 'string', description: 'Admins only: send for this account' },
    statusCallback: { type: 'string', minLength: 1, maxLength: 2000, description: 'X-SMS-Status-Callback: URL each status of the SMS is pushed to (signed JSON, see Status callbacks); must lie under the account\'s allowed prefixes (422 CallbackNotAllowed); the account\'s default when absent' },
    statusCallbackLevel: { type: 'string', description: `X-SMS-Status-Callback-Level: which statuses are pushed: ${CALLBACK_LEVEL_WORDS} (failure: final ones but delivered; final or delivery: final ones; all: accepted, submitted and final); the account's default (all) when absent` },
  },
};

/** The submit body's fields the schema types as text (`to` too: text or a list of texts). */
const TEXT_FIELDS = Object.entries(submitBody.properties).filter(([k, p]) => k === 'to' || ('type' in p && p.type === 'string')).map(([k]) => k);

/**
 * A JSON number or true/false where text belongs is refused before the
 * schema runs: fastify's validator would turn it into text, and a number
 * written as a JSON number has lost its leading 0 (015112345678 became
 * 15112345678, another number) before anybody could tell.
 */
async function textStaysText(req: { body: unknown }): Promise<void> {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const errors: string[] = [];
  for (const k of TEXT_FIELDS) {
    const v = (body as Record<string, unknown>)[k];
    const items: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [`${k}[${i}]`, x]) : [[k, v]];
    for (const [where, x] of items) if (typeof x === 'number' || typeof x === 'boolean') errors.push(`${where}: must be text in quotes ("${x}"), not a JSON ${typeof x}`);
  }
  if (errors.length) throw new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
}

/**
 * JSON null, which ERP serializers write for a field they have no value
 * for, is the field left out where the field is optional; the validator
 * would turn it into "" or 0 (coerceTypes) and refuse that value, or take
 * it as false, under a sentence naming a value nobody sent. Null where a
 * value is required (a number, the text) is named as null.
 */
function nullIsAbsent(schema: { required?: readonly string[] }) {
  const required = new Set(schema.required ?? []);
  return async (req: { body: unknown }): Promise<void> => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const fields = body as Record<string, unknown>;
    const errors: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === null && required.has(k)) errors.push(`${k}: is null, and it is required`);
      else if (v === null) delete fields[k];
      else if (Array.isArray(v)) v.forEach((x, i) => x === null && errors.push(`${k}[${i}]: is null`));
    }
    if (errors.length) throw new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
  };
}

/** The JSON API under /api/v1; every route's schema is also its OpenAPI description. */
export async function apiRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
  const idempotency = new IdempotencyKeys({ ttlMs: deps.config.store.duplicateWindowHours * 3600_000, now: () => deps.now().getTime() });
  const submitDeps = { ...deps, idempotency };
  app.addSchema({
    $id: 'refusal', type: 'object', required: ['name', 'temporary', 'code', 'enhanced', 'text'],
    description: 'A refusal, the same in a submit\'s problem and in a preview',
    properties: {
      to: { type: 'string', description: 'The number refused: E.164, or as given when it is not a valid number' },
      name: { type: 'string', description: 'The error\'s stable name (OptedOut, NumberRateExceeded, …; the README\'s table of SMTP replies)' },
      temporary: { type: 'boolean', description: 'true: only for now (a limit), the same request may succeed later; false: it will be refused again' },
      code: { type: 'integer', description: 'The SMTP reply code a mail would get (550, 451, …)' },
      enhanced: { type: 'string', description: 'The RFC 3463 enhanced status code (5.7.1, 4.7.1, …)' },
      text: { type: 'string', description: 'The sentence a clerk reads' },
    },
  });
  app.addSchema({
    $id: 'problem', type: 'object', description: 'RFC 9457 problem details (application/problem+json)',
    properties: {
      type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' },
      smtp: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'A refusal\'s SMTP reply and enhanced code ("550 5.7.1"), a list when several numbers are refused' },
      recipients: { type: 'array', items: { $ref: 'refusal#' }, description: 'Numbers refused (a request is taken whole or not at all): each number\'s refusal' },
    },
  });

  const loginBody = { type: 'object', additionalProperties: false, required: ['user', 'password'], properties: { user: { type: 'string', minLength: 1, maxLength: 128 }, password: { type: 'string', maxLength: 1024 } } };
  app.post<{ Body: { user: string; password: string } }>('/login', {
    schema: {
      summary: 'Log in; the token goes into Authorization: Bearer <token>', tags: ['session'], security: [],
      body: loginBody,
      response: { 400: problem, 401: problem, 429: problem },
    },
    preValidation: nullIsAbsent(loginBody),
  }, async (req) => {
    const user = await login(ctx, { ip: req.ip, via: 'api' }, req.body.user, req.body.password);
    if (!user) throw new Problem(401, 'Unauthorized', 'unknown user or wrong password');
    const s = await ctx.sessions.create(user.name);
    return { token: s.token, expiresAt: s.expiresAt, user: { name: user.name, account: user.account, role: user.role } };
  });

  app.post('/logout', { schema: { summary: 'End the session of the bearer token', tags: ['session'] } }, async (req, reply) => {
    who(req);
    const token = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token) await ctx.sessions.end(token);
    return reply.status(204).send();
  });

  app.get('/me', { schema: { summary: 'Who is logged in', tags: ['session'] } }, async (req) => who(req));

  app.post<{ Body: SubmitBody; Headers: { 'idempotency-key'?: string } }>('/messages', {
    schema: {
      summary: 'Send an SMS: the same options and rules as the X-SMS-* mail headers', tags: ['messages'],
      description: 'A request is taken whole or not at all. When numbers are refused (invalid, opted out of every sender or of this SMS\'s sender, not allowed, sender ID, quiet hours, over a limit) '
        + 'the problem\'s recipients lists a refusal per number (to, name, temporary, code, enhanced, text); the title is the refusals\' name when they share one, '
        + 'else RecipientsRefused, or TryAgainLater when every refusal is temporary (then 429 with Retry-After when all are rate limits, 503 otherwise; else 422).',
      headers: {
        type: 'object',
        properties: {
          'idempotency-key': {
            type: 'string', minLength: 1, maxLength: 200,
            description: 'A retry with the same key and the same body sends nothing again and is answered as the first request was (201, its mailId and messages as they are now, '
              + 'header Idempotent-Replayed: true); the same key with another body is refused (422 IdempotencyKeyReused, nothing stored); while the first request is '
              + 'still being handled, 409 IdempotencyKeyInUse. Keys are remembered for store.duplicateWindowHours (72 h)',
          },
        },
      },
      body: submitBody,
      response: { 400: problem, 401: problem, 403: problem, 409: problem, 422: problem, 429: problem, 503: problem },
    },
    preValidation: [nullIsAbsent(submitBody), textStaysText],
  }, async (req, reply) => {
    const principal = who(req, { change: true });
    const out = await submitSms(submitDeps, principal, req.body, { ip: req.ip, idempotencyKey: req.headers['idempotency-key'] }).catch((e: unknown) => {
      // Like a refused mail: logged with its reason, counted in mail2sms_refused_total{stage="api"}.
      if (e instanceof Problem) deps.log('api-refused', { user: principal.name, ip: req.ip, error: e.title, status: e.status, reason: e.detail });
      throw e;
    });
    const messages = out.replayOf ? await originals(ctx, out.replayOf) : out.stored;
    if (out.replayOf) reply.header('idempotent-replayed', 'true');
    if (messages.length === 1) reply.header('location', `/api/v1/messages/${messages[0].id}`);
    return reply.status(messages.length ? 201 : 200).send({ mailId: out.mailId, messages: messages.map((m) => messageView(m)), duplicates: out.duplicates, ...(out.notes ? { notes: out.notes } : {}) });
  });

  app.post<{ Body: SubmitBody; Querystring: { language?: Language } }>('/messages/preview', {
    schema: {
      summary: 'How an SMS would be sent, sending and storing nothing (preview@ and X-SMS-Preview by mail)', tags: ['messages'],
      description: 'The same body, checks and refusals as POST /messages. The answer: the text as it would go out, encoding (GSM7 or UCS2), '
        + 'units, segments, perSegment and the parts; nonGsm (characters that forced UCS2) and replaced (typographic characters replaced); '
        + 'the options as read; notes as a submit\'s answer has them (express not allowed for the account); per number (recipients) the sender ID, notBefore, expiresAt, '
        + 'a hold for quiet hours (hold: the sentence the account\'s confirmation would say, in the language asked for (?language=en|de) or the account\'s, times in the zone of its confirmations; '
        + 'quiet: the same as data: source ("account acme", "country FR", "your mail"), from/to (daily window, HH:MM local time), days, dates, or start/end (a blackout period, ISO 8601), and zone, the recipient\'s zone it was read in; it lasts until notBefore), '
        + 'or the refusal a send would get '
        + '(refusal: the SMTP reply line; error: the same as a refusal object, as a submit\'s problem lists it); '
        + 'problem, the reply a send of the whole text would get (empty, more segments than allowed), with problemError its refusal object; '
        + 'and callback, where each status would be pushed and which ({url, level}: the request\'s statusCallback or the account\'s default; absent: none). '
        + 'A statusCallback outside the account\'s allowed prefixes is refused (422 CallbackNotAllowed) as a submit would be.',
      body: submitBody,
      querystring: { type: 'object', additionalProperties: false, properties: { language: { type: 'string', enum: [...LANGUAGES], description: 'Language of the hold\'s sentence; the account\'s when absent' } } },
      response: { 400: problem, 401: problem, 403: problem, 422: problem },
    },
    preValidation: [nullIsAbsent(submitBody), textStaysText],
  }, async (req) => previewSms(deps, who(req), req.body, req.query.language));

  const searchQuery = {
    type: 'object', additionalProperties: false,
    properties: {
      to: { type: 'string', description: 'A number as submit reads it (+49 151 1234 5678, +49 (0)151 …, 0049…, national in the account\'s country), or some of its digits' },
      status: { type: 'array', items: { type: 'string', enum: STATUSES }, description: 'One or more statuses (repeat the parameter or separate by commas)' },
      from: { type: 'string', description: 'Accepted at or after: YYYY-MM-DD (local day) or a date-time with offset' },
      until: { type: 'string', description: 'Accepted before (a date-time), or up to and including a YYYY-MM-DD day' },
      reference: { type: 'string' }, billingCode: { type: 'string', description: 'The billing code (cost centre), exactly' }, sender: { type: 'string', description: 'Part of the sender\'s address or API user' },
      senderId: { type: 'string' }, account: { type: 'string' }, id: { type: 'string', description: 'An SMS id, or a mail id for all its SMS' },
      backup: { type: 'string', enum: ['uncertain'], description: 'uncertain: only SMS a restored backup caught while they were being handed over (still in submitting while the hold lasts, or settled since); with until the backup\'s end (mail2sms hold shows it)' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      cursor: { type: 'string', description: 'The `next` of the previous page' },
      format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
      sep: { type: 'string', enum: ['comma', 'semicolon'], default: 'comma', description: 'The CSV\'s separator: semicolon for Excel set to German (Germany, Austria, Switzerland), which opens a comma-separated file in one column' },
    },
  };
  type Search = SearchParams & { limit: number; cursor?: string; format: 'json' | 'csv'; sep: 'comma' | 'semicolon'; status?: string[] };

  app.get<{ Querystring: Search }>('/messages', {
    schema: {
      summary: 'Search messages, newest first (format=csv: all matches as CSV, oldest first as a ledger reads, no paging)', tags: ['messages'], querystring: searchQuery,
      response: { 400: problem, 401: problem, 403: problem },
    },
  }, async (req, reply) => {
    const principal = who(req);
    const q = toQuery(req.query, principal, searchPlace(ctx, principal));
    // A cursor we did not give would quietly start again at the first page, and a client walking pages would loop.
    if (req.query.cursor !== undefined && !decodeCursor(req.query.cursor)) throw new Problem(400, 'BadRequest', 'cursor is not one this API gave: pass the "next" of the previous page as it came');
    if (req.query.format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="mail2sms-messages.csv"');
      return reply.send(Readable.from(csvStream(exportMessages(ctx.history, q, ctx.lagDays), req.query.sep === 'semicolon' ? ';' : ',', zoneOf(ctx, principal))));
    }
    const page = await searchMessages(ctx.history, q, { limit: req.query.limit, after: req.query.cursor }, ctx.lagDays);
    return { items: page.items.map((m) => messageView(m)), next: page.next ?? null };
  });

  app.get<{ Params: { id: string } }>('/messages/:id', {
    schema: {
      summary: 'One message with its whole timeline', tags: ['messages'],
      description: 'Each timeline entry: status, at, reason (English words), connector, connectorMessageId; for a wait also as data: quiet (a quiet-hours hold\'s rule: source, from/to, days, dates or start/end, and zone) with until, '
        + 'or retryAt and throttled (a retry after a failed attempt; throttled: the carrier asked us to slow down).',
      response: { 401: problem, 404: problem },
    },
  }, async (req) => {
    const principal = who(req);
    const m = await findMessage(ctx.history, req.params.id, ctx.lagDays);
    // Another account's message is "not found": its existence is not ours to tell.
    if (!m || !maySee(principal, m)) throw new Problem(404, 'NotFound', await noSmsDetail(ctx, principal, req.params.id));
    return messageView(m, await repliesTo(deps.store, m, deps.config.inbound.forward.windowHours));
  });

  app.post<{ Params: { id: string } }>('/messages/:id/cancel', {
    schema: { summary: 'Cancel a queued or scheduled SMS (not one the carrier has or may have)', tags: ['messages'], response: { 401: problem, 404: problem, 409: problem } },
  }, async (req) => {
    const principal = who(req, { change: true });
    const m = await cancelAs(ctx, principal, req.params.id, 'api', req.headers[OPERATOR_HEADER]);
    return messageView(m);
  });

  const verdictBody = {
    type: 'object', additionalProperties: false, required: ['verdict'],
    properties: { verdict: { type: 'string', enum: ['sent', 'not-sent'] }, carrierId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^\\S+$' } },
  };
  app.post<{ Params: { id: string }; Body: { verdict: BackupVerdict; carrierId?: string } }>('/messages/:id/backup-verdict', {
    schema: {
      summary: 'After a restore, before the hold is released: whether an SMS the backup caught being handed over went out (sent: not sent again; not-sent: sent at the release), with sent optionally the carrier\'s id of it (its SMPP receipt settles it); admins only',
      tags: ['messages'],
      body: verdictBody,
      response: { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
    preValidation: nullIsAbsent(verdictBody),
  }, async (req) => {
    const p = who(req, { change: true });
    if (p.role !== 'admin') throw new Problem(403, 'Forbidden', 'only an admin user or the operator may settle what a restored backup left uncertain');
    if (req.body.carrierId !== undefined && req.body.verdict !== 'sent') throw new Problem(400, 'BadRequest', 'a carrier id names what went: it goes with the verdict sent only');
    const r = await deps.markBackupVerdict(req.params.id, req.body.verdict, actorOf(ctx, p, 'api', req.headers[OPERATOR_HEADER]), req.body.carrierId);
    if (!r.ok) throw new Problem(r.reason === 'not-found' ? 404 : 409, r.reason === 'not-found' ? 'NotFound' : 'NotUncertain', r.message);
    return messageView(r.sms);
  });

  app.get('/backup-receipts', {
    schema: { summary: 'After a restore, while the hold lasts: SMPP delivery receipts for ids this bridge never gave out that settled no held SMS, each with the held SMS it fits (candidates); admins only', tags: ['messages'], response: { 401: problem, 403: problem } },
  }, async (req) => {
    const p = who(req);
    if (p.role !== 'admin') throw new Problem(403, 'Forbidden', 'only an admin user or the operator may see the receipts kept since a restore');
    return { items: deps.backupReceipts() };
  });

  app.get<{ Querystring: { from?: string; to?: string; account?: string } }>('/stats', {
    schema: {
      summary: 'Messages and segments by day, status, account, connector and country; delivery rate; time to delivery p50/p95', tags: ['statistics'],
      querystring: { type: 'object', additionalProperties: false, properties: { from: day, to: day, account: { type: 'string' } } },
      response: { 400: problem, 401: problem, 403: problem },
    },
  }, async (req) => statsFor(ctx, who(req), req.query));

  app.get('/accounts', { schema: { summary: 'Accounts you may see, with their default options', tags: ['accounts'] } }, async (req) => {
    const p = who(req);
    return deps.accounts.list().filter((a) => maySee(p, { account: a.name })).map(accountView);
  });

  app.patch<{ Params: { name: string }; Body: Record<string, unknown> }>('/accounts/:name', {
    schema: {
      summary: 'Change default options of an account (null restores the configured value); applies to the next mail', tags: ['accounts'],
      body: { type: 'object', description: `Keys: ${EDITABLE_ACCOUNT_KEYS.join(', ')}` },
      response: { 401: problem, 404: problem, 422: problem },
    },
  }, async (req) => {
    const p = who(req, { change: true });
    if (!deps.accounts.get(req.params.name) || !maySee(p, { account: req.params.name })) throw new Problem(404, 'NotFound', `no account "${req.params.name}"`);
    try {
      return accountView(await deps.accounts.changeDefaults(req.params.name, req.body));
    } catch (e) {
      if (e instanceof AccountChangeError) throw new Problem(422, 'InvalidDefaults', e.message, { errors: e.problems });
      throw e;
    }
  });

  app.get('/connectors', { schema: { summary: 'Connectors: health now (up, state, window in use, SMS taken by all accounts) and circuit breaker; admins only', tags: ['connectors'] } }, async (req) => {
    // Gateway-wide: what every account sent and how the aggregators are doing is the operator's to know.
    if (who(req).role !== 'admin') throw new Problem(403, 'Forbidden', 'the connectors carry every account\'s SMS: only an admin user or the operator may see them');
    return deps.connectors();
  });
}

export function accountView(a: Account) {
  return { ...a, editable: [...EDITABLE_ACCOUNT_KEYS] };
}

/** Statistics of [from, to] (local days of the person's zone; default the last 14 days), held to the user's account. */
export function statsFor(ctx: ApiContext, p: Principal, q: { from?: string; to?: string; account?: string }) {
  if (q.account && p.role !== 'admin' && q.account !== p.account) throw new Problem(403, 'Forbidden', `you may only see your account "${p.account}"`);
  const timeZone = zoneOf(ctx, p);
  const to = q.to === undefined ? localDay(ctx.deps.now(), timeZone) : realDay(q.to, 'to');
  const from = q.from === undefined ? addDays(to, -13) : realDay(q.from, 'from');
  if (from > to) throw new Problem(400, 'BadRequest', `from (${from}) is after to (${to})`);
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw new Problem(400, 'BadRequest', 'at most 366 days at once');
  return ctx.stats.stats({ from, to, timeZone, account: p.role === 'admin' ? q.account || undefined : p.account });
}

/** The SMS of the first request, for its replay: as they are now (live, or archived since). */
async function originals(ctx: ApiContext, ids: string[]): Promise<SmsMessage[]> {
  const found = await Promise.all(ids.map((id) => findMessage(ctx.history, id, ctx.lagDays)));
  return found.filter((m): m is SmsMessage => m !== undefined);
}

/**
 * Bridge.cancel for a principal: users only their account's SMS; a refusal as a problem (404 unknown, 409 too late or final).
 * A cancel repeated (a program's retry after a lost answer, a second `mail2sms cancel`) is answered as the first was: what
 * was asked for has happened, as a repeated cancel reply by mail gets its 250; an SMS that ended otherwise stays 409.
 * The operator's token is the command line's: it names the person who ran it (`person`, OPERATOR_HEADER), as the CLI's own audit lines do.
 */
export async function cancelAs(ctx: ApiContext, p: Principal, id: string, via: 'api' | 'portal', person?: string | string[]): Promise<SmsMessage> {
  const by = { ...actorOf(ctx, p, via, person), ...(p.role === 'admin' ? {} : { account: p.account }) };
  const r = await ctx.deps.cancel(id, by);
  if (!r.ok && r.reason !== 'too-late') {
    // Final, or moved to the archive since (not-found): cancelled is the answer the first cancel had.
    const m = r.reason === 'final' ? ctx.deps.store.get(id) ?? r.sms : await findMessage(ctx.history, id, ctx.lagDays);
    if (m?.status === 'cancelled' && maySee(p, m)) return m;
  }
  if (!r.ok) {
    const title = r.reason === 'not-found' ? 'NotFound' : r.reason === 'too-late' ? 'TooLate' : 'AlreadyFinal';
    throw new Problem(r.reason === 'not-found' ? 404 : 409, title, r.message, r.status ? { smsStatus: r.status } : {});
  }
  return ctx.deps.store.get(id) ?? r.sms;
}

/**
 * Who acts, as the SMS's history records it (clerks read it, worded in their language) and, for the command line,
 * the person the CLI names (printable, at most 100 characters) as the log and audit trail record it:
 * "alice (as mail2sms) on the command line". An operator's login is not for the clerk's mail (review 8, B-M1).
 */
function actorOf(ctx: ApiContext, p: Principal, via: 'api' | 'portal', person: string | string[] | undefined): Actor {
  if (p !== ctx.operator) return { who: `${via} user ${p.name}` };
  const name = typeof person === 'string' ? person.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 100) : '';
  return { who: 'the operator (command line)', ...(name ? { person: `${name} on the command line` } : {}) };
}
