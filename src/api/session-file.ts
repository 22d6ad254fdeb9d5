import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { replaceFile } from '../store/durable.js';

/**
 * The portal's and the API's logins as kept across restarts
 * (`<store.dir>/sessions.json`, mode 0600): by the SHA-256 of the token
 * only. Whoever reads the file learns who is logged in and until when, but
 * cannot act as them: the token itself is never written.
 */
export interface SessionsData {
  version: 1;
  /** By the token's digest (base64url SHA-256). */
  sessions: Record<string, { user: string; csrf: string; expires: string }>;
}

export const EMPTY_SESSIONS: SessionsData = { version: 1, sessions: {} };

/**
 * lowdb adapter: atomic, fsynced replaces (replaceFile). An unreadable file
 * is not worth stopping the bridge for — its only loss is that people log
 * in again — so it reads as empty and is replaced by the next login.
 */
export class SessionsFile implements Adapter<SessionsData> {
  constructor(private readonly file: string, private readonly onUnreadable: (detail: string) => void) {}

  async read(): Promise<SessionsData | null> {
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (text === null) return null;
    try {
      const data = JSON.parse(text) as SessionsData;
      if (data.version !== 1 || typeof data.sessions !== 'object' || data.sessions === null) throw new Error('unknown format');
      return data;
    } catch (e) {
      this.onUnreadable((e as Error).message);
      return null;
    }
  }

  write(data: SessionsData): Promise<void> {
    return replaceFile(this.file, JSON.stringify(data) + '\n', 0o600);
  }
}
