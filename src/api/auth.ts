import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Low } from 'lowdb';
import type { User, UserRole } from '../accounts/users.js';
import type { LogFn } from '../log.js';
import { EMPTY_SESSIONS, SessionsFile, type SessionsData } from './session-file.js';

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
  /** The expiry as last written to the file. */
  saved: number;
}

export interface SessionsOptions {
  idleMs: number;
  now: () => Date;
  /** The user as stored now: a removed user's sessions end, a changed role or account applies at once. */
  lookup: (name: string) => User | undefined;
  /** Where the sessions are kept across restarts (<store.dir>/sessions.json); without it, in memory only. */
  file?: string;
  log?: LogFn;
}

/** A session in use is written again only when its expiry has moved this far: not a disk write per request. */
const SAVE_AFTER_MS = 60_000;
/** Logins kept per user; a script that logs in for every call must not grow the file without end. */
const MAX_PER_USER = 100;

/**
 * Logins of the portal (cookie) and the API (bearer token): random tokens,
 * known by their SHA-256 only, ending after `idleMs` without use. They are
 * kept in memory and, with `file`, on disk too, so that a deploy or a crash
 * does not log every team lead out. A login and a logout are on disk before
 * they are answered (a logged-out token must not come back with a restart);
 * the extended expiry of a session in use at most once a minute, so after a
 * restart a session may end up to a minute early.
 */
export class Sessions {
  private readonly byDigest = new Map<string, Session>();
  private readonly db?: Low<SessionsData>;
  private queued?: Promise<void>;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly o: SessionsOptions) {
    if (o.file) {
      const file = o.file;
      this.db = new Low(new SessionsFile(file, (detail) => o.log?.('sessions-unreadable', { file, detail })), structuredClone(EMPTY_SESSIONS));
    }
  }

  /** Reads the sessions of the last run, without the expired ones. */
  async open(): Promise<void> {
    if (!this.db) return;
    await this.db.read();
    const now = this.o.now().getTime();
    let dropped = false;
    for (const [key, s] of Object.entries(this.db.data?.sessions ?? {})) {
      // A shorter sessionHours than when it was written applies at once.
      const expires = Math.min(Date.parse(s.expires), now + this.o.idleMs);
      if (expires > now) this.byDigest.set(key, { user: s.user, csrf: s.csrf, expires, saved: expires });
      else dropped = true;
    }
    if (dropped) await this.save();
  }

  /** Waits for the last write. */
  async close(): Promise<void> {
    await this.writing;
  }

  async create(user: string): Promise<{ token: string; csrf: string; expiresAt: string }> {
    this.sweep(user);
    const token = newToken();
    const expires = this.o.now().getTime() + this.o.idleMs;
    const s: Session = { user, csrf: newToken(), expires, saved: expires };
    this.byDigest.set(digest(token), s);
    await this.save();
    return { token, csrf: s.csrf, expiresAt: new Date(s.expires).toISOString() };
  }

  /** The session's principal and CSRF token, extending its life; undefined when unknown or expired. */
  use(token: string): { principal: Principal; csrf: string } | undefined {
    const key = digest(token);
    const s = this.byDigest.get(key);
    const now = this.o.now().getTime();
    const user = s && s.expires > now ? this.o.lookup(s.user) : undefined;
    if (!s || !user) {
      // Not written now: an expired session is dropped when the file is read, a removed user's finds nobody then either.
      this.byDigest.delete(key);
      return undefined;
    }
    s.expires = now + this.o.idleMs;
    if (s.expires - s.saved >= SAVE_AFTER_MS) void this.save();
    return { principal: { name: user.name, account: user.account, role: user.role }, csrf: s.csrf };
  }

  async end(token: string): Promise<void> {
    if (this.byDigest.delete(digest(token))) await this.save();
  }

  /** Drops expired sessions, and `user`'s least recently used ones beyond MAX_PER_USER - 1. */
  private sweep(user: string): void {
    const now = this.o.now().getTime();
    const mine: Array<[string, Session]> = [];
    for (const [k, s] of this.byDigest) {
      if (s.expires <= now) this.byDigest.delete(k);
      else if (s.user === user) mine.push([k, s]);
    }
    mine.sort((a, b) => a[1].expires - b[1].expires);
    for (const [k] of mine.slice(0, Math.max(0, mine.length - MAX_PER_USER + 1))) this.byDigest.delete(k);
  }

  /**
   * Writes all sessions; changes made while a write runs share the next
   * one. A failed write is logged, never the request's failure: the session
   * works in memory and the next write carries it.
   */
  private save(): Promise<void> {
    const db = this.db;
    if (!db) return Promise.resolve();
    if (!this.queued) {
      const run = this.writing.then(async () => {
        this.queued = undefined;
        const sessions: SessionsData['sessions'] = {};
        for (const [k, s] of this.byDigest) {
          sessions[k] = { user: s.user, csrf: s.csrf, expires: new Date(s.expires).toISOString() };
          s.saved = s.expires;
        }
        db.data = { version: 1, sessions };
        await db.write().catch((e: Error) => this.o.log?.('sessions-save-failed', { file: this.o.file, error: e.message }));
      });
      this.queued = run;
      this.writing = run;
    }
    return this.queued;
  }
}

/** Who runs a CLI command through the operator's token; heeded only with that token (cancel-as.ts cancelAs). */
export const OPERATOR_HEADER = 'x-mail2sms-operator';
