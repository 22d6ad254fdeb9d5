import { parseArgs } from 'node:util';
import type { Config } from '../config/types.js';
import { normalizeNumber, OptOutList } from '../policy/optout.js';
import { adminContext } from './context.js';
import type { CliIo } from './users.js';

export const OPTOUT_USAGE = `usage:
  mail2sms optout list
  mail2sms optout add <number> [--note <text>]
  mail2sms optout remove <number>
Numbers on the list never receive an SMS: mail to them is refused at RCPT with 550 5.7.1.
list shows where each comes from: config (the configuration file), operator (this command) or sms
(its owner replied STOP to an SMS; a START reply takes it off again, see inbound.keywords).
National numbers are read in smtp.defaultCountry. The running bridge picks changes up within a second;
the list lives in <store.dir>/settings.json, besides the numbers under "optout" in the configuration file.`;

/** `mail2sms optout …`: returns the exit code (0 done, 1 refused, 2 usage). */
export async function optoutCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { note: { type: 'string' } } });
  } catch (e) {
    io.err(`${(e as Error).message}\n${OPTOUT_USAGE}\n`);
    return 2;
  }
  const { positionals: [verb, input, ...rest], values } = parsed;
  if (rest.length || !verb) return usage(io);
  const { settings, audit } = await adminContext(config);
  const list = new OptOutList(config.optout, settings);
  if (verb === 'list' && !input) {
    for (const e of list.list()) io.out(`${e.number}\t${e.source}\t${e.addedAt ?? ''}\t${e.note ?? ''}\n`);
    return 0;
  }
  if ((verb !== 'add' && verb !== 'remove') || !input) return usage(io);
  const n = normalizeNumber(input, config.smtp.defaultCountry);
  if ('error' in n) {
    io.err(`mail2sms optout: ${n.error}\n`);
    return 1;
  }
  if (verb === 'add') {
    await list.add(n.e164, new Date(), values.note);
    await audit('optout-added', { number: n.e164, note: values.note });
    io.out(`${n.e164} will not receive SMS any more\n`);
    return 0;
  }
  if (!(await list.remove(n.e164))) {
    const inConfig = config.optout.includes(n.e164) ? ' (it is in the configuration file: remove it there)' : '';
    io.err(`mail2sms optout: ${n.e164} is not on the run-time list${inConfig}\n`);
    return 1;
  }
  await audit('optout-removed', { number: n.e164 });
  io.out(`${n.e164} removed from the opt-out list\n`);
  return 0;
}

function usage(io: CliIo): number {
  io.err(`${OPTOUT_USAGE}\n`);
  return 2;
}
