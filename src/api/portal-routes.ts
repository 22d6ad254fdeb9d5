import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountChangeError } from '../accounts/registry.js';
import { FINAL_STATUSES } from '../store/types.js';
import { newToken, sameSecret, type Principal } from './auth.js';
import { cancelAs, cancelBy } from './cancel-as.js';
import { cancelMail, smsOfMail } from './cancel-mail.js';
import { statsFor } from './stats-routes.js';
import { rateChart, volumeChart } from './charts.js';
import { foreignOrigin } from './cross-site.js';
import { login, maySee, searchPlace, zoneOf, type ApiContext } from './context.js';
import { findMessage, searchMessages } from './history/search.js';
import { repliesTo } from './history/replies.js';
import { addDays, localDay, STATUSES, toQuery, type SearchParams } from './params.js';
import { accountForm, backupUncertain, breakerView, carrierIdOf, formChanges, formProblems, messageDetail, messageRow, receiptsFitting } from './portal-views.js';
import { Problem, sendProblem, toProblem } from './problems.js';
import { SearchRefused } from './search-refusals.js';
import { en } from './portal-wording/en.js';
import type { PortalWording } from './portal-wording/index.js';
import { pageWording } from './page-wording.js';

export const SESSION_COOKIE = 'm2s_session';
const LOGIN_COOKIE = 'm2s_login';
/** The language chosen with the portal's link, for as long as the browser runs. */
const LANGUAGE_COOKIE = 'm2s_lang';

/**
 * A refusal of the portal's own, worded in the page's language; a program asking for JSON gets the English `detail`
 * as from the REST API.
 */
class PortalProblem extends Problem {
  constructor(status: number, title: string, readonly words: (t: PortalWording) => string) {
    super(status, title, words(en));
  }
}

type Form = Record<string, string>;

/**
 * The portal: server-rendered pages (templates/portal/*.eta), no script.
 * A cookie session; every form carries the session's CSRF token, and the
 * cookies are SameSite=Strict and HttpOnly.
 */
export async function portalRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { deps } = ctx;
  const views = join(deps.templatesDir, 'portal');
  const eta = new Eta({ views, autoEscape: true, cache: true });
  const css = await readFile(join(views, 'portal.css'), 'utf8');
  const secure = deps.config.api.secureCookies;
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure };

  const zoneNote = (p: Principal | undefined, t: PortalWording) => (!p ? '' : p.role === 'admin' ? t.layout.zoneAdmin : t.layout.zoneUser);

  const wordsOf = pageWording(deps, LANGUAGE_COOKIE);

  /** The link to the other language comes back to this page; after a form post (no page of its own) to the start. */
  const switchUrl = (req: FastifyRequest, t: PortalWording) => {
    const back = req.method === 'GET' ? req.url : req.url.startsWith('/login') ? '/login' : '/';
    return `/language?${new URLSearchParams({ to: t.switchTo.language, next: back })}`;
  };

  const render = (req: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>, status = 200) => {
    const t = wordsOf(req);
    const user = data.user as Principal | undefined;
    return reply.status(status)
    .header('content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
      .send(eta.render(`./${view}`, { timeZone: zoneOf(ctx, user), zoneNote: zoneNote(user, t), t, switchUrl: switchUrl(req, t), ...data }));
  };

  /** The logged-in person, or a redirect to the login page (undefined: already answered). */
  const person = (req: FastifyRequest, reply: FastifyReply): Principal | undefined => {
    if (req.principal) return req.principal;
    void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return undefined;
  };

  /** A form post must come from our own page: the session's CSRF token, and our origin when the browser names one. */
  const checkForm = (req: FastifyRequest, body: Form) => {
    const from = foreignOrigin(req);
    if (from) throw new PortalProblem(403, 'Forbidden', (t) => t.errors.foreignForm(from));
    if (req.authBy !== 'cookie' || !req.csrf || !sameSecret(body._csrf ?? '', req.csrf)) {
      throw new PortalProblem(403, 'Forbidden', (t) => t.errors.formExpired);
    }
  };

  const page = (req: FastifyRequest, p: Principal, extra: Record<string, unknown>) => ({ user: p, csrf: req.csrf ?? '', held: deps.restoreHold?.(), ...extra });

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
    const cancellable = m.status === 'accepted';
    const hold = deps.restoreHold?.();
    const caught = backupUncertain(m, hold);
    // Its mail's other SMS (more numbers, or a text split): offered as a whole while one of them still waits.
    const siblings = await smsOfMail(ctx, p, m.mailId);
    return render(req, reply, 'message', page(req, p, {
      mailCancel: siblings.length > 1 && siblings.some((x) => x.status === 'accepted') ? { mailId: m.mailId, count: siblings.length } : undefined,
      mailResults: [],
      m: messageDetail(m, zoneOf(ctx, p), await repliesTo(deps.store, m, deps.config.inbound.forward.windowHours), t), final: FINAL_STATUSES.has(m.status), cancellable, notice: req.query.notice ?? '',
      // The buttons of `mail2sms hold mark`, with the connector it was being handed to.
      uncertain: p.role === 'admin' && caught ? { connector: m.history.at(-1)?.connector ?? '' } : undefined,
      // What `mail2sms hold` lists of it: receipts of carrier ids this bridge never gave out that fit it and others.
      receipts: p.role === 'admin' && hold && !FINAL_STATUSES.has(m.status) ? receiptsFitting(deps.backupReceipts(), m.id, zoneOf(ctx, p), t) : [],
      // Everyone: its status reads `submitting`, which is otherwise over in a moment.
      caught,
    }));
  });

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
    return render(req, reply, 'message', page(req, p, {
      m: messageDetail(now, zoneOf(ctx, p), await repliesTo(deps.store, now, deps.config.inbound.forward.windowHours), t), final: FINAL_STATUSES.has(now.status),
      cancellable: now.status === 'accepted', notice: '', receipts: [], caught: backupUncertain(now, deps.restoreHold?.()), mailCancel: undefined,
      mailResults: results.map((r) => ({ id: r.id, to: r.sms.to, outcome: r.outcome, status: r.sms.status })),
    }));
  });

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
    return render(req, reply, 'account', page(req, p, { a, fields: accountForm(a, extra.values, extra.problems, t), problems: extra.problems ?? [], saved: extra.saved ?? false }), status);
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
    const { patch, problems } = formChanges(a, body, wordsOf(req));
    // A field that is not JSON leaves the others to be checked all the same: every problem at once, nothing saved.
    if (problems.length) return accountPage(req, reply, p, a.name, { values: body, problems: [...problems, ...formProblems(deps.accounts.defaultsProblems(a.name, patch))] }, 422);
    try {
      await deps.accounts.changeDefaults(a.name, patch, { user: p.name, role: p.role, ip: req.ip, via: 'portal' });
    } catch (e) {
      if (!(e instanceof AccountChangeError)) throw e;
      return accountPage(req, reply, p, a.name, { values: body, problems: formProblems(e.problems) }, 422);
    }
    return reply.redirect(`/accounts/${encodeURIComponent(a.name)}?saved=1`, 303);
  });
}

/**
 * Only a path of ours, never another site (open redirect). Browsers drop
 * tabs and line breaks anywhere in a URL and read '\\' as '/', so
 * '/\t/evil.example' would be '//evil.example' (review 4c), and a CR LF in
 * the Location header failed the login's answer with a 500: a path with
 * either, or with any blank, is not taken.
 */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s\\\x00-\x1f\x7f]*$/.test(next) ? next : '/';
}
