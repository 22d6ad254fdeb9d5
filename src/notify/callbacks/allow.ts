/**
 * Status callback URLs are set by account users (REST API, portal), and the
 * bridge calls them from inside the operator's network: a server-side
 * request forgery vector. Only URLs under a prefix the operator allowed for
 * the account (accounts[].statusCallbacks.allow) are ever called. Pure.
 */

/** Longest URL taken: enough for any receiver, short enough for every log line and journal record. */
export const MAX_URL_LENGTH = 2000;

/** Why `raw` is no usable callback URL at all (scheme, credentials, length), or undefined. */
export function urlProblem(raw: string): string | undefined {
  if (raw.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not a URL (write it whole: https://erp.example.com/sms-status)';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `uses ${u.protocol.replace(/:$/, '')}; allowed: http or https`;
  // Credentials in a URL end up in logs and journals; the signature says who calls.
  if (u.username || u.password) return 'carries a user name or password; allowed: none (check the signature instead)';
  // "/allowed/..%2fadmin" lies under "/allowed/" as written, but a receiver that decodes before it routes reaches /admin.
  if (/%(2f|5c|25)/i.test(u.pathname)) return 'has an encoded "/", "\\" or "%" in its path (%2F, %5C, %25); allowed: a plain path';
  return undefined;
}

/** Why `prefix` cannot be an allow entry, or undefined. */
export function prefixProblem(prefix: string): string | undefined {
  const bad = urlProblem(prefix);
  if (bad) return bad;
  const u = new URL(prefix);
  if (u.search || u.hash || prefix.includes('?') || prefix.includes('#')) return 'has a query or fragment; allowed: scheme, host, port and path only';
  return undefined;
}

/**
 * Whether `url` lies under one of the prefixes: the same scheme, host and
 * port (compared as parsed, so https://erp.acme.test cannot be stretched to
 * https://erp.acme.test.evil.example), and a path that is the prefix's or
 * continues it at a "/".
 */
export function isAllowed(url: string, allow: readonly string[]): boolean {
  if (urlProblem(url)) return false;
  const u = new URL(url);
  return allow.some((p) => {
    if (prefixProblem(p)) return false;
    const a = new URL(p);
    if (a.protocol !== u.protocol || a.host !== u.host) return false;
    return u.pathname === a.pathname || u.pathname.startsWith(a.pathname.endsWith('/') ? a.pathname : `${a.pathname}/`);
  });
}

/** The sentence a refused URL gets (API 422, a config or settings problem): what is wrong, and what is allowed. */
export function refusal(url: string, allow: readonly string[]): string | undefined {
  const bad = urlProblem(url);
  if (bad) return `status callback "${shown(url)}" ${bad}`;
  if (isAllowed(url, allow)) return undefined;
  if (!allow.length) return `status callback "${shown(url)}" is not allowed: the operator allows this account no status callbacks (accounts[].statusCallbacks.allow)`;
  return `status callback "${shown(url)}" is not allowed; allowed: URLs under ${allow.join(', ')}`;
}

/** A URL for logs and refusals: without its query, which may carry a receiver's token. */
export function shown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return url.length > 80 ? `${url.slice(0, 80)}…` : url;
  }
}
