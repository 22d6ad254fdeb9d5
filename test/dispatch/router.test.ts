import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { RouteRule, RouteTarget } from '../../src/config/types.js';
import { factsOf } from '../../src/dispatch/route-facts.js';
import { decideRoute, kindsOf, orderTarget, type MessageFacts, type RoutingTable } from '../../src/dispatch/router.js';
import { seeded } from '../helpers/random.js';

const R = suite('dispatch router');

const rule = (name: string, match: Partial<RouteRule['match']>, connectors: string[], extra: Partial<RouteTarget> = {}): RouteRule => ({
  name, match: { prefixes: [], countries: [], accounts: [], senders: [], kinds: [], ...match }, connectors, strategy: 'failover', weights: {}, ...extra,
});

const table: RoutingTable = {
  connectors: ['primary', 'fallback', 'uk-http', 'cheap'],
  routes: [
    rule('germany', { countries: ['DE'] }, ['primary', 'fallback']),
    rule('uk', { prefixes: ['+44'] }, ['uk-http', 'primary']),
    rule('acme-unicode', { accounts: ['acme'], kinds: ['unicode'] }, ['cheap']),
    rule('', { senders: ['ALERTS'], prefixes: ['+33', '+34'] }, ['fallback']),
  ],
  defaultRoute: { enabled: true, connectors: [], strategy: 'failover', weights: {} },
};

const facts = (to: string, country: string | undefined, extra: Partial<MessageFacts> = {}): MessageFacts =>
  ({ to, country, account: 'default', kinds: ['gsm7', 'single'], ...extra });

const allUp = () => undefined;

const cases: Array<[string, MessageFacts, string, string[]]> = [
  ['+49 number :: country DE :: primary, then fallback', facts('+4915112345678', 'DE'), 'germany', ['primary', 'fallback']],
  ['+44 number :: uk-http first, then primary', facts('+447400123456', 'GB'), 'uk', ['uk-http', 'primary']],
  ['+44 Guernsey number (country GG) :: the prefix still matches', facts('+447781123456', 'GG'), 'uk', ['uk-http', 'primary']],
  ['account acme, unicode :: cheap', facts('+33612345678', 'FR', { account: 'acme', kinds: ['unicode', 'single'] }), 'acme-unicode', ['cheap']],
  ['account acme, gsm7 :: the kind does not match, default route', facts('+33612345678', 'FR', { account: 'acme' }), 'default', ['primary', 'fallback', 'uk-http', 'cheap']],
  ['sender ALERTS to +34 :: every list must match: unnamed rule #4', facts('+34612345678', 'ES', { sender: 'ALERTS' }), '#4', ['fallback']],
  ['sender ALERTS to +43 :: prefix does not match, default route', facts('+436641234567', 'AT', { sender: 'ALERTS' }), 'default', ['primary', 'fallback', 'uk-http', 'cheap']],
  ['first matching rule wins :: DE before account rule', facts('+4915112345678', 'DE', { account: 'acme', kinds: ['unicode'] }), 'germany', ['primary', 'fallback']],
];

for (const [name, f, route, candidates] of cases) {
  R(`route :: ${name}`, () => {
    assert.equal(decideRoute(f, table, allUp, Math.random), { ok: true, route, candidates, skipped: [] });
  });
}

R('route :: +49 number, primary down :: fallback only, primary skipped with why', () => {
  const d = decideRoute(facts('+4915112345678', 'DE'), table, (c) => (c === 'primary' ? 'down (connecting)' : undefined), Math.random);
  assert.equal(d, { ok: true, route: 'germany', candidates: ['fallback'], skipped: [{ connector: 'primary', why: 'down (connecting)' }] });
});

R('route :: +44 number, every connector of the rule unavailable :: temporary, a later rule or the default is not used', () => {
  const d = decideRoute(facts('+447400123456', 'GB'), table, (c) => (c === 'cheap' ? undefined : 'breaker open'), Math.random);
  assert.equal(d, { ok: false, temporary: true, route: 'uk', reason: 'no connector of route uk can take it now (uk-http: breaker open; primary: breaker open)',
    skipped: [{ connector: 'uk-http', why: 'breaker open' }, { connector: 'primary', why: 'breaker open' }] });
});

R('route :: no rule matches and the default route is disabled :: permanent, with the facts in the reason', () => {
  const t = { ...table, defaultRoute: { ...table.defaultRoute, enabled: false } };
  const d = decideRoute(facts('+12025550123', 'US'), t, allUp, Math.random);
  assert.equal(d, { ok: false, temporary: false, reason: 'no route for +12025550123: no routing rule matches (country US, account default, kinds gsm7/single) and the default route is disabled' });
});

R('route :: default route with its own list :: that list, not all connectors', () => {
  const t = { ...table, defaultRoute: { enabled: true, connectors: ['cheap', 'primary'], strategy: 'failover' as const, weights: {} } };
  assert.equal(decideRoute(facts('+12025550123', 'US'), t, allUp, Math.random), { ok: true, route: 'default', candidates: ['cheap', 'primary'], skipped: [] });
});

R('kinds :: encoding, segments and a send time', () => {
  assert.equal(kindsOf({ encoding: 'GSM7', segments: 1 }), ['gsm7', 'single']);
  assert.equal(kindsOf({ encoding: 'UCS2', segments: 3, sendAt: '2026-12-01T08:00:00Z' }), ['unicode', 'multipart', 'scheduled']);
});

const weighted: RouteTarget = { connectors: ['a', 'b', 'standby'], strategy: 'weighted', weights: { a: 3, b: 1, standby: 0 } };

R('weighted :: first choice follows the weights (seeded, 10 000 draws: a ≈ 75 %), standby always last', () => {
  const random = seeded(42);
  const first = { a: 0, b: 0, standby: 0 };
  for (let i = 0; i < 10_000; i++) {
    const order = orderTarget(weighted, random);
    assert.is(order.length, 3);
    assert.is(order[2], 'standby');
    first[order[0] as keyof typeof first]++;
  }
  assert.ok(first.a > 7200 && first.a < 7800, JSON.stringify(first));
  assert.is(first.standby, 0);
});

R('weighted :: the chosen one unavailable :: the other weighted one, then the standby', () => {
  const always = (x: number) => () => x;
  assert.equal(orderTarget(weighted, always(0)), ['a', 'b', 'standby']);
  assert.equal(orderTarget(weighted, always(0.99)), ['b', 'a', 'standby']);
  const d = decideRoute(facts('+4915112345678', 'DE'), { ...table, routes: [rule('w', {}, weighted.connectors, weighted)] }, (c) => (c === 'a' ? 'breaker open' : undefined), always(0));
  assert.equal(d, { ok: true, route: 'w', candidates: ['b', 'standby'], skipped: [{ connector: 'a', why: 'breaker open' }] });
});

R('facts of a stored SMS :: the country from the number plan, read when a rule asks for it', () => {
  const sms = (to: string) => factsOf({ to, account: 'default', encoding: 'GSM7', segments: 1 });
  const german = decideRoute(sms('+4915112345678'), table, allUp, Math.random);
  assert.equal(german, { ok: true, route: 'germany', candidates: ['primary', 'fallback'], skipped: [] });
  assert.is(sms('+447781123456').country, 'GG');
  assert.is(sms('+88234567890').country, undefined, 'a non-geographic range has no country');
});

R.run();
