import type { FastifyInstance } from 'fastify';
import { FINAL_STATUSES } from '../store/types.js';
import { newToken, sameSecret } from './auth.js';
import { mailCancelOffer } from './cancel-mail.js';
import { statsFor } from './stats-routes.js';
import { rateChart, volumeChart } from './charts.js';
import { login, maySee, searchPlace, zoneOf, type ApiContext } from './context.js';
import { findMessage, searchMessages } from './history/search.js';
import { addDays, localDay, STATUSES, toQuery, type SearchParams } from './params.js';
import { portalAccountRoutes } from './portal-account-routes.js';
import { portalBackupRoutes } from './portal-backup-routes.js';
import { portalCancelRoutes } from './portal-cancel-routes.js';
import { LANGUAGE_COOKIE, portalKit, PortalProblem, safeNext, SESSION_COOKIE, type Form } from './portal-kit.js';
import { backupUncertain, breakerView, messageRow, receiptsFitting } from './portal-views.js';
import { Problem, sendProblem, toProblem } from './problems.js';
import { SearchRefused } from './search-refusals.js';

const LOGIN_COOKIE = 'm2s_login';

/**
 * The portal: server-rendered pages (templates/portal/*.eta), no script.
 * A cookie session; every form carries the session's CSRF token, and the
 * cookies are SameSite=Strict and HttpOnly. Here the login, the dashboard, the
 * search and an SMS's page; its buttons (portal-cancel-routes.ts,
 * portal-backup-routes.ts) and the accounts' pages (portal-account-routes.ts)
 * have modules of their own.
 */
