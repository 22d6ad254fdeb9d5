import type { FastifyInstance } from 'fastify';
import type { Principal } from './auth.js';
import { zoneOf, type ApiContext } from './context.js';
import { addDays, localDay, realDay, who } from './params.js';
import { Problem } from './problems.js';

const problem = { $ref: 'problem#' };
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

/** GET /api/v1/stats: the same figures as the portal's dashboard (statsFor). */
export async function statsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: { from?: string; to?: string; account?: string } }>('/stats', {
    schema: {
      summary: 'Messages and segments by day, status, account, connector and country; delivery rate; time to delivery p50/p95', tags: ['statistics'],
      querystring: { type: 'object', additionalProperties: false, properties: { from: day, to: day, account: { type: 'string' } } },
      response: { 400: problem, 401: problem, 403: problem },
    },
  }, async (req) => statsFor(ctx, who(req), req.query));
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
