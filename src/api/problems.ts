import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { schemaProblems } from '../config/schema-problems.js';
import { PAUSED_ADVICE, type ErrorName, type SmtpError } from '../smtp/errors.js';

/**
 * An error answered as RFC 9457 problem details (application/problem+json):
 * `title` names the kind of problem (stable, for programs), `detail` says in
 * a sentence what was wrong with this request (for people).
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that go with it (Retry-After of a rate limit). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

/**
 * The API's own sentence for refusals whose mail sentence speaks of a mail
 * (a program sent JSON); name and codes stay the registry's. Refusals that
 * carry values of their own are worded where they are made (TooManyRecipients
 * in submit.ts).
 */
const FOR_A_REQUEST: Partial<Record<ErrorName, (mailText: string) => string>> = {
  NoText: () => 'no text to send: "text" has nothing left once spaces, control characters and invisible characters are removed',
  // Nobody keeps a request: the program must send it again itself (503 with Retry-After, statusOf).
  AccountPaused: (t) => (t.endsWith(PAUSED_ADVICE) ? `${t.slice(0, -PAUSED_ADVICE.length)}the request was not taken: send it again once an operator has released the account` : t),
};

/** A refusal's sentence as a request is told it. */
export function requestText(e: SmtpError): string {
  return FOR_A_REQUEST[e.errorName as ErrorName]?.(e.text) ?? e.text;
}

/** The reply line a mail would get ("550 5.6.0 …"), in a request's words: what a preview shows. */
export function requestReply(e: SmtpError): string {
  return `${e.responseCode} ${e.enhancedCode} ${requestText(e)}`;
}

/**
 * SMTP refusals keep their sentence and name: the API and a clerk's mail
 * client say the same, except where the sentence speaks of a mail
 * (requestText). `detail`: the API's own sentence, where a mail's would not
 * fit a request.
 */
export function fromSmtpError(e: SmtpError, extra: Record<string, unknown> = {}, detail = requestText(e)): Problem {
  const { status, headers } = statusOf([e]);
  return new Problem(status, e.errorName, detail, { smtp: `${e.responseCode} ${e.enhancedCode}`, ...extra }, headers);
}

/**
 * The caller's rate limits, with the seconds after which each has surely let
 * go: the per-minute bucket is full again a minute later, the per-number cap
 * counts the last hour. They are answered 429 with Retry-After (RFC 6585 §4:
 * the user sent too many requests in a given amount of time). 503 stays for
 * the bridge's own state (RFC 9110 §15.6.4, a temporary overload or
 * maintenance: the store unavailable) and an account paused by the fraud
 * brake, which an operator ends, not time.
 */
const RATE_LIMITS: Partial<Record<ErrorName, number>> = { RateExceeded: 60, NumberRateExceeded: 3600 };

/** 422 unless every refusal may pass later; then 429 (with Retry-After: the longest wait) when all are rate limits, else 503 (Retry-After: 60). */
function statusOf(refusals: readonly SmtpError[]): { status: number; headers: Record<string, string> } {
  if (!refusals.every(mayPassLater)) return { status: 422, headers: {} };
  const waits = refusals.map((e) => RATE_LIMITS[e.errorName as ErrorName]);
  // No time can be told (the store back, an operator's release): a minute is a pace at which a program's retries cost nothing.
  if (waits.some((w) => w === undefined)) return { status: 503, headers: { 'retry-after': '60' } };
  return { status: 429, headers: { 'retry-after': String(Math.max(...(waits as number[]))) } };
}

/**
 * Refusals temporary for a mail (4xx) that the same request meets again
 * however often it comes. A 452 to the 101st RCPT tells a mail server to
 * send the rest in another transaction, which it does by itself; a request
 * with 101 numbers sent again is refused again, and a 503 would have a
 * program retry it for ever.
 */
const FINAL_FOR_A_REQUEST: ReadonlySet<ErrorName> = new Set<ErrorName>(['TooManyRecipients']);

/** Whether the same request may pass later (429 or 503, `temporary`), or is refused again until it changes (422). */
export function mayPassLater(e: SmtpError): boolean {
  return e.temporary && !FINAL_FOR_A_REQUEST.has(e.errorName as ErrorName);
}

