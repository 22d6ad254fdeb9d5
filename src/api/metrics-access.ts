import type { FastifyRequest } from 'fastify';
import { NetworkMap } from '../accounts/networks.js';
import type { Config } from '../config/types.js';
import { sameSecret } from './auth.js';
import { Problem } from './problems.js';

/** Headers a reverse proxy adds: a request that carries one speaks for someone else, whoever connected. */
const FORWARDING = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

const LOOPBACK = new NetworkMap<true>();
LOOPBACK.add('127.0.0.0/8', true);
LOOPBACK.add('::1/128', true);

/**
 * Whether a request comes straight from a program on this machine: its peer
 * (the socket's, never a header's) is a loopback address, it is not one of
 * the reverse proxies the operator named (api.trustProxy), and it carries no
 * forwarding header. A proxy on the same machine makes every request from
 * the network come from loopback; those it forwards carry its header. Pure.
 */
export function directLocal(peer: string | undefined, headers: FastifyRequest['headers'], proxies: NetworkMap<true>): boolean {
  if (!LOOPBACK.lookup(peer) || proxies.lookup(peer)) return false;
  return FORWARDING.every((h) => headers[h] === undefined);
}

export type MetricsGuard = (req: FastifyRequest) => void;

/**
 * Who may read /metrics, which names every account with its volume: an
 * admin user or the local operator (their API credentials), Prometheus with
 * api.metrics.token as a bearer token, and without credentials whoever
 * api.metrics.unauthenticated lets in (by default a direct local client,
 * so a Prometheus on the same machine needs no setup). Credentials that are
 * wrong are refused even where none would do: a stale token should be seen.
 * Throws the Problem to answer (401, its challenges added by challengeOn401; 403 for a user of one account).
 */
export function metricsGuard(api: Config['api']): MetricsGuard {
  const { token, unauthenticated } = api.metrics;
  const proxies = new NetworkMap<true>();
  for (const n of api.trustProxy) proxies.add(n, true);
  return (req) => {
    if (req.principal) {
      if (req.principal.role === 'admin') return;
      throw new Problem(403, 'Forbidden', 'the metrics name every account: only an admin user or the operator may read them');
    }
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const [scheme, value = ''] = auth.split(' ', 2);
      if (token && /^bearer$/i.test(scheme) && sameSecret(value.trim(), token)) return;
      throw new Problem(401, 'Unauthorized', 'these credentials do not open /metrics: use api.metrics.token as a bearer token, or an admin user');
    }
    if (unauthenticated === 'anywhere') return;
    if (unauthenticated === 'loopback' && directLocal(req.socket.remoteAddress, req.headers, proxies)) return;
    throw new Problem(401, 'Unauthorized', 'log in to read /metrics: api.metrics.token as a bearer token (Prometheus: authorization credentials_file), or an admin user');
  };
}
