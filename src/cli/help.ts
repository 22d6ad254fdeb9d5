import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** What `mail2sms --help` shows: how to run the bridge and which commands manage it. */
export function generalUsage(commands: Readonly<Record<string, { summary: string }>>): string {
  const rows: Array<[string, string]> = [
    ['[--config <file>]', 'run the bridge (SMTP in, SMS out, confirmations back)'],
    ...Object.entries(commands).map(([name, c]): [string, string] => [name, c.summary]),
    ['<command> --help', "that command's usage"],
    ['--version', 'the version'],
  ];
  const width = Math.max(...rows.map(([what]) => what.length));
  return `usage:
${rows.map(([what, why]) => `  mail2sms ${what.padEnd(width)}  ${why}`).join('\n')}
The configuration file is given with --config or the MAIL2SMS_CONFIG environment variable;
without one the bridge runs on its built-in defaults. Commands read the same file to find the store;
they need none of its secrets ("\${NAME}"), and --verbose names those that were not set.
README.md beside the program has the whole reference.
`;
}

/** The version in package.json: the same from src/ (tsx) and dist/src/ (build). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export interface EarlyArgs {
  /** The first positional argument (a command word), if any. */
  command?: string;
  /** The second positional, for `mail2sms help <command>`. */
  topic?: string;
  help: boolean;
  version: boolean;
}

/** The command whose usage is asked for (`mail2sms help users`, `mail2sms users --help`), if any: the only one whose module help loads. */
export function helpTopic(a: EarlyArgs): string | undefined {
  return a.command === 'help' ? a.topic : a.help ? a.command : undefined;
}

/**
 * Help and version are answered before the configuration is read: asking how
 * to use the program must not fail on a broken file or a missing store.
 * Undefined: nothing to answer here, run the bridge or the command.
 */
export function earlyAnswer(a: EarlyArgs, commands: Readonly<Record<string, { summary: string; usage: string }>>, version: () => string): string | undefined {
  if (a.command === 'version' || (a.version && !a.command)) return `mail2sms ${version()}\n`;
  const topic = helpTopic(a);
  if (a.command !== 'help' && !a.help) return undefined;
  const known = topic ? commands[topic] : undefined;
  return known ? `${known.usage}\n` : generalUsage(commands);
}
