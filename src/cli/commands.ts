import type { Config } from '../config/types.js';
import type { CliIo } from './users.js';

/** A command once its module is loaded: its usage, and running it with its arguments (an exit code). */
export interface LoadedCommand {
  usage: string;
  run(args: string[], config: Config, io: CliIo): Promise<number>;
}

export interface Command {
  summary: string;
  /**
   * Imports the command's module only when it is chosen (or its usage
   * asked for): loading every command and the bridge for each run cost about
   * a second of CPU per `mail2sms users list`.
   */
  load(): Promise<LoadedCommand>;
}

/** Subcommands beside running the bridge, in the order --help lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  users: {
    summary: 'list, add, change or remove the people who log in (SMTP AUTH, portal, API)',
    load: async () => {
      const m = await import('./users.js');
      return { usage: m.USERS_USAGE, run: m.usersCommand };
    },
  },
  optout: {
    summary: 'the numbers that never receive an SMS',
    load: async () => {
      const m = await import('./optout.js');
      return { usage: m.OPTOUT_USAGE, run: m.optoutCommand };
    },
  },
  brake: {
    summary: 'accounts stopped by the fraud brake, and releasing them',
    load: async () => {
      const m = await import('./brake.js');
      return { usage: m.BRAKE_USAGE, run: m.brakeCommand };
    },
  },
  status: {
    summary: 'where an SMS is (by id, mail id or reference)',
    load: async () => {
      const m = await import('./messages.js');
      return { usage: m.MESSAGES_USAGE, run: (args, config, io) => m.messagesCommand('status', args, config, io) };
    },
  },
  cancel: {
    summary: 'cancel an SMS that has not gone out yet',
    load: async () => {
      const m = await import('./messages.js');
      return { usage: m.MESSAGES_USAGE, run: (args, config, io) => m.messagesCommand('cancel', args, config, io) };
    },
  },
  backup: {
    summary: 'a consistent copy of the store, also while the bridge runs',
    load: async () => {
      const m = await import('./backup.js');
      return { usage: m.BACKUP_USAGE, run: (args, config, io) => m.backupCommand(args, config, io) };
    },
  },
  hold: {
    summary: 'SMS held after a restore from a backup, and releasing them',
    load: async () => {
      const m = await import('./hold.js');
      return { usage: m.HOLD_USAGE, run: (args, config, io) => m.holdCommand(args, config, io) };
    },
  },
};
