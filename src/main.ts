#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { Bridge } from './bridge.js';
import { COMMANDS } from './cli/commands.js';
import { earlyAnswer, helpTopic, packageVersion } from './cli/help.js';
import { terminalIo } from './cli/io.js';
import type { Config } from './config/types.js';
import type { OnGc } from './gc-feed.js';

// Only what every run needs is imported at the top. The configuration's loader (--help needs none), each command's
// module (src/cli/commands.ts) and the bridge with its logger are imported once chosen: `mail2sms users list` loaded
// the bridge and every command, about a second of CPU per run.

/**
 * Who runs a command, for the audit log, when not the user it runs as:
 * deploy/mail2sms passes it as MAIL2SMS_OPERATOR (sudo's SUDO_USER, kept
 * across its runuser); a plain sudo sets SUDO_USER.
 */
function operatorOf(): string | undefined {
  return process.env.MAIL2SMS_OPERATOR || process.env.SUDO_USER || undefined;
}

/** Room for the heap to grow between full collections (src/heap-growth.ts); an operator's own --heap-growing-percent wins. */
const HEAP_ROOM_BYTES = 32 * 2 ** 20;

async function limitHeapGrowth(onGc: OnGc): Promise<void> {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  const { adaptHeapGrowth } = await import('./heap-growth.js');
  adaptHeapGrowth(HEAP_ROOM_BYTES, { onGc });
}

/** The only place that reads the environment and argv, and the only one that exits the process. */
async function main(): Promise<void> {
  const { values, tokens } = parseArgs({ options: { config: { type: 'string', short: 'c' }, verbose: { type: 'boolean' } }, allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional');
  const first = positionals[0];
  const asked = (...names: string[]) => tokens.some((t) => t.kind === 'option' && names.includes(t.name));
  const args = { command: first?.value, topic: positionals[1]?.value, help: asked('help', 'h'), version: asked('version', 'V') };
  const early = earlyAnswer(args, await helpTable(helpTopic(args)), packageVersion);
  if (early) {
    process.stdout.write(early);
    process.exit(0);
  }
  // parseArgs keeps the last of two: the CLI wrapper's own --config must not be outvoted by one its caller adds
  // (it runs as the service user, with the service's secrets in the environment).
  if (tokens.filter((t) => t.kind === 'option' && t.name === 'config').length > 1) {
    process.stderr.write('mail2sms: --config is given more than once; give it once\n');
    process.exit(2);
  }
  if (!first) refuseBridgeArguments(tokens);
  const path = typeof values.config === 'string' ? values.config : process.env.MAIL2SMS_CONFIG;
  // The commands use none of the secrets (the SMPP password, callback secrets, the metrics token): a backup from cron or
  // an incident shell must not fail for want of them. Said only with --verbose: cron mails whatever a command prints.
  const allowUnset = first
    ? (names: string[]) => void (values.verbose === true && process.stderr.write(`mail2sms: not set, and not needed by this command: ${names.join(', ')}\n`))
    : undefined;
  const { ConfigError, loadConfig } = await import('./config/load.js');
  const config = await loadConfig(path, process.env, { allowUnset }).catch((e: Error) => {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`mail2sms: ${e.message}\n`);
    process.exit(2);
  });
  if (first) {
    const command = COMMANDS[first.value];
    if (!command) {
      process.stderr.write(`mail2sms: unknown command "${first.value}" (known: ${Object.keys(COMMANDS).join(', ')}; none runs the bridge; mail2sms --help shows them)\n`);
      process.exit(2);
    }
    const code = await (await command.load()).run(commandArgs(tokens, first.index), config, terminalIo(operatorOf()));
    // A long listing into a pipe (cron, | less) is still queued: exiting now would cut it off.
    process.stdout.write('', () => process.exit(code));
    return;
  }
  // One observer of the collections for the heap growth and the bridge's stall watch.
  const gc = new (await import('./gc-feed.js')).GcFeed();
  await limitHeapGrowth(gc.on);
  await serve(config, gc.on);
}

/** The commands' summaries for --help, with the usage of the one asked about (`topic`), whose module alone is loaded for it. */
async function helpTable(topic: string | undefined): Promise<Record<string, { summary: string; usage: string }>> {
  const usage = topic && Object.hasOwn(COMMANDS, topic) ? (await COMMANDS[topic]!.load()).usage : '';
  return Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, { summary: c.summary, usage: name === topic ? usage : '' }]));
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * Without a command every argument is ours, and the bridge takes only
 * --config: anything else is a mistake, said before the configuration is
 * read and not ignored (exit 2, as a bad configuration: systemd does not
 * retry it). --verbose is the commands' (it names the secrets they run
 * without); the bridge's detail is its log.level, where the service's
 * configuration keeps it.
 */
