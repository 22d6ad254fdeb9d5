import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { User, UserRole } from '../accounts/users.js';

/** Who is asking: a user of an account, or the local operator (the CLI, through the token file). */
export interface Principal {
  name: string;
  account: string;
  role: UserRole;
}

export const newToken = () => randomBytes(32).toString('base64url');
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Session {
  user: string;
  csrf: string;
  expires: number;
}

export interface SessionsOptions {
  idleMs: number;
  now: () => Date;
  /** The user as stored now: a removed user's sessions end, a changed role or account applies at once. */
  lookup: (name: string) => User | undefined;
}

/**
 * Logins of the portal (cookie) and the API (bearer token): random tokens,
 * kept in memory by their SHA-256 only, ending after `idleMs` without use.
 * A restart logs everybody out, which is acceptable for a portal and keeps
 * no credential on disk.
 */
export class Sessions {
  private readonly byDigest = new Map<string, Session>();

  constructor(private readonly o: SessionsOptions) {}

  create(user: string): { token: string; csrf: string; expiresAt: string } {
    this.sweep();
    const token = newToken();
    const s: Session = { user, csrf: newToken(), expires: this.o.now().getTime() + this.o.idleMs };
    this.byDigest.set(digest(token), s);
    return { token, csrf: s.csrf, expiresAt: new Date(s.expires).toISOString() };
  }

  /** The session's principal and CSRF token, extending its life; undefined when unknown or expired. */
  use(token: string): { principal: Principal; csrf: string } | undefined {
    const key = digest(token);
    const s = this.byDigest.get(key);
    const now = this.o.now().getTime();
    const user = s && s.expires > now ? this.o.lookup(s.user) : undefined;
    if (!s || !user) {
      this.byDigest.delete(key);
      return undefined;
    }
    s.expires = now + this.o.idleMs;
    return { principal: { name: user.name, account: user.account, role: user.role }, csrf: s.csrf };
  }

  end(token: string): void {
    this.byDigest.delete(digest(token));
  }

  private sweep(): void {
    const now = this.o.now().getTime();
    for (const [k, s] of this.byDigest) if (s.expires <= now) this.byDigest.delete(k);
  }
}

/**
 * HTTP Basic for scripts and ERPs (`curl -u user:password`): a scrypt check
 * costs tens of milliseconds, so a success is remembered for a minute under
 * an HMAC of name and password with a per-process key. Any change to the
 * users (a new password, a removed user) empties the memory.
 */
export class BasicCache {
  private readonly key = randomBytes(32);
  private readonly ok = new Map<string, { user: string; until: number }>();

  constructor(private readonly now: () => Date, private readonly ttlMs = 60_000) {}

  get(name: string, password: string): string | undefined {
    const k = this.mac(name, password);
    const hit = this.ok.get(k);
    if (hit && hit.until > this.now().getTime()) return hit.user;
    this.ok.delete(k);
    return undefined;
  }

  remember(name: string, password: string): void {
    if (this.ok.size > 10_000) this.ok.clear();
    this.ok.set(this.mac(name, password), { user: name, until: this.now().getTime() + this.ttlMs });
  }

  clear(): void {
    this.ok.clear();
  }

  private mac(name: string, password: string): string {
    return createHmac('sha256', this.key).update(name).update('\0').update(password).digest('base64url');
  }
}

/**
 * Failed logins per client address and per user name: after `max` failures
 * within `windowMs` further attempts are refused until the window has
 * passed, so passwords cannot be guessed at scrypt speed.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => Date, private readonly max = 10, private readonly windowMs = 15 * 60_000) {}

  /** Seconds until another attempt is allowed for any of the keys; 0 when allowed now. */
  waitSeconds(keys: string[]): number {
    const now = this.now().getTime();
    let wait = 0;
    for (const k of keys) {
      const recent = (this.failures.get(k) ?? []).filter((t) => t > now - this.windowMs);
      this.failures.set(k, recent);
      if (recent.length >= this.max) wait = Math.max(wait, Math.ceil((recent[0] + this.windowMs - now) / 1000));
      if (!recent.length) this.failures.delete(k);
    }
    return wait;
  }

  failed(keys: string[]): void {
    if (this.failures.size > 100_000) this.failures.clear();
    for (const k of keys) this.failures.set(k, [...(this.failures.get(k) ?? []), this.now().getTime()]);
  }

  succeeded(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
