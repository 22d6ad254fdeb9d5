import type { FastifyRequest } from 'fastify';
import { Problem } from './problems.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Where the browser says a request comes from, when it is not this site:
 * an Origin of another host ('null' for a page without one) or Sec-Fetch-Site
 * cross-site/same-site. Host only: behind a TLS proxy the browser says https
 * while we are spoken to in http; req.host is the X-Forwarded-Host of a proxy
 * listed in api.trustProxy (a proxy may send its own Host), else the Host
 * header. Programs send neither header and are never foreign.
 */
export function foreignOrigin(req: FastifyRequest): 'another site' | 'a page without an origin' | undefined {
  const origin = req.headers.origin;
  if (origin === 'null') return 'a page without an origin';
  if (origin && hostOf(origin) !== req.host) return 'another site';
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site' ? 'another site' : undefined;
}

/**
 * Changes through the REST API only from the client itself, never from
 * another site's page. A browser that holds Basic credentials for the
 * gateway (typed into its dialog once) sends them with every request to
 * it, also one another site makes it send; JSON bodies need a CORS
 * preflight this server never grants, but a cancel or a logout has no body.
 */
export async function refuseCrossSite(req: FastifyRequest): Promise<void> {
  if (READS.has(req.method)) return;
  const from = foreignOrigin(req);
  if (from) throw new Problem(403, 'CrossSiteRequest', `a change through the REST API must come from your own program, not from ${from} in a browser`);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
