import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { Accounts } from './accounts/registry.js';
import { SettingsStore } from './accounts/settings.js';
import type { Config } from './config/types.js';
import { ConfigError } from './config/load.js';
import { HttpConnector } from './connectors/http/connector.js';
import { kannelPreset } from './connectors/http/kannel.js';
import { SimulatorConnector } from './connectors/simulator.js';
import type { Connector } from './connectors/types.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import type { LogFn } from './log.js';
import { FileOutbox, SmtpRelay, type ConfirmationTransport } from './notify/outbox.js';
import { confirmationsFor } from './notify/policy.js';
import { Notifier } from './notify/worker.js';
import { packageRoot } from './paths.js';
import { createSmtpIngress } from './smtp/server.js';
import { JournalStore } from './store/journal-store.js';

export interface BridgeOptions {
  log: LogFn;
  now?: () => Date;
  /** Random bytes source for ids (injected for tests). */
  random?: (n: number) => Buffer;
  /** Replaces the configured connector (tests). */
  connector?: Connector;
  templatesDir?: string;
}

export interface Bridge {
  smtp: AddressInfo;
  store: JournalStore;
  accounts: Accounts;
  connector: Connector;
  outbox: string;
  stop(): Promise<void>;
}

/** Builds and starts every part from a validated config, in the order a message flows. */
export async function startBridge(config: Config, o: BridgeOptions): Promise<Bridge> {
  const now = o.now ?? (() => new Date());
  const random = o.random ?? randomBytes;
  const dir = resolve(config.store.dir);
  const under = (p: string) => (isAbsolute(p) ? p : join(dir, p));

  // Built first: a connector that cannot work with this config stops the start before anything is opened.
  const connector = o.connector ?? makeConnector(config, under, now);
  const store = new JournalStore({ dir, segmentBytes: config.store.journalSegmentBytes, duplicateWindowHours: config.store.duplicateWindowHours, now, log: o.log });
  await store.open();
  const settings = new SettingsStore({ file: join(dir, 'settings.json'), pollMs: 1000 });
  await settings.open();
  const accounts = new Accounts({
    accounts: config.accounts, settings, log: o.log,
    inherit: { timeZone: config.options.timeZone, defaultCountry: config.smtp.defaultCountry, notify: config.notify.level, maxSegments: config.text.maxSegments },
  });

  await connector.start();

  const dispatcher = new Dispatcher({ store, connector, ...config.dispatch, wantsConfirmation: confirmationsFor, now, log: o.log });
  await dispatcher.start();

  const outbox = under(config.notify.outboxDir);
  const transport = makeTransport(config, outbox);
  const notifier = new Notifier({
    store, transport, from: config.notify.from, reportingMta: config.smtp.hostname,
    templatesDir: o.templatesDir ?? join(packageRoot(), 'templates'), timeZone: config.notify.timeZone,
    retrySeconds: config.notify.retrySeconds, now, log: o.log,
  });
  notifier.start();

  const ingress = createSmtpIngress({
    config, store, accounts, now, wantsConfirmation: confirmationsFor, log: o.log,
    newMailId: () => now().getTime().toString(36).toUpperCase() + random(5).toString('hex').toUpperCase(),
  });
  const smtp = await ingress.listen();

  return {
    smtp, store, accounts, connector, outbox: config.notify.transport === 'file' ? outbox : `${config.notify.relay.host}:${config.notify.relay.port}`,
    async stop() {
      await ingress.close();
      await dispatcher.stop();
      await notifier.stop();
      await connector.stop();
      await transport.close();
      settings.close();
      await store.close();
    },
  };
}

function makeConnector(config: Config, under: (p: string) => string, now: () => Date): Connector {
  const { name } = config.connector;
  if (config.connector.type === 'kannel') {
    const k = config.connector.kannel;
    if (k.secret.length < 16) {
      throw new ConfigError('configuration', ['connector.kannel.secret: must have at least 16 characters for connector type kannel (reports without it would be accepted from anyone)']);
    }
    return new HttpConnector(kannelPreset({
      name, baseUrl: k.baseUrl, username: k.username, password: k.password, secret: k.secret, dlrMask: k.dlrMask, timeoutMs: k.timeoutMs,
      listen: { host: k.listenHost, port: k.listenPort },
      ...(k.from ? { from: k.from } : {}), ...(k.smsc ? { smsc: k.smsc } : {}), ...(k.reportUrl ? { dlrWebhookBase: k.reportUrl } : {}),
    }), { now });
  }
  const sim = config.connector.simulator;
  return new SimulatorConnector({ name, ...sim, sentLog: sim.sentLog ? under(sim.sentLog) : '', now });
}

function makeTransport(config: Config, outbox: string): ConfirmationTransport {
  if (config.notify.transport === 'file') return new FileOutbox(outbox);
  const r = config.notify.relay;
  return new SmtpRelay({ host: r.host, port: r.port, secure: r.secure, auth: r.user ? { user: r.user, pass: r.pass } : undefined, name: config.smtp.hostname });
}
