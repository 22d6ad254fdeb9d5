import type { Adapter } from 'lowdb';
import { readStateFile, replaceFile } from '../store/durable.js';

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
    try {
      return (await readStateFile<SessionsData>(this.file, 'sessions')) ?? null;
    } catch (e) {
      this.onUnreadable((e as Error).message);
      return null;
    }
  }

  write(data: SessionsData): Promise<void> {
    return replaceFile(this.file, JSON.stringify(data) + '\n', 0o600);
  }
}
