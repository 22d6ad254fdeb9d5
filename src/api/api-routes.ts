import type { FastifyInstance } from 'fastify';
import { accountRoutes } from './account-routes.js';
import { login, type ApiContext } from './context.js';
import { messageRoutes } from './message-routes.js';
import { nullIsAbsent } from './null-is-absent.js';
import { connectorRoutes, operatorRoutes } from './operator-routes.js';
import { who } from './params.js';
import { Problem } from './problems.js';
import { statsRoutes } from './stats-routes.js';

const problem = { $ref: 'problem#' };

/** The JSON API under /api/v1; every route's schema is also its OpenAPI description. */
export async function apiRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
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

  // In the order the OpenAPI document lists them.
  await messageRoutes(app, ctx);
  await operatorRoutes(app, ctx);
  await statsRoutes(app, ctx);
  await accountRoutes(app, ctx);
  await connectorRoutes(app, ctx);
}
