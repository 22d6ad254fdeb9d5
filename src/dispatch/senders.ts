/**
 * The senders an SMS may reach its handset from, for the opt-out list's
 * scoped entries (src/policy/optout-scope.ts): its own sender ID, else the
 * default sender of each connector its route may hand it to. Which of them
 * takes it is decided only when it goes (failover, weights, a connector
 * down), so all of them count, the same at DATA, in the REST API and when
 * it falls due. Pure: the routing table and the connectors' defaults come in.
 */
import type { Config } from '../config/types.js';
import { connectorDefaultSender } from '../connectors/factory.js';
import type { SenderCandidate } from '../policy/optout-scope.js';
import { canonicalSender } from '../sms/canonical-sender.js';
import { factsOf } from './route-facts.js';
import { routingTable, selectRoute, type RoutedSms, type RoutingTable } from './router.js';

export interface SenderTable {
  routing: RoutingTable;
  /** Each connector's default sender in canonical form; undefined where its aggregator chooses. */
  defaults: ReadonlyMap<string, string | undefined>;
  defaultCountry: string;
}

export type SenderFacts = RoutedSms;

export function senderTable(config: Pick<Config, 'routes' | 'defaultRoute' | 'connectors' | 'smtp'>): SenderTable {
  const country = config.smtp.defaultCountry;
  const defaults = new Map(config.connectors.map((c) => {
    const raw = connectorDefaultSender(c);
    return [c.name, raw ? (canonicalSender(raw, country) ?? raw) : undefined] as const;
  }));
  return { routing: routingTable(config), defaults, defaultCountry: country };
}

/** Each distinct sender once; none when no route takes the SMS (it fails when it falls due, unsent). */
export function possibleSenders(m: SenderFacts, t: SenderTable): SenderCandidate[] {
  if (m.sender) return [{ sender: canonicalSender(m.sender, t.defaultCountry) ?? m.sender, from: 'sms' }];
  const route = selectRoute(factsOf(m), t.routing);
  const senders = new Set((route?.target.connectors ?? []).map((c) => t.defaults.get(c)));
  return [...senders].map((sender) => ({ ...(sender !== undefined ? { sender } : {}), from: 'connector' as const }));
}
