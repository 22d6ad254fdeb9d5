/**
 * Connectors from their config entries, one maker per connector type.
 * Adding a type is a schema branch (src/config/connectors-schema.ts), a
 * ConnectorConfig member (src/config/types.ts), an entry in kinds.ts (what
 * is wrong with its settings, its default sender, its UDH size) and one
 * here; the mapped types make the compiler ask for them.
 */
import type { ConnectorType } from '../config/types.js';
import type { LogFn } from '../log.js';
import { HttpConnector } from './http/connector.js';
import { httpOptionsFromConfig } from './http/from-config.js';
import { kannelPreset } from './http/kannel.js';
import type { Of } from './kinds.js';
import { SimulatorConnector } from './simulator.js';
import { smppOptionsFromConfig } from './smpp/config.js';
import { SmppConnector } from './smpp/connector.js';
import type { Timers } from './smpp/socket.js';
import type { Connector } from './types.js';

export { connectorDefaultSender, connectorProblems, connectorUdhOctets } from './kinds.js';

export interface ConnectorContext {
  now: () => Date;
  /** For connectors with events of their own (link state, throttling). */
  log: LogFn;
  /** Resolves a path relative to store.dir. */
  under: (path: string) => string;
  /** Response timeouts, enquire_link and reconnects of SMPP connectors (real ones unless a test runs them on cue). */
  smppTimers?: Timers;
}

const MAKERS: { [T in ConnectorType]: (c: Of<T>, ctx: ConnectorContext) => Connector } = {
  simulator: (c, ctx) => new SimulatorConnector({ name: c.name, ...c.simulator, sentLog: c.simulator.sentLog ? ctx.under(c.simulator.sentLog) : '', now: ctx.now }),
  smpp: (c, ctx) => new SmppConnector(smppOptionsFromConfig(c.name, c.smpp), { now: ctx.now, log: ctx.log, timers: ctx.smppTimers }),
  kannel: (c, ctx) => {
    const k = c.kannel;
    return new HttpConnector(kannelPreset({
      name: c.name, baseUrl: k.baseUrl, username: k.username, password: k.password, secret: k.secret, dlrMask: k.dlrMask, timeoutMs: k.timeoutMs, throttleQuietMs: k.throttleQuietMs, uncertainStatus: k.uncertainStatus,
      connectorErrorStatus: k.connectorErrorStatus,
      listen: { host: k.listenHost, port: k.listenPort },
      ...(k.from ? { from: k.from } : {}), ...(k.smsc ? { smsc: k.smsc } : {}), ...(k.reportUrl ? { dlrWebhookBase: k.reportUrl } : {}),
      ...(k.moPath ? { moPath: k.moPath } : {}),
    }), { now: ctx.now, log: ctx.log });
  },
  http: (c, ctx) => new HttpConnector(httpOptionsFromConfig(c.name, c.http), { now: ctx.now, log: ctx.log }),
};

export function makeConnector<T extends ConnectorType>(c: Of<T>, ctx: ConnectorContext): Connector {
  return MAKERS[c.type as T](c, ctx);
}
