import { isIP } from 'node:net';
import type { Config } from '../config/types.js';

/** An address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function loopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * What the start log warns of when the API listens beyond loopback: cookies
 * that a proxy's plain HTTP would carry, and /metrics open to anyone (every
 * account's name and volume, every connector's state). One sentence each.
 */
export function exposureWarnings(api: Pick<Config['api'], 'host' | 'secureCookies' | 'metrics'>): Array<{ setting: string; warning: string }> {
  if (loopbackHost(api.host)) return [];
  const out: Array<{ setting: string; warning: string }> = [];
  if (!api.secureCookies) out.push({ setting: 'api.secureCookies', warning: 'the portal listens beyond loopback without secureCookies: reach it only through a TLS proxy' });
  if (api.metrics.unauthenticated === 'anywhere') {
    out.push({
      setting: 'api.metrics.unauthenticated',
      warning: 'anyone who can reach the API reads /metrics without credentials (api.metrics.unauthenticated: "anywhere"): every account\'s name and volume, every connector\'s state; keep a firewall in front, or give Prometheus api.metrics.token and set "loopback" or "nowhere"',
    });
  }
  return out;
}
