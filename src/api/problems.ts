import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { SmtpError } from '../smtp/errors.js';

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
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

/** SMTP refusals keep their sentence and name: the API and a clerk's mail client say the same. */
export function fromSmtpError(e: SmtpError): Problem {
  const status = e.temporary ? 503 : 422;
  return new Problem(status, e.errorName, e.text, { smtp: `${e.responseCode} ${e.enhancedCode}` });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [k: string]: unknown;
}

/** Any thrown error as a problem: ours as they are, fastify's (validation, size) with their status, anything else as 500 without internals. */
export function toProblem(e: unknown): Problem {
  if (e instanceof Problem) return e;
  const fe = e as FastifyError;
  if (fe.validation) {
    const errors = fe.validation.map((v) => {
      const where = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || fe.validationContext || 'request';
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      return extra ? `${where}: unknown field "${extra}"` : `${where}: ${v.message ?? v.keyword}`;
    });
    return new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new Problem(fe.statusCode, fe.code ?? 'BadRequest', fe.message);
  }
  return new Problem(500, 'InternalError', 'an unexpected problem occurred; it was logged');
}

export function sendProblem(reply: FastifyReply, p: Problem, request: FastifyRequest): FastifyReply {
  const body: ProblemBody = { type: 'about:blank', title: p.title, status: p.status, detail: p.detail, instance: request.url, ...p.extra };
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}
