import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { SmsMessage } from '../store/types.js';
import { LANGUAGES, type Language } from '../notify/wording/index.js';
import { OPERATOR_HEADER } from './auth.js';
import { cancelBy, refusalProblem, tryCancel } from './cancel-as.js';
import { cancelMail, isCancelled, notAllCancelled } from './cancel-mail.js';
import { maySee, searchPlace, zoneOf, type ApiContext } from './context.js';
import { decodeCursor, exportMessages, findMessage, searchMessages } from './history/search.js';
import { noSmsDetail } from './history/no-sms.js';
import { repliesTo } from './history/replies.js';
import { IdempotencyKeys } from './idempotency.js';
import { nullIsAbsent } from './null-is-absent.js';
import { STATUSES, toQuery, who, type SearchParams } from './params.js';
import { Problem } from './problems.js';
import { previewSms } from './preview.js';
import { submitSms } from './submit.js';
import type { SubmitBody } from './submit-request.js';
import { submitBody, textStaysText } from './submit-schema.js';
import { csvStream, messageView } from './views.js';

const problem = { $ref: 'problem#' };

/** A sender's messages under /api/v1: send (and preview), search and export, one with its timeline, cancel. */
export async function messageRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
  const idempotency = new IdempotencyKeys({ ttlMs: deps.config.store.duplicateWindowHours * 3600_000, now: () => deps.now().getTime() });
  const submitDeps = { ...deps, idempotency };

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
    schema: {
      summary: 'Cancel a queued or scheduled SMS (not one the carrier has or may have), or each such SMS of a mail by its mail id', tags: ['messages'],
      description: 'An SMS id: 200 with the SMS (also when it was cancelled before: a repeat is answered as the first), 409 TooLate (handed to the carrier) or AlreadyFinal (delivered, failed …) with smsStatus. '
        + 'A mail id (the mailId of POST /messages, or of a mail\'s 250): each of its SMS that can still be cancelled is, and results lists every SMS of the mail in order: '
        + '{id, outcome, detail, message}, outcome cancelled, already-cancelled, too-late (handed to the carrier) or already-final (delivered, failed …; message.status says which), '
        + 'detail the sentence why not (null when cancelled), message the SMS as GET /messages/{id} shows it. 200 {mailId, results} when every SMS of the mail is cancelled (now or before); '
        + '409 (problem PartlyCancelled when some are cancelled, NotCancelled when none) with mailId and results when any could not be: those cancelled stay cancelled, and a repeat answers the same. '
        + 'Another account\'s SMS or mail: 404, as an unknown id.',
      response: { 401: problem, 404: problem, 409: problem },
    },
  }, async (req) => {
    const principal = who(req, { change: true });
    const by = cancelBy(ctx, principal, 'api', req.headers[OPERATOR_HEADER]);
    const one = await tryCancel(ctx, principal, req.params.id, by);
    if (one.ok) return messageView(one.sms);
    if (one.reason !== 'not-found') throw refusalProblem(one);
    // Not an SMS id: a mail's, whose SMS are each cancelled where they still can be.
    const results = await cancelMail(ctx, principal, req.params.id, by);
    if (!results.length) throw refusalProblem(one);
    const body = { mailId: req.params.id, results: results.map((r) => ({ id: r.id, outcome: r.outcome, detail: r.detail ?? null, message: messageView(r.sms) })) };
    if (results.every(isCancelled)) return body;
    throw new Problem(409, results.some(isCancelled) ? 'PartlyCancelled' : 'NotCancelled', notAllCancelled(req.params.id, results), body);
  });
}

/** The SMS of the first request, for its replay: as they are now (live, or archived since). */
async function originals(ctx: ApiContext, ids: string[]): Promise<SmsMessage[]> {
  const found = await Promise.all(ids.map((id) => findMessage(ctx.history, id, ctx.lagDays)));
  return found.filter((m): m is SmsMessage => m !== undefined);
}
