/** An admin's word in the portal on an SMS a restored backup left uncertain: `mail2sms hold mark`'s buttons. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.js';
import { PortalProblem, safeNext, type Form, type PortalKit } from './portal-kit.js';
import { carrierIdOf } from './portal-views.js';
import { Problem } from './problems.js';

export function portalBackupRoutes(app: FastifyInstance, ctx: ApiContext, kit: PortalKit): void {
  const { deps } = ctx;
  const { person, checkForm } = kit;

  // `mail2sms hold mark` and POST /api/v1/messages/{id}/backup-verdict, for an admin in the portal; audited alike (sms-backup-verdict, by "portal user …").
  app.post<{ Params: { id: string }; Body: Form }>('/messages/:id/backup-verdict', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    const body = req.body ?? {};
    checkForm(req, body);
    if (p.role !== 'admin') throw new PortalProblem(403, 'Forbidden', (t) => t.errors.adminOnly);
    const { verdict } = body;
    if (verdict !== 'sent' && verdict !== 'not-sent') throw new PortalProblem(400, 'BadRequest', (t) => t.errors.verdictUnknown(verdict ?? ''));
    const { carrierId, problem } = carrierIdOf(body.carrierId, verdict);
    if (problem) throw new PortalProblem(400, 'BadRequest', (t) => carrierIdOf(body.carrierId, verdict, t).problem!);
    const id = req.params.id;
    const r = await deps.markBackupVerdict(id, verdict, { who: `portal user ${p.name}` }, carrierId);
    const detail = (notice: string) => reply.redirect(`/messages/${encodeURIComponent(id)}?notice=${notice}`, 303);
    if (r.ok) return body.next ? reply.redirect(safeNext(body.next), 303) : detail(`marked-${verdict}`);
    if (r.reason === 'not-found') throw new Problem(404, 'NotFound', r.message);
    // A double click or a second tab: what was asked for has happened, so it is no error (as a second Cancel).
    return detail(deps.store.get(id)?.history.some((e) => e.backup === verdict) ? `marked-${verdict}` : 'not-uncertain');
  });
}