/**
 * One refusal as a program acts on it, the same in a submit's problem and
 * in a preview: the registry's name (src/smtp/errors.ts), whether trying
 * again later can help, the SMTP reply and enhanced codes a mail would get,
 * and its sentence; `to` the number it refuses, when it refuses one.
 */
export interface Refusal {
  to?: string;
  name: string;
  temporary: boolean;
  code: number;
  enhanced: string;
  text: string;
}

export function refusalOf(e: SmtpError, to?: string): Refusal {
  return { ...(to !== undefined ? { to } : {}), name: e.errorName, temporary: mayPassLater(e), code: e.responseCode, enhanced: e.enhancedCode, text: requestText(e) };
}

/**
 * Numbers refused by a request that is taken whole or not at all. The title
 * is the refusals' name when they share one (one number, or several invalid
 * ones), else RecipientsRefused, or TryAgainLater when every refusal is
 * temporary (429 or 503: the same request may pass later). `recipients` lists each
 * number's Refusal, `detail` their sentences for people, `smtp` their codes
 * (as before `recipients`, kept for programs that read it).
 */
export function recipientsProblem(refused: ReadonlyArray<{ to: string; error: SmtpError }>): Problem {
  const recipients = refused.map((r) => refusalOf(r.error, r.to));
  if (refused.length === 1) return fromSmtpError(refused[0]!.error, { recipients });
  const { status, headers } = statusOf(refused.map((r) => r.error));
  const names = new Set(recipients.map((r) => r.name));
  const title = names.size === 1 ? recipients[0]!.name : status !== 422 ? 'TryAgainLater' : 'RecipientsRefused';
  return new Problem(status, title, recipients.map((r) => r.text).join('; '), {
    smtp: refused.map((r) => `${r.error.responseCode} ${r.error.enhancedCode}`), recipients,
  }, headers);
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [k: string]: unknown;
}

/** Refusals fastify makes before a route runs, in words a person understands; its codes (FST_ERR_…) are no titles. */
const FRAMEWORK_PROBLEMS: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UnsupportedMediaType', 'send the body as JSON, with the header content-type: application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['BodyTooLarge', 'the body is larger than this API accepts'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['BadRequest', 'the body is not as long as its Content-Length header says'],
  // The router's own, before any route (frameworkErrors in server.ts); its message would echo the whole path.
  FST_ERR_MAX_PARAM_LENGTH: ['UriTooLong', 'a part of the path is longer than 100 characters; no id of this gateway is that long'],
  FST_ERR_BAD_URL: ['BadRequest', 'the path is not a valid URL (a % must be followed by two hexadecimal digits)'],
};
const TITLE_OF_STATUS: Record<number, string> = { 404: 'NotFound', 405: 'MethodNotAllowed', 413: 'BodyTooLarge', 415: 'UnsupportedMediaType' };

/** Any thrown error as a problem: ours as they are, fastify's (validation, size) with their status, anything else as 500 without internals. */
export function toProblem(e: unknown): Problem {
  if (e instanceof Problem) return e;
  const fe = e as FastifyError;
  if (fe.validation) {
    // In the configuration's words (is "sent"; allowed: one of …), not the validator's English; the whole body or query is named by its part.
    const errors = schemaProblems(fe.validation as unknown as ErrorObject[], undefined).map((p) => p.replace(/^\(root\)/, fe.validationContext ?? 'request'));
    return new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const [title, detail] = FRAMEWORK_PROBLEMS[fe.code] ?? [TITLE_OF_STATUS[fe.statusCode] ?? 'BadRequest', fe.message];
    return new Problem(fe.statusCode, title, detail);
  }
  return new Problem(500, 'InternalError', 'an unexpected problem occurred; it was logged');
}

export function sendProblem(reply: FastifyReply, p: Problem, request: FastifyRequest): FastifyReply {
  const body: ProblemBody = { type: 'about:blank', title: p.title, status: p.status, detail: p.detail, instance: request.url, ...p.extra };
  return reply.status(p.status).headers(p.headers).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}
