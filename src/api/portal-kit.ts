/**
 * What every portal route is built with: the page in its language with the portal's headers (render), the logged-in
 * person or the login page (person), the check of a form's origin and CSRF token (checkForm), a page's common data
 * (page) and an SMS's (smsPage), and the refusals worded in the page's language (PortalProblem).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret, type Principal } from './auth.js';
import { zoneOf, type ApiContext } from './context.js';
import { foreignOrigin } from './cross-site.js';
import { pageWording } from './page-wording.js';
import { Problem } from './problems.js';
import { repliesTo } from './history/replies.js';
import { backupUncertain, messageDetail } from './portal-views.js';
import { FINAL_STATUSES, type SmsMessage } from '../store/types.js';
import { en } from './portal-wording/en.js';
import type { PortalWording } from './portal-wording/index.js';

export const SESSION_COOKIE = 'm2s_session';
/** The language chosen with the portal's link, for as long as the browser runs. */
export const LANGUAGE_COOKIE = 'm2s_lang';

export type Form = Record<string, string>;

/**
 * A refusal of the portal's own, worded in the page's language; a program asking for JSON gets the English `detail`
 * as from the REST API.
 */
export class PortalProblem extends Problem {
  constructor(status: number, title: string, readonly words: (t: PortalWording) => string) {
    super(status, title, words(en));
  }
}

export interface PortalKit {
  wordsOf(req: FastifyRequest): PortalWording;
  render(req: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>, status?: number): FastifyReply;
  /** The logged-in person, or a redirect to the login page (undefined: already answered). */
  person(req: FastifyRequest, reply: FastifyReply): Principal | undefined;
  /** A form post must come from our own page: the session's CSRF token, and our origin when the browser names one. */
  checkForm(req: FastifyRequest, body: Form): void;
  /** What every page of a logged-in person has: who, the form token, the hold after a restore. */
  page(req: FastifyRequest, p: Principal, extra: Record<string, unknown>): Record<string, unknown>;
  /** An SMS's page (templates/portal/message.eta): the SMS with its replies, whether it can still be cancelled, whether a restore caught it; `extra` the rest. */
  smsPage(req: FastifyRequest, p: Principal, m: SmsMessage, extra: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The cookies' attributes: SameSite=Strict, HttpOnly, Secure where configured. */
  cookie: { path: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean };
  css: string;
}

export async function portalKit(ctx: ApiContext): Promise<PortalKit> {
  const { deps } = ctx;
  const views = join(deps.templatesDir, 'portal');
  const eta = new Eta({ views, autoEscape: true, cache: true });
  const css = await readFile(join(views, 'portal.css'), 'utf8');
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: deps.config.api.secureCookies };
  const wordsOf = pageWording(deps, LANGUAGE_COOKIE);

  const zoneNote = (p: Principal | undefined, t: PortalWording) => (!p ? '' : p.role === 'admin' ? t.layout.zoneAdmin : t.layout.zoneUser);

  /** The link to the other language comes back to this page; after a form post (no page of its own) to the start. */
  const switchUrl = (req: FastifyRequest, t: PortalWording) => {
    const back = req.method === 'GET' ? req.url : req.url.startsWith('/login') ? '/login' : '/';
    return `/language?${new URLSearchParams({ to: t.switchTo.language, next: back })}`;
  };

  const page: PortalKit['page'] = (req, p, extra) => ({ user: p, csrf: req.csrf ?? '', held: deps.restoreHold?.(), ...extra });

  return {
    wordsOf, cookie, css,
    render: (req, reply, view, data, status = 200) => {
      const t = wordsOf(req);
      const user = data.user as Principal | undefined;
      return reply.status(status)
        .header('content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(eta.render(`./${view}`, { timeZone: zoneOf(ctx, user), zoneNote: zoneNote(user, t), t, switchUrl: switchUrl(req, t), ...data }));
    },
    person: (req, reply) => {
      if (req.principal) return req.principal;
      void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return undefined;
    },
    checkForm: (req, body) => {
      const from = foreignOrigin(req);
      if (from) throw new PortalProblem(403, 'Forbidden', (t) => t.errors.foreignForm(from));
      if (req.authBy !== 'cookie' || !req.csrf || !sameSecret(body._csrf ?? '', req.csrf)) {
        throw new PortalProblem(403, 'Forbidden', (t) => t.errors.formExpired);
      }
    },
    page,
    smsPage: async (req, p, m, extra) => page(req, p, {
      m: messageDetail(m, zoneOf(ctx, p), await repliesTo(deps.store, m, deps.config.inbound.forward.windowHours), wordsOf(req)),
      final: FINAL_STATUSES.has(m.status), cancellable: m.status === 'accepted', caught: backupUncertain(m, deps.restoreHold?.()), ...extra,
    }),
  };
}

/**
 * Only a path of ours, never another site (open redirect). Browsers drop
 * tabs and line breaks anywhere in a URL and read '\\' as '/', so
 * '/\t/evil.example' would be '//evil.example' (review 4c), and a CR LF in
 * the Location header failed the login's answer with a 500: a path with
 * either, or with any blank, is not taken.
 */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s\\\x00-\x1f\x7f]*$/.test(next) ? next : '/';
}
