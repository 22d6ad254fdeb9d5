import type { SMTPServerSession } from 'smtp-server';
import type { Account } from '../accounts/types.js';

/**
 * The account a transaction belongs to, decided at MAIL FROM and read by
 * RCPT TO and DATA. Kept beside smtp-server's session object rather than
 * on it, so nothing of ours can clash with its fields.
 */
const accounts = new WeakMap<SMTPServerSession, Account>();

export function setSessionAccount(session: SMTPServerSession, account: Account): void {
  accounts.set(session, account);
}

/** Throws when MAIL FROM did not set one: smtp-server only calls RCPT TO and DATA after a successful MAIL FROM. */
export function sessionAccount(session: SMTPServerSession): Account {
  const a = accounts.get(session);
  if (!a) throw new Error(`no account for SMTP session ${session.id}`);
  return a;
}

/** For logs: the account's name if MAIL FROM decided one; never throws. */
export function sessionAccountName(session: SMTPServerSession): string | undefined {
  return accounts.get(session)?.name;
}

/** Who logged in with AUTH: what onAuth hands smtp-server as `session.user`. */
export interface SessionUser {
  name: string;
  account: string;
}

export function sessionUser(session: SMTPServerSession): SessionUser | undefined {
  const u = session.user as Partial<SessionUser> | undefined | false;
  return u && typeof u.name === 'string' && typeof u.account === 'string' ? (u as SessionUser) : undefined;
}