function refuseBridgeArguments(tokens: Token[]): void {
  const refuse = (why: string) => {
    process.stderr.write(`mail2sms: ${why}; mail2sms --help shows what it takes\n`);
    process.exit(2);
  };
  const other = tokens.find((t) => t.kind === 'option' && t.name !== 'config');
  if (other?.kind === 'option' && other.name === 'verbose') {
    refuse('--verbose is for the commands (it names the secrets they run without), not for running the bridge: set log.level in the configuration ("debug" logs the most)');
  }
  if (other?.kind === 'option') refuse(`unknown option ${other.rawName}: running the bridge takes only --config <file>`);
  try {
    parseArgs({ options: { config: { type: 'string', short: 'c' } } });
  } catch (e) {
    refuse((e as Error).message);
  }
}

/** The arguments after the command word, without --config and --verbose (ours, wherever they stood). */
function commandArgs(tokens: Token[], commandIndex: number): string[] {
  const args = process.argv.slice(2);
  const drop = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || (t.name !== 'config' && t.name !== 'verbose')) continue;
    drop.add(t.index);
    if (t.name === 'config' && t.inlineValue === false) drop.add(t.index + 1);
  }
  return args.filter((_, i) => i > commandIndex && !drop.has(i));
}

async function serve(config: Config, onGc: OnGc): Promise<void> {
  const [{ createLogger }, { startBridge }] = await Promise.all([import('./log.js'), import('./bridge.js')]);
  const { logger, log, flush } = createLogger(config.log.level);
  // The last lines (stopped, stop-failed, what came before an uncaught exception) are written before the process goes.
  process.on('exit', flush);
  // Signal handlers go in before anything is announced: a SIGTERM between the
  // "started" line and their installation would kill the process unclean.
  let bridge: Bridge | undefined;
  let requested: string | undefined;
  const shutdown = (b: Bridge) =>
    b.stop().then(
      () => { logger.info({ evt: 'stopped' }); process.exit(0); },
      (e: Error) => { logger.error({ evt: 'stop-failed', error: e.message }); process.exit(1); },
    );
  const onSignal = (signal: string) => {
    if (requested) return;
    requested = signal;
    logger.info({ evt: 'stopping', signal });
    if (bridge) void shutdown(bridge); // else: right after the start below
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // SIGHUP re-reads the TLS certificate (renewed by certbot or the like) without dropping a connection.
  process.on('SIGHUP', () => {
    logger.info({ evt: 'reloading', signal: 'SIGHUP' });
    void bridge?.reload();
  });

  bridge = await startBridge(config, { log, onGc });
  const where = `${bridge.smtp.address}:${bridge.smtp.port}`;
  const connectors = bridge.connectorStatus().map((c) => `${c.name} (${c.type})`);
  const smtps = bridge.smtps ? `${bridge.smtps.address}:${bridge.smtps.port}` : undefined;
  const portal = bridge.api ? `${bridge.api.address}:${bridge.api.port}` : undefined;
  logger.info({ evt: 'started', smtp: where, smtps, tls: bridge.tls?.file, api: portal, domains: config.smtp.domains, connectors, confirmations: bridge.outbox, store: config.store.dir },
    `mail2sms listening on ${where}; mail <number>@${config.smtp.domains[0]} to send an SMS; SMS go to ${connectors.join(', ')}; confirmations go to ${bridge.outbox}${portal ? `; portal and API on http://${portal}/` : ''}`);
  if (requested) void shutdown(bridge);
}

main().catch(async (e: Error) => {
  // A connector that cannot work with its settings is a configuration problem too (exit 2), found only when building it;
  // so is a start refused for what no restart cures (a file the service cannot read, a store it must not open): exit 2
  // stops systemd's restarts (RestartPreventExitStatus=2). 1 is left to what may pass (a port taken, the store's lock).
  const [{ ConfigError }, { CannotStart }] = await Promise.all([import('./config/load.js'), import('./cannot-start.js')]);
  process.stderr.write(`mail2sms: ${e instanceof ConfigError ? '' : 'cannot start: '}${e.message}\n`);
  process.exit(e instanceof ConfigError || e instanceof CannotStart ? 2 : 1);
});
