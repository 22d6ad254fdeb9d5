import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './users.js';

/**
 * A command's options and positionals, or undefined once the parser's complaint and the command's usage are written
 * to stderr (the caller then exits 2, as for any usage error).
 */
export function parseCommand<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string, io: CliIo) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    io.err(`${(e as Error).message}\n${usage}\n`);
    return undefined;
  }
}
