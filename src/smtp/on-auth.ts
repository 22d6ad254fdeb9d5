import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerSession } from 'smtp-server';
import { plainAddress } from '../accounts/networks.js';
import type { Accounts } from '../accounts/registry.js';
import type { Users } from '../accounts/users.js';
import type { AuthThrottle } from './auth-throttle.js';
import { errors } from './errors.js';
import type { SessionUser } from './session-account.js';

export interface AuthDeps {
  users: Pick<Users, 'verify'>;
  accounts: Pick<Accounts, 'get'>;
  throttle: AuthThrottle;
  maxFailuresPerSession: number;
  now: () => Date;
  log: (evt: string, data: Record<string, unknown>) => void;
  /** Injected so tests need not wait out real delays. */
  sleep?: (ms: number) => Promise<void>;
}

type Callback = (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void;

const failures = new WeakMap<SMTPServerSession, number>();
/** Failed logins so far in `session`; a later successful one still counts them, but MAIL FROM asks for the user first. */
export function failedLogins(session: SMTPServerSession): number {
  return failures.get(session) ?? 0;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * AUTH PLAIN and LOGIN against the users of accounts. Which connections are
 * offered AUTH at all (TLS, or a plaintext network) is decided at connect
 * time (connection-guard.ts); this handler checks the password, delays
 * every failure more, and closes sessions and IPs that keep guessing.
 */
export function onAuth(deps: AuthDeps) {
  const sleep = deps.sleep ?? wait;
  // The promise is returned so that answerUnplanned (server.ts) answers and logs what throws in its steps.
  return (auth: SMTPServerAuthentication, session: SMTPServerSession, callback: Callback): Promise<void> | void => {
    const ip = plainAddress(session.remoteAddress);
    const name = auth.username ?? '';
    const base = { cid: session.id, ip, user: name.slice(0, 128), method: auth.method, tls: session.secure };
    const locked = deps.throttle.lockedUntil(ip);
    if (locked !== undefined) {
      deps.log('auth-locked', base);
      return callback(errors.AuthLocked(ip, String(Math.max(1, Math.ceil((locked - deps.now().getTime()) / 60_000)))));
    }
    return deps.users.verify(name, auth.password ?? '').then(
      async (user) => {
        if (user && deps.accounts.get(user.account)) {
          deps.throttle.succeeded(name);
          deps.log('auth-succeeded', { ...base, account: user.account });
          const who: SessionUser = { name: user.name, account: user.account };
          return callback(null, { user: who });
        }
        const delayMs = deps.throttle.failed(ip, name);
        const n = (failures.get(session) ?? 0) + 1;
        failures.set(session, n);
        deps.log('auth-failed', { ...base, failures: n, delayMs });
        await sleep(delayMs);
        callback(n >= deps.maxFailuresPerSession ? errors.AuthTooManyFailures() : errors.AuthFailed());
      },
      (e: Error) => {
        deps.log('auth-error', { ...base, error: e.message });
        callback(errors.AuthUnavailable());
      },
    );
  };
}
