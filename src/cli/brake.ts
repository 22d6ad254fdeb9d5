import type { Config } from '../config/types.js';
import { adminContext } from './context.js';
import type { CliIo } from './users.js';

export const BRAKE_USAGE = `usage:
  mail2sms brake list
  mail2sms brake release <account>
An account stopped by the fraud brake gets 451 4.7.1 for all its mail (clients keep it and retry);
its queued SMS are held and go out when it is released.
Check the account's recent traffic (the audit log, "brake-engaged" in the log) before releasing it.`;

/** `mail2sms brake …`: returns the exit code (0 done, 1 refused, 2 usage). */
export async function brakeCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const [verb, account, ...rest] = args;
  if (rest.length || !verb || (verb === 'list') !== !account || !['list', 'release'].includes(verb)) {
    io.err(`${BRAKE_USAGE}\n`);
    return 2;
  }
  const { settings, audit } = await adminContext(config, io.operator);
  if (verb === 'list') {
    const stopped = Object.entries(settings.data.brakes);
    for (const [name, b] of stopped) io.out(`${name}\t${b.since}\t${b.reason}\n`);
    // On stderr: the lines on stdout stay one account each for a script (none, when none is stopped).
    if (!stopped.length) io.err('no account is stopped by the fraud brake\n');
    return 0;
  }
  let was: { since: string; reason: string } | undefined;
  await settings.update((d) => {
    was = d.brakes[account];
    delete d.brakes[account];
  });
  if (!was) {
    io.err(`mail2sms brake: account "${account}" is not stopped\n`);
    return 1;
  }
  await audit('brake-released', { account, since: was.since, reason: was.reason });
  io.out(`account ${account} released; it may send again within a second\n`);
  return 0;
}
