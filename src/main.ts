#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startBridge, type Bridge } from './bridge.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './log.js';

/** The only place that reads the environment and argv, and the only one that exits the process. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
  const path = values.config ?? process.env.MAIL2SMS_CONFIG;
  let config;
  try {
    config = await loadConfig(path, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`mail2sms: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const { logger, log } = createLogger(config.log.level);
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

  bridge = await startBridge(config, { log });
  const where = `${bridge.smtp.address}:${bridge.smtp.port}`;
  logger.info({ evt: 'started', smtp: where, domains: config.smtp.domains, connector: bridge.connector.name, confirmations: bridge.outbox, store: config.store.dir },
    `mail2sms listening on ${where}; mail <number>@${config.smtp.domains[0]} to send an SMS; confirmations go to ${bridge.outbox}`);
  if (requested) void shutdown(bridge);
}

main().catch((e: Error) => {
  process.stderr.write(`mail2sms: cannot start: ${e.message}\n`);
  process.exit(1);
});
