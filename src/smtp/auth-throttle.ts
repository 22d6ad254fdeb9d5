/**
 * Failed logins, remembered per client IP and per user name: each failure
 * delays the reply more (doubling up to a cap), and an IP with too many
 * failures in the window is refused AUTH outright until they age out.
 * A user name alone is never locked: that would let anyone lock a known
 * user out. Guessing one user's password from many IPs still meets the
 * growing delay, and every connection spends it (maxConnectionsPerIp).
 * Pure over an injected clock; bounded in memory.
 */
export interface AuthThrottleOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  maxFailuresPerIp: number;
  windowMs: number;
  now?: () => number;
  /** Most IPs and most user names tracked each; the oldest are forgotten first. */
  maxKeys?: number;
}

const MAX_NAME = 256;

export class AuthThrottle {
  private readonly byIp = new Map<string, number[]>();
  private readonly byUser = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly o: AuthThrottleOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Until when (epoch ms) AUTH from this IP is refused, or undefined. */
  lockedUntil(ip: string): number | undefined {
    const f = this.recent(this.byIp, ip);
    if (f.length < this.o.maxFailuresPerIp) return undefined;
    return f[f.length - this.o.maxFailuresPerIp] + this.o.windowMs;
  }

  /** Records a failure and returns how long (ms) its reply should wait. */
  failed(ip: string, user: string): number {
    const n = Math.max(this.add(this.byIp, ip), this.add(this.byUser, user.slice(0, MAX_NAME)));
    if (this.o.baseDelayMs <= 0) return 0;
    return Math.min(this.o.baseDelayMs * 2 ** Math.min(n - 1, 30), this.o.maxDelayMs);
  }

  /** A success clears the user's failures (not the IP's: one good account must not reset guessing at others). */
  succeeded(user: string): void {
    this.byUser.delete(user.slice(0, MAX_NAME));
  }

  private recent(map: Map<string, number[]>, key: string): number[] {
    const since = this.now() - this.o.windowMs;
    const f = (map.get(key) ?? []).filter((t) => t > since);
    if (f.length) map.set(key, f);
    else map.delete(key);
    return f;
  }

  private add(map: Map<string, number[]>, key: string): number {
    const f = this.recent(map, key);
    f.push(this.now());
    // Re-inserted so that Map order is least recently failed first, and only as many kept as can matter.
    map.delete(key);
    map.set(key, f.slice(-Math.max(this.o.maxFailuresPerIp, 32)));
    for (const oldest of map.keys()) {
      if (map.size <= (this.o.maxKeys ?? 100_000)) break;
      map.delete(oldest);
    }
    return f.length;
  }
}
