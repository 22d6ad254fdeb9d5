/** The portal's pages of accounts: the list (admins) and an account's default options, which its team lead may change. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountChangeError } from '../accounts/registry.js';
import type { Principal } from './auth.js';
import { maySee, type ApiContext } from './context.js';
import type { Form, PortalKit } from './portal-kit.js';
import { accountForm, formChanges, formProblems } from './portal-views.js';

export function portalAccountRoutes(app: FastifyInstance, ctx: ApiContext, kit: PortalKit): void {
  const { deps } = ctx;
  const { render, person, checkForm, page, wordsOf } = kit;
  // What an account's empty field falls back to, so that an account's own "none" is told from "not set".
  const inherited = { quietHours: deps.config.options.quietHours };

  app.get('/accounts', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    if (p.role !== 'admin') return reply.redirect(`/accounts/${encodeURIComponent(p.account)}`, 303);
    return render(req, reply, 'accounts', page(req, p, { accounts: deps.accounts.list() }));
  });

  const accountPage = (req: FastifyRequest, reply: FastifyReply, p: Principal, name: string, extra: { values?: Form; problems?: string[]; saved?: boolean }, status = 200) => {
    const a = deps.accounts.get(name);
    const t = wordsOf(req);
    if (!a || !maySee(p, { account: name })) return render(req, reply, 'error', page(req, p, { title: t.errors.notFound, detail: t.errors.noAccount(name) }), 404);
    return render(req, reply, 'account', page(req, p, { a, fields: accountForm(a, extra.values, extra.problems, t, inherited), problems: extra.problems ?? [], saved: extra.saved ?? false }), status);
  };

  app.get<{ Params: { name: string }; Querystring: { saved?: string } }>('/accounts/:name', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    return accountPage(req, reply, p, req.params.name, { saved: req.query.saved === '1' });
  });

  app.post<{ Params: { name: string }; Body: Form }>('/accounts/:name', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    const body = req.body ?? {};
    checkForm(req, body);
    const a = deps.accounts.get(req.params.name);
    if (!a || !maySee(p, { account: a.name })) return accountPage(req, reply, p, req.params.name, {});
    const t = wordsOf(req);
    const { patch, problems } = formChanges(a, body, t, inherited);
    // A field that is not JSON leaves the others to be checked all the same: every problem at once, nothing saved.
    if (problems.length) return accountPage(req, reply, p, a.name, { values: body, problems: [...problems, ...formProblems(deps.accounts.defaultsReasons(a.name, patch), t)] }, 422);
    try {
      await deps.accounts.changeDefaults(a.name, patch, { user: p.name, role: p.role, ip: req.ip, via: 'portal' });
    } catch (e) {
      if (!(e instanceof AccountChangeError)) throw e;
      return accountPage(req, reply, p, a.name, { values: body, problems: formProblems(e.reasons, t) }, 422);
    }
    return reply.redirect(`/accounts/${encodeURIComponent(a.name)}?saved=1`, 303);
  });
}
