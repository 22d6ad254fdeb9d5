/**
 * How long SMS are counted: each part carries the concatenation UDH of the
 * connector that sends it, 6 octets (153 septets / 67 units a part) or 7
 * with a 16-bit reference (152 / 66: smpp.longMessages udh16). The count is
 * decided when the SMS is accepted — for the 552 of a text too long, the
 * quotas, the confirmation and the portal — but the connector only when it
 * goes (failover, weights, a connector down). So an SMS is counted with the
 * largest UDH of any connector its route may hand it to: never fewer parts
 * than are billed, at worst one more than a route's other connector would
 * send. Pure, like the routing it follows (router.ts).
 */
import type { Config } from '../config/types.js';
import { connectorUdhOctets } from '../connectors/kinds.js';
import { STANDARD_UDH_OCTETS } from '../sms/segments.js';
import { routingTable, selectRoute, type MessageFacts, type RoutedSms, type RoutingTable } from './router.js';

/** The UDH octets to count an SMS like `m` with. */
export type UdhOf = (m: RoutedSms) => number;

export interface UdhTable {
  routing: RoutingTable;
  /** Each connector's UDH octets, by name. */
  octets: ReadonlyMap<string, number>;
}

export function udhTable(config: Pick<Config, 'routes' | 'defaultRoute' | 'connectors'>): UdhTable {
  return { routing: routingTable(config), octets: new Map(config.connectors.map((c) => [c.name, connectorUdhOctets(c)])) };
}

/**
 * The largest UDH of the connectors of the SMS's route; the standard one when no route takes it (it fails unsent).
 * Given the SMS's facts (route-facts.ts factsOf), so that this module, which the configuration's checks load, needs no number plan.
 */
export function udhOctetsFor(facts: MessageFacts, t: UdhTable): number {
  const route = selectRoute(facts, t.routing);
  return Math.max(STANDARD_UDH_OCTETS, ...(route?.target.connectors ?? []).map((c) => t.octets.get(c) ?? STANDARD_UDH_OCTETS));
}

/** The largest UDH of any connector configured: for what is counted before anything is routed (the config's own texts). */
export function largestUdhOctets(t: UdhTable): number {
  return Math.max(STANDARD_UDH_OCTETS, ...t.octets.values());
}
