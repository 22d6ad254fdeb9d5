/** The `routes` and `defaultRoute` parts of the config schema: which connectors an SMS may take, in which order. */
import { bool, obj, str, stringMap, strings } from './schema-kit.js';

/** Facts about an SMS a rule can match on besides number, account and sender (src/dispatch/router.ts computes them). */
export const MESSAGE_KINDS = ['gsm7', 'unicode', 'single', 'multipart', 'scheduled'] as const;

const target = {
  connectors: {
    type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1,
    description: 'Connector names this route uses, in order of preference (weighted: the order among standbys).',
  },
  strategy: str('failover', 'failover: the first usable connector, the next one on a temporary error, when it is down or its breaker is open; weighted: split traffic by weights, failing over to the others when the chosen one cannot take it.', { enum: ['failover', 'weighted'] }),
  weights: stringMap('For strategy weighted: a weight for every connector of the route, e.g. {"a": 3, "b": 1}. Weight 0 makes a standby, used only when the others cannot take the SMS.', { type: 'integer', minimum: 0, maximum: 1000000 }),
};

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['connectors'],
  properties: {
    name: str('', 'Name shown in logs and reasons; empty means "#<n>" (its 1-based place in the list).'),
    match: obj('What the SMS must be like; every list given must contain a match (lists left empty match anything).', {
      prefixes: strings([], 'E.164 prefixes of the destination, e.g. ["+44", "+4915"].', { pattern: '^\\+[0-9]{1,14}$' }),
      countries: strings([], 'ISO 3166 countries of the destination (from the number plan), e.g. ["DE", "AT"].', { pattern: '^[A-Z]{2}$' }),
      accounts: strings([], 'Sending accounts (accounts[].name).', { minLength: 1 }),
      senders: strings([], 'Sender IDs (as the SMS carries them; case-sensitive).', { minLength: 1 }),
      kinds: strings([], 'Message kinds: gsm7 / unicode (encoding), single / multipart (one segment or more), scheduled (has a send time).', { enum: [...MESSAGE_KINDS] }),
    }),
    ...target,
  },
};

export const routesSchema = {
  type: 'array',
  items: rule,
  default: [],
  description: 'Routing rules, tried in order; the first whose match fits the SMS decides its connectors (a later rule is never used, even when all of the first one\'s connectors are unavailable: the SMS waits and is retried).',
};

export const defaultRouteSchema = obj('The route of an SMS no rule matches.', {
  enabled: bool(true, 'false: an SMS no rule matches fails with "no route".'),
  connectors: strings([], 'Connector names; empty means every connector, in the order of the connectors list.', { minLength: 1 }),
  strategy: target.strategy,
  weights: target.weights,
});
