import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { possibleSenders, senderTable, type SenderFacts } from '../../src/dispatch/senders.js';

/** The senders an SMS may reach its handset from, as the opt-out list's entries for one sender need them. */
const S = suite('dispatch senders');

const config = buildConfig({
  connectors: [
    { name: 'shop-smsc', type: 'smpp', smpp: { host: '127.0.0.1', port: 2775, systemId: 'a', password: 'p', defaultSender: '030901820' } },
    { name: 'bank-smsc', type: 'smpp', smpp: { host: '127.0.0.1', port: 2776, systemId: 'b', password: 'p', defaultSender: 'BANK' } },
    { name: 'sim', type: 'simulator' },
  ],
  routes: [
    { name: 'acme', match: { accounts: ['acme'] }, connectors: ['shop-smsc'] },
    { name: 'bank', match: { accounts: ['bank'] }, connectors: ['bank-smsc', 'shop-smsc'] },
    { name: 'alerts', match: { accounts: ['alerts'] }, connectors: ['sim'] },
  ],
  defaultRoute: { enabled: false },
}, 'test');
const table = senderTable(config);
const sms = (account: string, sender?: string): SenderFacts => ({ to: '+4915112345678', account, encoding: 'GSM7', segments: 1, ...(sender ? { sender } : {}) });

const CASES: Array<[string, SenderFacts, ReturnType<typeof possibleSenders>]> = [
  ['its own sender ID, whatever the route', sms('acme', 'ACME'), [{ sender: 'ACME', from: 'sms' }]],
  ['its own sender ID in another form: canonical', sms('acme', '004930901820'), [{ sender: '+4930901820', from: 'sms' }]],
  ['none: the route\'s connector default, in canonical form (a national number read in DE)', sms('acme'), [{ sender: '+4930901820', from: 'connector' }]],
  ['none, a failover route: each connector\'s default (either may send it)', sms('bank'), [{ sender: 'BANK', from: 'connector' }, { sender: '+4930901820', from: 'connector' }]],
  ['none, a connector without a default: unknown (the aggregator picks)', sms('alerts'), [{ from: 'connector' }]],
  ['no route at all: none (it is never sent)', sms('nobody'), []],
];
for (const [name, facts, want] of CASES) S(`possibleSenders :: ${name}`, () => assert.equal(possibleSenders(facts, table), want));

S.run();
