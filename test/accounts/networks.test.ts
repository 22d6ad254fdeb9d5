import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { addressBelongs } from '../../src/accounts/addresses.js';
import { NetworkMap, parseNetwork } from '../../src/accounts/networks.js';

const N = suite('accounts networks');

const PARSE: Array<[string, string, unknown]> = [
  ['an IPv4 range', '10.1.2.0/24', { address: '10.1.2.0', prefix: 24, family: 'ipv4' }],
  ['a bare IPv4 address is a /32', '192.0.2.7', { address: '192.0.2.7', prefix: 32, family: 'ipv4' }],
  ['IPv6 loopback', '::1/128', { address: '::1', prefix: 128, family: 'ipv6' }],
  ['a host name is refused', 'mail.acme.test', /is not an IP address or CIDR range/],
  ['a prefix beyond 32 for IPv4 is refused', '10.0.0.0/33', /prefix length must be 0 to 32/],
  ['a prefix that is not a number is refused', '10.0.0.0/x', /prefix length/],
  ['two slashes are refused', '10.0.0.0/8/8', /is not an IP address/],
];
for (const [name, input, want] of PARSE) {
  N(`parse :: ${name}`, () => {
    const got = parseNetwork(input);
    if (want instanceof RegExp) assert.match(String(got), want);
    else assert.equal(got, want);
  });
}

const map = new NetworkMap<string>();
map.add('127.0.0.0/8', 'loopback');
map.add('127.0.0.2', 'erp');
map.add('::1/128', 'loopback6');
map.add('2001:db8::/32', 'v6net');

const LOOKUP: Array<[string, string | undefined, string | undefined]> = [
  ['an address in the range', '127.0.0.1', 'loopback'],
  ['the more specific entry wins over the wider range', '127.0.0.2', 'erp'],
  ['an IPv4 client on a dual-stack socket (::ffff:)', '::ffff:127.0.0.2', 'erp'],
  ['IPv6 loopback', '::1', 'loopback6'],
  ['inside an IPv6 range', '2001:db8:1::5', 'v6net'],
  ['outside every network', '192.0.2.1', undefined],
  ['no address at all', undefined, undefined],
];
for (const [name, ip, want] of LOOKUP) N(`lookup :: ${name}`, () => assert.is(map.lookup(ip), want));

N('lookup :: the same answer when asked again, a range added later counts at once', () => {
  const m = new NetworkMap<string>();
  m.add('10.0.0.0/8', 'wide');
  assert.is(m.lookup('10.1.2.3'), 'wide');
  assert.is(m.lookup('10.1.2.3'), 'wide');
  assert.is(m.lookup('192.0.2.7'), undefined);
  m.add('10.1.2.0/24', 'narrow');
  m.add('192.0.2.0/24', 'docs');
  assert.is(m.lookup('10.1.2.3'), 'narrow');
  assert.is(m.lookup('192.0.2.7'), 'docs');
});

N('lookup :: many distinct addresses (a scan) keep being answered right', () => {
  for (let i = 0; i < 10_000; i++) assert.is(map.lookup(`192.0.${(i >> 8) & 255}.${i & 255}`), undefined);
  assert.is(map.lookup('127.0.0.2'), 'erp');
});

const ADDRESSES: Array<[string, string[], string | undefined, boolean]> = [
  ['an empty list admits anyone', [], 'anyone@example.com', true],
  ['an exact address, case-insensitively', ['Clerk@ACME.test'], 'clerk@acme.TEST', true],
  ['a whole domain', ['@acme.test'], 'billing@acme.test', true],
  ['a subdomain is not the domain', ['@acme.test'], 'x@evil.acme.test', false],
  ['a look-alike domain is refused', ['@acme.test'], 'clerk@acme.test.evil.example', false],
  ['another address of the same domain is not an exact match', ['clerk@acme.test'], 'boss@acme.test', false],
  ['no address with a list', ['@acme.test'], undefined, false],
];
for (const [name, patterns, address, want] of ADDRESSES) N(`address :: ${name}`, () => assert.is(addressBelongs(patterns, address), want));

N.run();
