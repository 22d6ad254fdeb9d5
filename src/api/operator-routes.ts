import type { FastifyInstance } from 'fastify';
import type { BackupVerdict } from '../dispatch/backup-verdict.js';
import { OPERATOR_HEADER } from './auth.js';
import { actorOf } from './cancel-as.js';
import type { ApiContext } from './context.js';
import { nullIsAbsent } from './null-is-absent.js';
import { who } from './params.js';
import { Problem } from './problems.js';
import { messageView } from './views.js';

const problem = { $ref: 'problem#' };

/** What only admins (and the operator's command line) may do through /api/v1: settle what a restore left uncertain, see the connectors. */
export async function operatorRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
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
}

/** Connectors' health: gateway-wide, admins only. */
export async function connectorRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
  app.get('/connectors', { schema: { summary: 'Connectors: health now (up, state, window in use, SMS taken by all accounts) and circuit breaker; admins only', tags: ['connectors'] } }, async (req) => {
    // Gateway-wide: what every account sent and how the aggregators are doing is the operator's to know.
    if (who(req).role !== 'admin') throw new Problem(403, 'Forbidden', 'the connectors carry every account\'s SMS: only an admin user or the operator may see them');
    return deps.connectors();
  });
}