export async function portalRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
  const kit = await portalKit(ctx);
  const { render, person, checkForm, page, smsPage, wordsOf, cookie, css } = kit;

  // People get a page, programs (asking for JSON) the problem document.
  app.setErrorHandler((e, req, reply) => {
    const p = toProblem(e);
    // Only the unplanned: a refusal we answer on purpose (429 for a limit, 422 …) is logged where it is made (api-refused), without a stack.
    if (!(e instanceof Problem) && p.status >= 500) deps.log('api-error', { url: req.url, error: (e as Error).message, stack: (e as Error).stack });
    if (!req.headers.accept?.includes('text/html')) return sendProblem(reply, p, req);
    const t = wordsOf(req);
    const detail = e instanceof PortalProblem ? e.words(t) : p.detail;
    return render(req, reply, 'error', { user: req.principal, csrf: req.csrf ?? '', title: t.errors.title(p.status, p.title), detail }, p.status);
  });

  app.get('/assets/portal.css', { schema: { hide: true } }, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(css));

  // Only what this browser shows changes, nothing of the gateway: a link, no form and no CSRF token.
  app.get<{ Querystring: { to?: string; next?: string } }>('/language', { schema: { hide: true } }, async (req, reply) => {
    const to = req.query.to === 'de' || req.query.to === 'en' ? req.query.to : undefined;
    if (to) void reply.setCookie(LANGUAGE_COOKIE, to, cookie);
    return reply.redirect(safeNext(req.query.next), 303);
  });

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { hide: true } }, async (req, reply) => {
    const pre = newToken();
    void reply.setCookie(LOGIN_COOKIE, pre, { ...cookie, maxAge: 3600 });
    return render(req, reply, 'login', { csrf: pre, next: safeNext(req.query.next), error: '' });
  });

  app.post<{ Body: Form }>('/login', { schema: { hide: true } }, async (req, reply) => {
    const body = req.body ?? {};
    const pre = req.cookies[LOGIN_COOKIE];
    const again = (error: string, status: number) => {
      const fresh = newToken();
      void reply.setCookie(LOGIN_COOKIE, fresh, { ...cookie, maxAge: 3600 });
      return render(req, reply, 'login', { csrf: fresh, next: safeNext(body.next), error, name: body.user ?? '' }, status);
    };
    const t = wordsOf(req);
    if (!pre || !sameSecret(body._csrf ?? '', pre)) return again(t.login.expired, 403);
    let user;
    try {
      user = await login(ctx, { ip: req.ip, via: 'portal' }, body.user ?? '', body.password ?? '');
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      const wait = Number(e.extra.retryAfter);
      return again(e.status === 429 && wait > 0 ? t.login.locked(Math.ceil(wait / 60)) : e.detail, e.status);
    }
    if (!user) return again(t.login.wrong, 401);
    const s = await ctx.sessions.create(user.name);
    void reply.clearCookie(LOGIN_COOKIE, { path: '/' });
    void reply.setCookie(SESSION_COOKIE, s.token, cookie);
    return reply.redirect(safeNext(body.next), 303);
  });

  app.post<{ Body: Form }>('/logout', { schema: { hide: true } }, async (req, reply) => {
    checkForm(req, req.body ?? {});
    const token = req.cookies[SESSION_COOKIE];
    if (token) await ctx.sessions.end(token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.get<{ Querystring: { days?: string; account?: string } }>('/', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    const days = [7, 14, 30, 90].includes(Number(req.query.days)) ? Number(req.query.days) : 14;
    const to = localDay(deps.now(), zoneOf(ctx, p));
    const from = addDays(to, -(days - 1));
    const account = p.role === 'admin' ? req.query.account || undefined : undefined;
    const stats = await statsFor(ctx, p, { from, to, account });
    const today = stats.byDay.at(-1)!;
    const admin = p.role === 'admin';
    const t = wordsOf(req);
    const charts = { ...t.charts, day: t.day, dayShort: t.dayShort, num: t.num, pct: t.pct };
    return render(req, reply, 'dashboard', page(req, p, {
      stats, today, days, account: account ?? '', accounts: admin ? deps.accounts.list().map((a) => a.name) : [],
      // The connectors' health and counts are the whole gateway's (every account's SMS): an operator's view, not a team lead's.
      volume: volumeChart(stats.byDay, charts), rate: rateChart(stats.byDay, charts), connectors: admin ? deps.connectors().map((c) => ({ ...c, breakerView: breakerView(c.breaker, t) })) : undefined,
    }));
  });

  app.get<{ Querystring: SearchParams & { cursor?: string } }>('/messages', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    const form = { ...req.query };
    const t = wordsOf(req);
    const asked = Object.entries(form).some(([k, v]) => k !== 'cursor' && v);
    let error = '';
    let result: Awaited<ReturnType<typeof searchMessages>> = { items: [] };
    try {
      const q = toQuery(form, p, searchPlace(ctx, p));
      result = await searchMessages(ctx.history, q, { limit: 50, after: req.query.cursor || undefined }, ctx.lagDays);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      error = e instanceof SearchRefused ? t.errors.searchRefused(e.refusal) : t.errors.search(e.detail);
    }
    const params = new URLSearchParams(Object.entries(form).filter(([k, v]) => k !== 'cursor' && typeof v === 'string' && v) as Array<[string, string]>);
    const held = deps.restoreHold?.();
    return render(req, reply, 'messages', page(req, p, {
      form, asked, error, statuses: STATUSES, accounts: p.role === 'admin' ? deps.accounts.list().map((a) => a.name) : [],
      rows: result.items.map((m) => ({ ...messageRow(m, zoneOf(ctx, p), t), markable: p.role === 'admin' && backupUncertain(m, held) })),
      here: req.url,
      nextUrl: result.next ? `/messages?${new URLSearchParams([...params, ['cursor', result.next]])}` : '',
      csvUrl: `/api/v1/messages?${new URLSearchParams([...params, ['format', 'csv']])}`,
      excelUrl: `/api/v1/messages?${new URLSearchParams([...params, ['format', 'csv'], ['sep', 'semicolon']])}`,
    }));
  });

  app.get<{ Params: { id: string }; Querystring: { notice?: string } }>('/messages/:id', { schema: { hide: true } }, async (req, reply) => {
    const p = person(req, reply);
    if (!p) return reply;
    const m = await findMessage(ctx.history, req.params.id, ctx.lagDays);
    const t = wordsOf(req);
    if (!m || !maySee(p, m)) return render(req, reply, 'error', page(req, p, { title: t.errors.notFound, detail: t.errors.noMessage(req.params.id) }), 404);
    const hold = deps.restoreHold?.();
    return render(req, reply, 'message', await smsPage(req, p, m, {
      // Its mail's other SMS (more numbers): offered as a whole while one of them still waits.
      mailCancel: await mailCancelOffer(ctx, p, m),
      mailResults: [],
      notice: req.query.notice ?? '',
      // The buttons of `mail2sms hold mark`, with the connector it was being handed to; everyone sees that a restore caught it (smsPage's caught).
      uncertain: p.role === 'admin' && backupUncertain(m, hold) ? { connector: m.history.at(-1)?.connector ?? '' } : undefined,
      // What `mail2sms hold` lists of it: receipts of carrier ids this bridge never gave out that fit it and others.
      receipts: p.role === 'admin' && hold && !FINAL_STATUSES.has(m.status) ? receiptsFitting(deps.backupReceipts(), m.id, zoneOf(ctx, p), t) : [],
    }));
  });

  portalCancelRoutes(app, ctx, kit);
  portalBackupRoutes(app, ctx, kit);
  portalAccountRoutes(app, ctx, kit);
}
