import { parseCommand } from './args.js';
import type { Config } from '../config/types.js';
import { normalizeNumber, OptOutList, type OptOutEntry } from '../policy/optout.js';
import { scopeOf } from '../policy/optout-scope.js';
import { canonicalSender } from '../sms/canonical-sender.js';
import { SENDER_ID_FORMS } from '../sms/sender-id.js';
import { adminContext, type AdminContext } from './context.js';
import type { CliIo } from './users.js';

export const OPTOUT_USAGE = `usage:
  mail2sms optout list [<number>]
  mail2sms optout add <number> [--sender <number-or-id>] [--note <text>]
  mail2sms optout remove <number> [--sender <number-or-id>]
Without --sender an entry keeps every SMS from the number: mail to it is refused at RCPT with 550 5.7.1.
With --sender it keeps only SMS from that sender (its own sender ID, else the connector's default, and
SMS whose sender the SMSC picks), refused at DATA with 550 5.7.1, as a STOP the number sent to that sender does.
list shows one entry a line: number, source — config (the configuration file), operator (this command) or sms
(its owner replied STOP; a START reply takes it off again, see inbound.keywords) — scope ("every sender", or
the sender), added, note. National numbers are read in smtp.defaultCountry. The running bridge picks changes
up within a second; the list lives in <store.dir>/settings.json, besides the numbers under "optout" in the
configuration file.`;

const EVERY_SENDER = 'every sender';

/** `mail2sms optout …`: returns the exit code (0 done, 1 refused, 2 usage). */
export async function optoutCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const parsed = parseCommand(args, { note: { type: 'string' }, sender: { type: 'string' } }, OPTOUT_USAGE, io);
  if (!parsed) return 2;
  const { positionals: [verb, input, ...rest], values } = parsed;
  const wrong = misuse(verb, input, rest);
  if (wrong) return usage(io, wrong);
  const n = input === undefined ? undefined : normalizeNumber(input, config.smtp.defaultCountry);
  const sender = values.sender === undefined ? undefined : canonicalSender(values.sender, config.smtp.defaultCountry);
  if (n && 'error' in n) return refuse(io, n.error);
  if (values.sender !== undefined && sender === undefined) return refuse(io, `"${values.sender}" is not a sender: ${SENDER_ID_FORMS}, or a national number`);
  const ctx = await adminContext(config, io.operator);
  const list = new OptOutList(config.optout, ctx.settings);
  const number = n?.e164;
  if (verb === 'list') {
    const entries = number ? list.entries(number) : list.list();
    for (const e of entries) io.out(`${line(e)}\n`);
    // On stderr: the lines on stdout stay one entry each for a script (none, when there is none).
    if (!entries.length) io.err(number ? `${number} is not on the opt-out list\n` : 'the opt-out list is empty\n');
    return 0;
  }
  if (verb === 'add') {
    await list.add(number!, new Date(), { note: values.note, sender });
    await ctx.audit('optout-added', { number, note: values.note, ...scopeOf(sender) });
    io.out(`${number} will not receive SMS ${sender === undefined ? 'any more' : `from ${sender} any more`}\n`);
    return 0;
  }
  return remove(list, number!, sender, { io, ctx, config });
}

async function remove(list: OptOutList, number: string, sender: string | undefined, c: { io: CliIo; ctx: AdminContext; config: Config }): Promise<number> {
  if (!(await list.remove(number, sender))) return refuse(c.io, whyNotRemoved(list, number, sender, c.config));
  await c.ctx.audit('optout-removed', { number, ...scopeOf(sender) });
  c.io.out(`${number} removed from the opt-out list${sender === undefined ? '' : ` for ${sender}`}\n`);
  return 0;
}

/** What there is instead, so that the operator can ask again rightly. */
function whyNotRemoved(list: OptOutList, number: string, sender: string | undefined, config: Config): string {
  const scope = sender === undefined ? 'for every sender' : `for ${sender}`;
  const inConfig = sender === undefined && config.optout.includes(number) ? ' (it is in the configuration file: remove it there)' : '';
  const others = list.entries(number).filter((e) => e.source !== 'config' && e.sender !== sender).map((e) => (e.sender === undefined ? 'without --sender' : `--sender ${e.sender}`));
  const hint = others.length ? `; its run-time entries: ${others.join(', ')}` : '';
  return `${number} is not on the run-time list ${scope}${inConfig}${hint}`;
}

function line(e: OptOutEntry): string {
  const scope = e.sender ?? (e.except?.length ? `${EVERY_SENDER} except ${e.except.join(', ')}` : EVERY_SENDER);
  return [e.number, e.source, scope, e.addedAt ?? '', e.note ?? ''].join('\t');
}

function refuse(io: CliIo, why: string): number {
  io.err(`mail2sms optout: ${why}\n`);
  return 1;
}

/**
 * What the command line gets wrong, said before the usage so that nobody has
 * to compare the two. A number written with spaces and no quotes arrives as
 * several words: the left-over ones are named, with the way to write it.
 */
function misuse(verb: string | undefined, input: string | undefined, rest: string[]): string | undefined {
  if (!verb) return 'mail2sms optout: say what to do: list, add or remove';
  if (!['list', 'add', 'remove'].includes(verb)) return `mail2sms optout: unknown "${verb}": list, add or remove`;
  if (verb !== 'list' && !input) return `mail2sms optout ${verb}: missing the number`;
  if (rest.length) return `mail2sms optout ${verb}: one number at a time; ${rest.map((r) => `"${r}"`).join(' ')} is left over (a number with spaces goes in quotes: "${[input, ...rest].join(' ')}")`;
  return undefined;
}

function usage(io: CliIo, why: string): number {
  io.err(`${why}\n${OPTOUT_USAGE}\n`);
  return 2;
}
