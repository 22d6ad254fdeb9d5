import { isIP } from 'node:net';
import { NetworkMap } from '../accounts/networks.js';
import type { Config } from '../config/types.js';

/** An address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function loopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

type Warning = { setting: string; warning: string };
type ApiExposure = Pick<Config['api'], 'host' | 'secureCookies' | 'metrics' | 'trustProxy'>;

/**
 * What the start log warns of: where the API listens beyond loopback,
 * cookies that a proxy's plain HTTP would carry and /metrics open to anyone
 * (every account's name and volume, every connector's state); where it sits
 * behind a proxy on this machine that api.trustProxy does not name, /metrics
 * open to whoever that proxy forwards. One sentence each.
 */
export function exposureWarnings(api: ApiExposure): Warning[] {
  if (loopbackHost(api.host)) return unnamedLocalProxy(api) ? [UNNAMED_PROXY] : [];
  const out: Warning[] = [];
  if (!api.secureCookies) out.push({ setting: 'api.secureCookies', warning: 'the portal listens beyond loopback without secureCookies: reach it only through a TLS proxy' });
  if (api.metrics.unauthenticated === 'anywhere') {
    out.push({
      setting: 'api.metrics.unauthenticated',
      warning: 'anyone who can reach the API reads /metrics without credentials (api.metrics.unauthenticated: "anywhere"): every account\'s name and volume, every connector\'s state; keep a firewall in front, or give Prometheus api.metrics.token and set "loopback" or "nowhere"',
    });
  }
  return out;
}

const UNNAMED_PROXY: Warning = {
  setting: 'api.trustProxy',
  warning: 'the API listens on loopback with secureCookies, so a TLS proxy on this machine forwards to it, and api.trustProxy does not name it: '
    + 'a request it forwards without X-Forwarded-For looks local and reads /metrics without credentials (api.metrics.unauthenticated: "loopback"); '
    + 'name the proxy in api.trustProxy (e.g. "127.0.0.1"; a Prometheus on this machine then needs api.metrics.token too), or set "nowhere"',
};

/**
 * A loopback API with secure cookies can only be reached over HTTPS through
 * a proxy on this machine (the bridge speaks plain HTTP); unless trustProxy
 * names a loopback address, loopback peers count as local clients for /metrics.
 */
function unnamedLocalProxy(api: ApiExposure): boolean {
  if (!api.secureCookies || api.metrics.unauthenticated !== 'loopback') return false;
  const proxies = new NetworkMap<true>();
  for (const n of api.trustProxy) proxies.add(n, true);
  return !proxies.lookup('127.0.0.1') && !proxies.lookup('::1') && !api.trustProxy.some((n) => loopbackHost(n.split('/')[0]));
}
