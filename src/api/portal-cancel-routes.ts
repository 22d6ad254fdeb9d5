/** The portal's cancel buttons on an SMS's page: this SMS, or every SMS of its mail. */
import type { FastifyInstance } from 'fastify';
import { cancelAs, cancelBy } from './cancel-as.js';
import { cancelMail } from './cancel-mail.js';
import { maySee, type ApiContext } from './context.js';
import { findMessage } from './history/search.js';
import type { Form, PortalKit } from './portal-kit.js';
import { Problem } from './problems.js';

export function portalCancelRoutes(app: FastifyInstance, ctx: ApiContext, kit: PortalKit): void {
  const { render, person, checkForm, page, smsPage, wordsOf } = kit;

  app.post<{ Params: { id: string }; Body: Form }>('/messages/:id/cancel', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    checkForm(req, req.body ?? {});
    try {
      await cancelAs(ctx, p, req.params.id, 'portal');
    } catch (e) {
      if (!(e instanceof Problem) || e.status !== 409) throw e;
      // A double click or a second tab: what was asked for has happened, so it is no error (review 4c).
      const notice = e.extra?.smsStatus === 'cancelled' ? 'cancelled' : 'too-late';
      return reply.redirect(`/messages/${encodeURIComponent(req.params.id)}?notice=${notice}`, 303);
    }
    return reply.redirect(`/messages/${encodeURIComponent(req.params.id)}?notice=cancelled`, 303);
  });

  // Every SMS of the SMS's mail, as the REST cancel by mail id and `mail2sms cancel <mail id>` do; each one's outcome on its page.
  app.post<{ Params: { id: string }; Body: Form }>('/messages/:id/cancel-mail', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    checkForm(req, req.body ?? {});
    const m = await findMessage(ctx.history, req.params.id, ctx.lagDays);
    const t = wordsOf(req);
    if (!m || !maySee(p, m)) return render(req, reply, 'error', page(req, p, { title: t.errors.notFound, detail: t.errors.noMessage(req.params.id) }), 404);
    const results = await cancelMail(ctx, p, m.mailId, cancelBy(ctx, p, 'portal'));
    const now = (await findMessage(ctx.history, m.id, ctx.lagDays)) ?? m;
    return render(req, reply, 'message', await smsPage(req, p, now, {
      notice: '', receipts: [], mailCancel: undefined,
      mailResults: results.map((r) => ({ id: r.id, to: r.sms.to, outcome: r.outcome, status: r.sms.status })),
    }));
  });
}
