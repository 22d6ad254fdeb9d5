import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
