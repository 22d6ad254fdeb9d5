/**
 * What each connector type's settings amount to, without building one: what
 * is wrong with them (checked with the rest of the config, so every problem
 * is reported at once), the sender an SMS goes out with by default, and the
 * UDH size its long SMS are billed by. Apart from factory.ts, which builds
 * connectors, because every `mail2sms` command checks the configuration and
 * none builds a connector: the connectors' modules with the SMPP library
 * are not loaded for it. Adding a type is an entry here and one in
 * factory.ts; the mapped types make the compiler ask for both.
 */
import type { ConnectorConfig, ConnectorType } from '../config/types.js';
import { optionProblems } from './http/connector.js';
import { httpOptionsFromConfig } from './http/from-config.js';
import { STANDARD_UDH_OCTETS } from '../sms/segments.js';
import { smppConfigProblems } from './smpp/config.js';
import { udhOctetsOf } from './smpp/plan.js';

export type Of<T extends ConnectorType> = Extract<ConnectorConfig, { type: T }>;

interface ConnectorKind<T extends ConnectorType> {
  /** Problems with the settings, each starting with its key below the connector (`http.url: …`). */
  problems(c: Of<T>): string[];
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

const CONNECTOR_KINDS: { [T in ConnectorType]: ConnectorKind<T> } = {
  simulator: {
    problems: () => [],
    defaultSender: () => '',
    // It splits nothing; counted as an aggregator would bill it.
    udhOctets: () => STANDARD_UDH_OCTETS,
  },
  smpp: {
    problems: (c) => smppConfigProblems(c.smpp),
    defaultSender: (c) => c.smpp.defaultSender,
    udhOctets: (c) => udhOctetsOf(c.smpp.longMessages),
  },
  kannel: {
    defaultSender: (c) => c.kannel.from,
    // Kannel gets the whole text and cuts it itself, behind an 8-bit reference (IEI 00: 153 / 67 a part).
    udhOctets: () => STANDARD_UDH_OCTETS,
    problems: (c) => secretProblem('kannel.secret', c.kannel.secret, 'required for type kannel: reports without it would be accepted from anyone'),
  },
  http: {
    problems: (c) => [
      // the secret's rule below is stricter than the connector's own "must not be empty"
      ...optionProblems(httpOptionsFromConfig(c.name, c.http)).filter((p) => !p.startsWith('webhook.secret:')).map((p) => `http.${p}`),
      ...(c.http.webhook.enabled ? secretProblem('http.webhook.secret', c.http.webhook.secret, 'reports without it would be accepted from anyone') : []),
    ],
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

/** The sender an SMS without a sender ID goes out with on this connector; '' when its aggregator chooses. */
export function connectorDefaultSender(c: ConnectorConfig): string {
  return kindOf(c).defaultSender(c);
}

/** Octets of the concatenation UDH in each part of a long SMS on this connector; the standard one for an entry whose type the schema already refused. */
export function connectorUdhOctets(c: ConnectorConfig): number {
  return Object.hasOwn(CONNECTOR_KINDS, c.type) ? kindOf(c).udhOctets(c) : STANDARD_UDH_OCTETS;
}
