import { parseCommand } from './args.js';
import { UserError, Users, type UserRole } from '../accounts/users.js';
import type { Config } from '../config/types.js';
import { adminContext } from './context.js';

export interface CliIo {
  /** The whole of standard input, for --password-stdin. */
  readStdin: () => Promise<string>;
  /** Asks without echo (a terminal); undefined when there is none. */
  askHidden?: (prompt: string) => Promise<string>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Who runs the command, when not the operating-system user it runs as (sudo's SUDO_USER, through deploy/mail2sms): for the audit log. */
  operator?: string;
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
  const parsed = parseCommand(args, { account: { type: 'string' }, role: { type: 'string', default: 'user' }, 'password-stdin': { type: 'boolean', default: false } }, USERS_USAGE, io);
  if (!parsed) return 2;
  const { positionals: [verb, name], values } = parsed;
  const { settings, accounts, audit } = await adminContext(config, io.operator);
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
      const all = users.list();
      for (const u of all) io.out(`${u.name}\t${u.account}\t${u.role}\t${u.createdAt}\n`);
      // On stderr, as for brake and optout list: stdout stays one user a line.
      if (!all.length) io.err('no users yet: mail2sms users add <name> --account <account>\n');
      return 0;
    }
    if (verb === 'add' && name && values.account) {
      if (values.role !== 'user' && values.role !== 'admin') throw new UserError(`--role must be user or admin, not "${values.role}"`);
      const u = await users.add(name, values.account, await password(), values.role as UserRole);
      await audit('user-added', { user: u.name, account: u.account, role: u.role });
      io.out(`added user ${u.name} to account ${u.account} (${u.role})\n`);
      // A user of an account without addresses could not send: MAIL FROM needs one of them (confirmations go there).
      if (!accounts.get(u.account)?.addresses.length) io.err(`note: account ${u.account} lists no sender addresses; its users can log in but not send until it does\n`);
      return 0;
    }
    if (verb === 'passwd' && name) {
      await users.setPassword(name, await password());
      await audit('user-password-changed', { user: name });
      io.out(`password of ${name} changed\n`);
      return 0;
    }
    if (verb === 'remove' && name) {
      await users.remove(name);
      await audit('user-removed', { user: name });
      io.out(`removed user ${name}\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    io.err(`mail2sms users: ${e.message}\n`);
    return 1;
  }
  io.err(`${missing(verb, name, values.account)}${USERS_USAGE}\n`);
  return 2;
}

/** What the command line lacks, said before the usage so that nobody has to compare the two. */
function missing(verb: string | undefined, name: string | undefined, account: string | undefined): string {
  if (!verb) return 'mail2sms users: say what to do: list, add, passwd or remove\n';
  if (!['list', 'add', 'passwd', 'remove'].includes(verb)) return `mail2sms users: unknown "${verb}": list, add, passwd or remove\n`;
  if (verb === 'list') return `mail2sms users list takes no name ("${name}")\n`;
  const lacking = [...(name ? [] : ['the user name']), ...(verb === 'add' && !account ? ['--account <account>'] : [])];
  return lacking.length ? `mail2sms users ${verb}: missing ${lacking.join(' and ')}\n` : '';
}
