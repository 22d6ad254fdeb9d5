import type { FastifyInstance } from 'fastify';
import { AccountChangeError, type ChangeActor } from '../accounts/registry.js';
import { EDITABLE_ACCOUNT_KEYS } from '../accounts/schema.js';
import type { Account } from '../accounts/types.js';
import { OPERATOR_HEADER, type Principal } from './auth.js';
import { actorOf } from './cancel-as.js';
import { maySee, type ApiContext } from './context.js';
import { who } from './params.js';
import { Problem } from './problems.js';

const problem = { $ref: 'problem#' };

/** Accounts under /api/v1: those the caller may see, and their default options changed. */
export async function accountRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
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
      return accountView(await deps.accounts.changeDefaults(req.params.name, req.body, changerOf(ctx, p, req.ip, req.headers[OPERATOR_HEADER])));
    } catch (e) {
      if (e instanceof AccountChangeError) throw new Problem(422, 'InvalidDefaults', e.message, { errors: e.problems });
      throw e;
    }
  });
}

/** Who changes an account's defaults through the API, for the audit trail: the operator's token is the command line's. */
function changerOf(ctx: ApiContext, p: Principal, ip: string, person: string | string[] | undefined): ChangeActor {
  if (p !== ctx.operator) return { user: p.name, role: p.role, ip, via: 'api' };
  const actor = actorOf(ctx, p, 'api', person);
  return { user: p.name, role: p.role, ip, via: 'cli', ...(actor.person ? { person: actor.person } : {}) };
}

export function accountView(a: Account) {
  return { ...a, editable: [...EDITABLE_ACCOUNT_KEYS] };
}
