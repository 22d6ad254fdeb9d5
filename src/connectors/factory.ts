/**
 * Connectors from their config entries. One entry per connector type:
 * what is wrong with its settings (checked with the rest of the config, so
 * every problem is reported at once) and how to build it. Adding a type is
 * a schema branch (src/config/connectors-schema.ts), a ConnectorConfig
 * member (src/config/types.ts) and an entry here; the mapped type below
 * makes the compiler ask for it.
 */
import type { ConnectorConfig, ConnectorType } from '../config/types.js';
import type { LogFn } from '../log.js';
import { HttpConnector, optionProblems } from './http/connector.js';
import { httpOptionsFromConfig } from './http/from-config.js';
import { kannelPreset } from './http/kannel.js';
import { SimulatorConnector } from './simulator.js';
import { STANDARD_UDH_OCTETS } from '../sms/segments.js';
import { smppConfigProblems, smppOptionsFromConfig } from './smpp/config.js';
import { SmppConnector } from './smpp/connector.js';
import { udhOctetsOf } from './smpp/plan.js';
import type { Connector } from './types.js';

export interface ConnectorContext {
  now: () => Date;
  /** For connectors with events of their own (link state, throttling). */
  log: LogFn;
  /** Resolves a path relative to store.dir. */
  under: (path: string) => string;
}

type Of<T extends ConnectorType> = Extract<ConnectorConfig, { type: T }>;

interface ConnectorKind<T extends ConnectorType> {
  /** Problems with the settings, each starting with its key below the connector (`http.url: …`). */
  problems(c: Of<T>): string[];
  make(c: Of<T>, ctx: ConnectorContext): Connector;
  /** The sender an SMS without a sender ID of its own goes out with; '' when the aggregator chooses (src/policy/optout-scope.ts asks). */
  defaultSender(c: Of<T>): string;
  /**
   * Octets of the concatenation UDH in each part of a long SMS this connector
   * sends, which decide how many parts are billed (src/dispatch/udh-size.ts).
   */
  udhOctets(c: Of<T>): number;
}

/** Report secrets are the only thing between the internet and our statuses: too short ones are refused. */
const MIN_SECRET = 16;
const secretProblem = (key: string, secret: string, why: string): string[] =>
  secret.length >= MIN_SECRET ? [] : [`${key}: must have at least ${MIN_SECRET} characters (${why})`];

export const CONNECTOR_KINDS: { [T in ConnectorType]: ConnectorKind<T> } = {
  simulator: {
    problems: () => [],
    defaultSender: () => '',
    // It splits nothing; counted as an aggregator would bill it.
    udhOctets: () => STANDARD_UDH_OCTETS,
    make: (c, ctx) => new SimulatorConnector({ name: c.name, ...c.simulator, sentLog: c.simulator.sentLog ? ctx.under(c.simulator.sentLog) : '', now: ctx.now }),
  },
  smpp: {
    problems: (c) => smppConfigProblems(c.smpp),
    defaultSender: (c) => c.smpp.defaultSender,
    udhOctets: (c) => udhOctetsOf(c.smpp.longMessages),
    make: (c, ctx) => new SmppConnector(smppOptionsFromConfig(c.name, c.smpp), { now: ctx.now, log: ctx.log }),
  },
  kannel: {
    defaultSender: (c) => c.kannel.from,
    // Kannel gets the whole text and cuts it itself, behind an 8-bit reference (IEI 00: 153 / 67 a part).
    udhOctets: () => STANDARD_UDH_OCTETS,
    problems: (c) => secretProblem('kannel.secret', c.kannel.secret, 'required for type kannel: reports without it would be accepted from anyone'),
    make: (c, ctx) => {
      const k = c.kannel;
      return new HttpConnector(kannelPreset({
        name: c.name, baseUrl: k.baseUrl, username: k.username, password: k.password, secret: k.secret, dlrMask: k.dlrMask, timeoutMs: k.timeoutMs, throttleQuietMs: k.throttleQuietMs, uncertainStatus: k.uncertainStatus,
        connectorErrorStatus: k.connectorErrorStatus,
        listen: { host: k.listenHost, port: k.listenPort },
        ...(k.from ? { from: k.from } : {}), ...(k.smsc ? { smsc: k.smsc } : {}), ...(k.reportUrl ? { dlrWebhookBase: k.reportUrl } : {}),
        ...(k.moPath ? { moPath: k.moPath } : {}),
      }), { now: ctx.now, log: ctx.log });
    },
  },
  http: {
    problems: (c) => [
      // the secret's rule below is stricter than the connector's own "must not be empty"
      ...optionProblems(httpOptionsFromConfig(c.name, c.http)).filter((p) => !p.startsWith('webhook.secret:')).map((p) => `http.${p}`),
      ...(c.http.webhook.enabled ? secretProblem('http.webhook.secret', c.http.webhook.secret, 'reports without it would be accepted from anyone') : []),
    ],
    make: (c, ctx) => new HttpConnector(httpOptionsFromConfig(c.name, c.http), { now: ctx.now, log: ctx.log }),
    defaultSender: (c) => c.http.from,
    // The aggregator gets the whole text and cuts it; REST aggregators document 153 / 67 a part.
    udhOctets: () => STANDARD_UDH_OCTETS,
  },
};

function kindOf<T extends ConnectorType>(c: Of<T>): ConnectorKind<T> {
  return CONNECTOR_KINDS[c.type as T];
}

/** Problems with one entry's settings; none for an entry whose type the schema already refused. */
export function connectorProblems(c: ConnectorConfig): string[] {
  return Object.hasOwn(CONNECTOR_KINDS, c.type) ? kindOf(c).problems(c) : [];
}

export function makeConnector(c: ConnectorConfig, ctx: ConnectorContext): Connector {
  return kindOf(c).make(c, ctx);
}

/** The sender an SMS without a sender ID goes out with on this connector; '' when its aggregator chooses. */
export function connectorDefaultSender(c: ConnectorConfig): string {
  return kindOf(c).defaultSender(c);
}

/** Octets of the concatenation UDH in each part of a long SMS on this connector; the standard one for an entry whose type the schema already refused. */
export function connectorUdhOctets(c: ConnectorConfig): number {
  return Object.hasOwn(CONNECTOR_KINDS, c.type) ? kindOf(c).udhOctets(c) : STANDARD_UDH_OCTETS;
}
