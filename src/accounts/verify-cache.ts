import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Remembers successful logins for a short time, so that an ERP system that
 * opens a new connection (and logs in again) for every mail does not cost a
 * scrypt computation (~50 ms of CPU) each time.
 *
 * What is kept per user is an HMAC of name, stored hash and password under a
 * key that exists only in this process's memory: never the password, and
 * nothing that helps after a restart. Whoever can read this process's memory
 * could test guesses against it faster than against scrypt, but could equally
 * read passwords as they arrive, so the cache gives nothing new away.
 * Only successes are kept: a wrong password always costs the full scrypt, and
 * a changed password (another stored hash) or a removed user never matches.
 */
export interface VerificationCacheOptions {
  ttlMs: number;
  /** Most users remembered; the least recently verified go first. */
  maxEntries?: number;
  now?: () => number;
}

export class VerificationCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { digest: Buffer; until: number }>();
  private readonly now: () => number;

  constructor(private readonly o: VerificationCacheOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Whether this exact name, password and stored hash were verified within the last ttlMs. */
  has(name: string, password: string, storedHash: string): boolean {
    const e = this.entries.get(name);
    if (!e) return false;
    if (e.until <= this.now()) {
      this.entries.delete(name);
      return false;
    }
    return timingSafeEqual(e.digest, this.digest(name, password, storedHash));
  }

  remember(name: string, password: string, storedHash: string): void {
    if (this.o.ttlMs <= 0) return;
    this.entries.delete(name);
    this.entries.set(name, { digest: this.digest(name, password, storedHash), until: this.now() + this.o.ttlMs });
    const max = this.o.maxEntries ?? 10_000;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(name: string, password: string, storedHash: string): Buffer {
    return createHmac('sha256', this.key).update(`${name}\0${storedHash}\0`).update(password, 'utf8').digest();
  }
}
