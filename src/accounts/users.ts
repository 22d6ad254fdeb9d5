import type { Accounts } from './registry.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { SettingsStore, StoredUser, UserRole } from './settings.js';
import type { VerificationCache } from './verify-cache.js';

export type { StoredUser, UserRole } from './settings.js';

/** A user as the rest of the bridge sees it: never the hash. */
export interface User {
  name: string;
  account: string;
  role: UserRole;
  createdAt: string;
}

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const MIN_PASSWORD = 10;

const view = (name: string, u: StoredUser): User => ({ name, account: u.account, role: u.role, createdAt: u.createdAt });

/**
 * The people and systems that log in: SMTP AUTH and the portal use the same
 * users. Each belongs to one account; an `admin` also sees every account in
 * the portal. Kept in the settings file (written by the CLI and the portal),
 * never in the config file, and only as scrypt hashes.
 */
export class Users {
  constructor(
    private readonly settings: SettingsStore,
    private readonly accounts: Pick<Accounts, 'get'>,
    private readonly now: () => Date = () => new Date(),
    /** Successful logins remembered for a while (SMTP AUTH); see verify-cache.ts. */
    private readonly cache?: VerificationCache,
  ) {}

  list(): User[] {
    return Object.entries(this.settings.data.users).map(([n, u]) => view(n, u)).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): User | undefined {
    const u = this.settings.data.users[name];
    return u ? view(name, u) : undefined;
  }

  async add(name: string, account: string, password: string, role: UserRole = 'user'): Promise<User> {
    if (!NAME.test(name)) throw new UserError(`"${name}" is not a valid user name (letters, digits and . _ @ + -, at most 128)`);
    if (!this.accounts.get(account)) throw new UserError(`no account "${account}" in the configuration`);
    const passwordHash = await hashPassword(checkedPassword(password));
    await this.settings.update((d) => {
      if (d.users[name]) throw new UserError(`user "${name}" exists already`);
      d.users[name] = { account, role, passwordHash, createdAt: this.now().toISOString() };
    });
    return this.get(name)!;
  }

  async remove(name: string): Promise<void> {
    await this.settings.update((d) => {
      if (!d.users[name]) throw new UserError(`no user "${name}"`);
      delete d.users[name];
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(checkedPassword(password));
    await this.settings.update((d) => {
      const u = d.users[name];
      if (!u) throw new UserError(`no user "${name}"`);
      u.passwordHash = passwordHash;
    });
  }

  /** The user when name and password match, else undefined; the same work is done for unknown names, so timing tells nothing. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const u = this.settings.data.users[name];
    if (u && this.cache?.has(name, password, u.passwordHash)) return view(name, u);
    const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
    if (!ok || !u) return undefined;
    this.cache?.remember(name, password, u.passwordHash);
    return view(name, u);
  }
}

// A well-formed hash that no known password matches, checked against when the user does not exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

function checkedPassword(p: string): string {
  if ([...p].length < MIN_PASSWORD) throw new UserError(`the password must have at least ${MIN_PASSWORD} characters`);
  return p;
}
