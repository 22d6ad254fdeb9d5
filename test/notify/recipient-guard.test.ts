import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Account } from '../../src/accounts/types.js';
import { confirmationRefusal } from '../../src/notify/recipient-guard.js';
import { outboxFiles, waitFor, withBridge } from '../helpers/bridge.js';
import { sampleSms } from './sample.js';

const G = suite('notify recipient guard');
const account = (addresses: string[]): Account => ({ name: 'acme', description: '', networks: [], addresses, timeZone: 'UTC', defaultCountry: 'DE', notify: 'final', language: 'en', maxSegments: 6, allowedSenderIds: [], duplicateDetection: false, duplicateWindowMinutes: 60, signaturePatterns: [] });

const CASES: Array<[string, string, string[] | undefined, RegExp | undefined]> = [
  ['an address of the account :: sent', 'clerk@acme.test', ['@acme.test'], undefined],
  ['a trusted-network account without addresses :: sent', 'anyone@example.test', [], undefined],
  ['an address the account does not (or no longer) have :: not sent', 'ceo@evil.test', ['@acme.test'], /^<ceo@evil\.test> is not an address of the SMS account "acme"$/],
  ['an address a mail library could read as a list :: not sent', '"x@evil.test,"@acme.test', ['@acme.test'], /is not a plain mail address/],
  ['a removed account :: not sent', 'clerk@acme.test', undefined, /^the account "acme" no longer exists$/],
];

for (const [name, to, addresses, expected] of CASES) {
  G(name, () => {
    const r = confirmationRefusal(sampleSms({}, { envelopeFrom: to }), addresses ? account(addresses) : undefined);
    if (expected) assert.match(String(r), expected);
    else assert.is(r, undefined);
  });
}

G('bridge :: a confirmation owed to a stranger is recorded as not sent and never written, with a warning', () =>
  withBridge({ accounts: [{ name: 'acme', description: '', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] as never }, async (b) => {
    const now = new Date().toISOString();
    // As if stored before the sender checks existed, or before the account's addresses were narrowed.
    const m = sampleSms({ id: 'OLD1.1', mailId: 'OLD1', status: 'delivered', confirmations: [{ stage: 'delivered', attempts: 0, notBefore: now }] }, { envelopeFrom: 'victim@elsewhere.test' });
    await b.store.accept({ messages: [m], dedupKeys: [undefined] });
    const e = await waitFor('the suppression', () => b.events.find((x) => x.evt === 'confirmation-suppressed'));
    assert.equal([e.msgId, e.to, e.reason], ['OLD1.1', 'victim@elsewhere.test', '<victim@elsewhere.test> is not an address of the SMS account "acme"']);
    assert.match(String(b.store.get('OLD1.1')?.confirmations[0].where), /^not sent: /);
    assert.equal([...(await outboxFiles(b)).keys()].filter((f) => f.startsWith('OLD1')), []);
  }));

G.run();
