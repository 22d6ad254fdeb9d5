import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import type { RoutedSms } from '../../src/dispatch/router.js';
import { factsOf } from '../../src/dispatch/route-facts.js';
import { largestUdhOctets, udhOctetsFor, udhTable } from '../../src/dispatch/udh-size.js';

/**
 * The UDH a long SMS is counted with: that of the connectors its route may
 * hand it to, the largest of them when they differ (failover decides only
 * when it goes). 7 octets (16-bit reference) for smpp.longMessages udh16,
 * 6 for everything else.
 */
const U = suite('dispatch udh-size');

const smpp = (name: string, port: number, longMessages: string) => ({ name, type: 'smpp', smpp: { host: '127.0.0.1', port, systemId: 'a', password: 'p', longMessages } });
const config = buildConfig({
  connectors: [
    smpp('udh8', 2775, 'udh8'),
    smpp('udh16', 2776, 'udh16'),
    smpp('payload', 2777, 'payload'),
    { name: 'http', type: 'http', http: { url: 'http://127.0.0.1:9/send', query: { text: '{{text}}' } } },
    { name: 'sim', type: 'simulator' },
  ],
  routes: [
    { name: 'uk', match: { prefixes: ['+44'] }, connectors: ['udh16'] },
    { name: 'bank', match: { accounts: ['bank'] }, connectors: ['udh8', 'udh16'] },
    { name: 'alerts', match: { senders: ['ALERTS'] }, connectors: ['payload', 'http', 'sim'] },
    { name: 'unicode-to-fr', match: { prefixes: ['+33'], kinds: ['unicode'] }, connectors: ['udh16'] },
    { name: 'fr', match: { prefixes: ['+33'] }, connectors: ['udh8'] },
  ],
  defaultRoute: { enabled: false },
}, 'test');
const table = udhTable(config);
const sms = (to: string, extra: Partial<RoutedSms> = {}): RoutedSms => ({ to, account: 'acme', encoding: 'GSM7', segments: 2, ...extra });

const CASES: Array<[string, RoutedSms, number]> = [
  ['a route of one udh16 connector :: 7', sms('+447400123456'), 7],
  ['a failover route of udh8 and udh16 :: the larger, 7 (either may send it)', sms('+4915112345678', { account: 'bank' }), 7],
  ['payload, HTTP and the simulator (the aggregator cuts the text) :: 6', sms('+4915112345678', { sender: 'ALERTS' }), 6],
  ['the kinds match as routing matches them: a Unicode SMS to +33 :: its udh16 route, 7', sms('+33612345678', { encoding: 'UCS2' }), 7],
  ['the same number in GSM-7 :: the udh8 route, 6', sms('+33612345678'), 6],
  ['no route takes it (it fails unsent) :: 6', sms('+4915112345678'), 6],
];
for (const [name, m, octets] of CASES) U(`udhOctetsFor :: ${name}`, () => assert.is(udhOctetsFor(factsOf(m), table), octets));

U('largestUdhOctets :: the largest of every connector configured; 6 without a udh16 one', () => {
  assert.is(largestUdhOctets(table), 7);
  assert.is(largestUdhOctets(udhTable(buildConfig({}, 'test'))), 6);
});

U.run();
