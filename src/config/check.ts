/**
 * Checks the schema cannot express: names that must be unique, routes that
 * must name existing connectors and real countries, weights that must fit
 * their route, each connector type's own settings, the trusted proxies'
 * addresses, and the countries of the sending rules. Run by buildConfig
 * after the schema, so a bad file is answered with every problem at once.
 */
import { parseNetwork } from '../accounts/networks.js';
import { countryProblems } from '../accounts/validate.js';
import { connectorProblems } from '../connectors/kinds.js';
import { largestUdhOctets, udhTable } from '../dispatch/udh-size.js';
import { analyzeText } from '../sms/segments.js';
import { parseSenderId, SENDER_ID_FORMS } from '../sms/sender-id.js';
import type { Config, RouteRule, RouteTarget } from './types.js';

export function configProblems(c: Config): string[] {
  return [...connectorListProblems(c), ...routeProblems(c), ...proxyProblems(c), ...answerProblems(c), ...countryListProblems(c)];
}

/**
 * Countries of the sending rules, against the number plan as defaultCountry
 * is: a code no number has ("XX", "UK" for GB) would make its rule silently
 * apply to nothing — numeric senders, country quiet hours, destinations.
 */
function countryListProblems(c: Config): string[] {
  const list = (key: string, countries: readonly string[] | undefined) =>
    (countries ?? []).flatMap((cc, i) => (cc === '*' && key.endsWith('limits.countries') ? [] : countryProblems(`${key}[${i}]`, cc)));
  return [
    ...list('options.numericOnlyCountries', c.options.numericOnlyCountries),
    ...Object.keys(c.options.countryQuietHours).flatMap((cc) => countryProblems(`options.countryQuietHours.${cc}`, cc)),
    ...list('limits.countries', c.limits.countries),
    ...c.accounts.flatMap((a, i) => list(`accounts[${i}].limits.countries`, a.limits?.countries)),
  ];
}

/** inbound.answer: an account that exists, a sender an SMSC takes, texts no longer than any SMS may be. */
function answerProblems(c: Config): string[] {
  const a = c.inbound.answer;
  const problems: string[] = [];
  if (a.account && !c.accounts.some((x) => x.name === a.account)) {
    problems.push(`inbound.answer.account: no account "${a.account}" (configured: ${c.accounts.map((x) => x.name).join(', ')})`);
  }
  if (a.sender && !parseSenderId(a.sender)) problems.push(`inbound.answer.sender: "${a.sender}" is not a sender ID (${SENDER_ID_FORMS})`);
  // Counted behind the largest UDH of any connector: an answer may go wherever a reply came from.
  const udhOctets = largestUdhOctets(udhTable(c));
  for (const key of ['stopText', 'startText'] as const) {
    const segments = analyzeText(a[key], { transliterate: c.text.transliterate, udhOctets }).segments;
    if (segments > c.text.maxSegments) problems.push(`inbound.answer.${key}: takes ${segments} segments, more than text.maxSegments (${c.text.maxSegments})`);
  }
  return problems;
}

function proxyProblems(c: Config): string[] {
  const token = c.api.metrics.token;
  // Not in the schema: "" (none) must pass, and the message must not repeat a secret's value.
  const short = token && token.length < 16 ? [`api.metrics.token: at least 16 characters (it has ${token.length}), or "" for none`] : [];
  return [...short, ...c.api.trustProxy.flatMap((n, i) => {
    const p = parseNetwork(n);
    return typeof p === 'string' ? [`api.trustProxy[${i}]: ${p}`] : [];
  })];
}

function connectorListProblems(c: Config): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  c.connectors.forEach((conn, i) => {
    const first = seen.get(conn.name);
    if (first !== undefined) problems.push(`connectors[${i}].name: "${conn.name}" is already the name of connectors[${first}]`);
    else seen.set(conn.name, i);
    for (const p of connectorProblems(conn)) problems.push(`connectors[${i}].${p}`);
  });
  return problems;
}

function routeProblems(c: Config): string[] {
  const known = [...new Set(c.connectors.map((x) => x.name).filter(Boolean))];
  const problems = c.routes.flatMap((r, i) => [...targetProblems(`routes[${i}]`, r, known), ...matchProblems(`routes[${i}]`, r)]);
  const names = new Map<string, number>();
  c.routes.forEach((r, i) => {
    if (!r.name) return;
    if (names.has(r.name)) problems.push(`routes[${i}].name: "${r.name}" is already the name of routes[${names.get(r.name)}]`);
    else names.set(r.name, i);
  });
  if (c.defaultRoute.enabled) problems.push(...targetProblems('defaultRoute', c.defaultRoute, known));
  return problems;
}

function targetProblems(where: string, t: RouteTarget, known: string[]): string[] {
  const problems: string[] = [];
  const listed = t.connectors.length ? [...new Set(t.connectors)].filter((n) => known.includes(n)) : known;
  t.connectors.forEach((name, k) => {
    if (!known.includes(name)) problems.push(`${where}.connectors[${k}]: unknown connector "${name}" (configured: ${known.join(', ')})`);
    else if (t.connectors.indexOf(name) !== k) problems.push(`${where}.connectors[${k}]: "${name}" is listed twice`);
  });
  const weighted = Object.keys(t.weights);
  if (t.strategy !== 'weighted') {
    if (weighted.length) problems.push(`${where}.weights: only used with strategy "weighted" (strategy is "${t.strategy}")`);
    return problems;
  }
  for (const name of weighted) if (!listed.includes(name)) problems.push(`${where}.weights.${name}: "${name}" is not one of the route's connectors`);
  const missing = listed.filter((n) => !(n in t.weights));
  if (missing.length) problems.push(`${where}.weights: no weight for ${missing.map((n) => `"${n}"`).join(', ')} (strategy "weighted" needs one for every connector; 0 makes a standby)`);
  else if (listed.every((n) => t.weights[n] === 0)) problems.push(`${where}.weights: at least one weight must be above 0`);
  return problems;
}

function matchProblems(where: string, r: RouteRule): string[] {
  return r.match.countries.flatMap((cc, k) => countryProblems(`${where}.match.countries[${k}]`, cc));
}
