import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { Accounts } from '../accounts/registry.js';
import { SettingsStore } from '../accounts/settings.js';
import { UserError, Users, type UserRole } from '../accounts/users.js';
import type { Config } from '../config/types.js';

export interface CliIo {
  /** The whole of standard input, for --password-stdin. */
  readStdin: () => Promise<string>;
  /** Asks without echo (a terminal); undefined when there is none. */
  askHidden?: (prompt: string) => Promise<string>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const USERS_USAGE = `usage:
  mail2sms users list
  mail2sms users add <name> --account <account> [--role user|admin] [--password-stdin]
  mail2sms users passwd <name> [--password-stdin]
  mail2sms users remove <name>
Passwords are read from the terminal without echo, or from standard input with --password-stdin.
The running bridge picks changes up within a second; users live in <store.dir>/settings.json as scrypt hashes.`;

/** `mail2sms users …`: returns the exit code (0 done, 1 refused, 2 usage). */
export async function usersCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: { account: { type: 'string' }, role: { type: 'string', default: 'user' }, 'password-stdin': { type: 'boolean', default: false } },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USERS_USAGE}\n`);
    return 2;
  }
  const { positionals: [verb, name], values } = parsed;
  const settings = new SettingsStore({ file: join(resolve(config.store.dir), 'settings.json') });
  await settings.open();
  const accounts = new Accounts({ accounts: config.accounts, settings, inherit: { timeZone: config.options.timeZone, defaultCountry: config.smtp.defaultCountry, notify: config.notify.level, maxSegments: config.text.maxSegments } });
  const users = new Users(settings, accounts);
  const password = async () => {
    if (values['password-stdin']) return (await io.readStdin()).replace(/\r?\n$/, '');
    if (!io.askHidden) throw new UserError('no terminal to ask for the password: use --password-stdin');
    const first = await io.askHidden('password: ');
    if (first !== (await io.askHidden('again: '))) throw new UserError('the two passwords differ');
    return first;
  };
  try {
    if (verb === 'list' && !name) {
      for (const u of users.list()) io.out(`${u.name}\t${u.account}\t${u.role}\t${u.createdAt}\n`);
      return 0;
    }
    if (verb === 'add' && name && values.account) {
      if (values.role !== 'user' && values.role !== 'admin') throw new UserError(`--role must be user or admin, not "${values.role}"`);
      const u = await users.add(name, values.account, await password(), values.role as UserRole);
      io.out(`added user ${u.name} to account ${u.account} (${u.role})\n`);
      return 0;
    }
    if (verb === 'passwd' && name) {
      await users.setPassword(name, await password());
      io.out(`password of ${name} changed\n`);
      return 0;
    }
    if (verb === 'remove' && name) {
      await users.remove(name);
      io.out(`removed user ${name}\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    io.err(`mail2sms users: ${e.message}\n`);
    return 1;
  }
  io.err(`${USERS_USAGE}\n`);
  return 2;
}
