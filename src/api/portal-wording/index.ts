/**
 * The portal's wording, one table per language (en.ts, de.ts), and the rule
 * that picks the language of a page.
 */
import { LANGUAGES, type Language } from '../../notify/wording/index.js';
import { de } from './de.js';
import { en, type PortalWording } from './en.js';

export type { PortalWording } from './en.js';

const TABLES: Readonly<Record<Language, PortalWording>> = { en, de };

export function portalWordingFor(language: Language): PortalWording {
  return TABLES[language];
}

const isLanguage = (s: string | undefined): s is Language => s !== undefined && (LANGUAGES as readonly string[]).includes(s);

/**
 * The language of a page: the one chosen with the portal's link (remembered in a cookie), else a logged-in user's
 * account's (accounts[].language, which inherits notify.language), an admin's the gateway's notify.language, else the
 * browser's first preference (Accept-Language: de… is German, anything else English).
 */
export function portalLanguage(f: { chosen?: string; user?: { role: string; accountLanguage?: Language }; gateway: Language; acceptLanguage?: string }): Language {
  if (isLanguage(f.chosen)) return f.chosen;
  if (f.user) return f.user.role === 'admin' ? f.gateway : (f.user.accountLanguage ?? f.gateway);
  return browserLanguage(f.acceptLanguage);
}

/** The browser's most preferred of ours: "de-AT,de;q=0.9,en;q=0.8" is German, "en-US,de;q=0.5" English; none of ours: English. */
export function browserLanguage(header: string | undefined): Language {
  const ranked = (header ?? '').split(',').map((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
    return { base: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
  }).filter((x) => x.q > 0 && isLanguage(x.base)).sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.base as Language | undefined) ?? 'en';
}
