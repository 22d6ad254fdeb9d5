/**
 * Routing decisions as pure functions: the facts of one SMS, the routing
 * table from the config, which connectors cannot take an SMS now, and a
 * random source in; an ordered list of connectors to try, or why there is
 * none, out. The dispatcher does the trying.
 */
import type { Config, MessageKind, RouteRule, RouteTarget } from '../config/types.js';
import type { SmsMessage } from '../store/types.js';

export interface MessageFacts {
  /** E.164 with '+'. */
  to: string;
  /** ISO 3166 country of the number, when the number plan names one. */
  country?: string;
  account: string;
  sender?: string;
  kinds: readonly MessageKind[];
}

export interface RoutingTable {
  routes: readonly RouteRule[];
  defaultRoute: RouteTarget & { enabled: boolean };
  /** Every configured connector, in config order: the default route's "all". */
  connectors: readonly string[];
}

/** The routing table of a config. */
export function routingTable(config: Pick<Config, 'routes' | 'defaultRoute' | 'connectors'>): RoutingTable {
  return { routes: config.routes, defaultRoute: config.defaultRoute, connectors: config.connectors.map((c) => c.name) };
}

/** Why a connector cannot take an SMS now (breaker open, link down); undefined when it can. */
export type Unavailable = (connector: string) => string | undefined;

export type RouteDecision =
  | { ok: true; route: string; candidates: string[]; skipped: Array<{ connector: string; why: string }> }
  /**
   * temporary: the route exists but none of its connectors can take the SMS now (`skipped`: each, with why);
   * otherwise no route takes it at all.
   */
  | { ok: false; temporary: boolean; route?: string; reason: string; skipped?: Array<{ connector: string; why: string }> };

export function kindsOf(m: Pick<SmsMessage, 'encoding' | 'segments' | 'sendAt'>): MessageKind[] {
  const kinds: MessageKind[] = [m.encoding === 'UCS2' ? 'unicode' : 'gsm7', m.segments > 1 ? 'multipart' : 'single'];
  if (m.sendAt) kinds.push('scheduled');
  return kinds;
}

/** What routing reads of an SMS. */
export type RoutedSms = Pick<SmsMessage, 'to' | 'account' | 'sender' | 'encoding' | 'segments' | 'sendAt'>;

/** An empty list matches anything; a given one must contain a match. */
const anyOf = <T>(list: readonly T[], test: (x: T) => boolean): boolean => list.length === 0 || list.some(test);

export function ruleMatches(r: RouteRule, f: MessageFacts): boolean {
  const m = r.match;
  return anyOf(m.prefixes, (p) => f.to.startsWith(p))
    && anyOf(m.countries, (c) => c === f.country)
    && anyOf(m.accounts, (a) => a === f.account)
    && anyOf(m.senders, (s) => s === f.sender)
    && anyOf(m.kinds, (k) => f.kinds.includes(k));
}

/** The first rule that matches, else the default route (when enabled). Names: the rule's, else `#<n>` (1-based); `default`. */
export function selectRoute(f: MessageFacts, t: RoutingTable): { name: string; target: RouteTarget } | undefined {
  const i = t.routes.findIndex((r) => ruleMatches(r, f));
  if (i >= 0) return { name: t.routes[i].name || `#${i + 1}`, target: t.routes[i] };
  if (!t.defaultRoute.enabled) return undefined;
  const d = t.defaultRoute;
  return { name: 'default', target: { ...d, connectors: d.connectors.length ? d.connectors : [...t.connectors] } };
}

/**
 * The order in which a target's connectors are tried. failover: as listed.
 * weighted: a weighted random permutation of those with weight > 0 (so the
 * first usable one is chosen in proportion to the weights of the usable
 * ones), then the standbys (weight 0) as listed.
 */
export function orderTarget(target: RouteTarget, random: () => number): string[] {
  if (target.strategy !== 'weighted') return [...target.connectors];
  const pool = target.connectors.filter((c) => (target.weights[c] ?? 0) > 0);
  const order: string[] = [];
  while (pool.length) {
    let r = random() * pool.reduce((sum, c) => sum + target.weights[c], 0);
    let k = 0;
    while (k < pool.length - 1 && r >= target.weights[pool[k]]) r -= target.weights[pool[k++]];
    order.push(pool.splice(k, 1)[0]);
  }
  return [...order, ...target.connectors.filter((c) => !((target.weights[c] ?? 0) > 0))];
}

export function describeFacts(f: MessageFacts): string {
  return [`country ${f.country ?? 'unknown'}`, `account ${f.account}`, ...(f.sender ? [`sender ${f.sender}`] : []), `kinds ${f.kinds.join('/')}`].join(', ');
}

export function decideRoute(f: MessageFacts, t: RoutingTable, unavailable: Unavailable, random: () => number): RouteDecision {
  const route = selectRoute(f, t);
  if (!route) return { ok: false, temporary: false, reason: `no route for ${f.to}: no routing rule matches (${describeFacts(f)}) and the default route is disabled` };
  const candidates: string[] = [];
  const skipped: Array<{ connector: string; why: string }> = [];
  for (const c of orderTarget(route.target, random)) {
    const why = unavailable(c);
    if (why) skipped.push({ connector: c, why });
    else candidates.push(c);
  }
  if (candidates.length) return { ok: true, route: route.name, candidates, skipped };
  const whys = skipped.map((s) => `${s.connector}: ${s.why}`).join('; ');
  return { ok: false, temporary: true, route: route.name, reason: `no connector of route ${route.name} can take it now (${whys})`, skipped };
}
