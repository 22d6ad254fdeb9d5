import type { FastifyRequest } from 'fastify';
import type { Language } from '../notify/wording/index.js';
import { portalLanguage, portalWordingFor, type PortalWording } from './portal-wording/index.js';

/** What the language of a page is decided from: the account a user belongs to, the gateway's language. */
export interface WordingSource {
  accounts: { get(name: string): { language?: Language } | undefined };
  config: { notify: { language: Language } };
}

/**
 * A page's wording (portalLanguage: the chosen one, the account's, the gateway's or the browser's), decided once per
 * request: a route needs it for its sentences and the page's frame for its own, and each asked again (an account
 * lookup and a parse of Accept-Language) for the same answer.
 */
export function pageWording(deps: WordingSource, languageCookie: string): (req: FastifyRequest) => PortalWording {
  const decided = new WeakMap<FastifyRequest, PortalWording>();
  return (req) => {
    const known = decided.get(req);
    if (known) return known;
    const t = portalWordingFor(portalLanguage({
      chosen: req.cookies[languageCookie],
      user: req.principal && { role: req.principal.role, accountLanguage: deps.accounts.get(req.principal.account)?.language },
      gateway: deps.config.notify.language,
      acceptLanguage: req.headers['accept-language'],
    }));
    decided.set(req, t);
    return t;
  };
}
