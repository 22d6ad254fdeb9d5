import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { blockingHit, optOutError, optOutRefusal, type OptOutEntry, type SenderCandidate } from '../../src/policy/optout-scope.js';

/** The rule: which entry keeps an SMS from its number, given the senders it may come from. Pure, table-driven. */
const S = suite('policy opt-out scope');

const N = '+4915112345678';
const config: OptOutEntry = { number: N, source: 'config' };
const operator: OptOutEntry = { number: N, source: 'operator', addedAt: '2026-01-01T00:00:00.000Z' };
/** A STOP stored before entries were scoped: via sms, no sender — it keeps every sender away. */
const legacy: OptOutEntry = { number: N, source: 'sms', addedAt: '2025-06-01T00:00:00.000Z', note: 'replied "STOP" to 80888 via smsc' };
const stopShop: OptOutEntry = { number: N, source: 'sms', sender: '80888', addedAt: '2026-02-01T00:00:00.000Z' };
const stopAcme: OptOutEntry = { number: N, source: 'operator', sender: 'ACME' };
const stopNumber: OptOutEntry = { number: N, source: 'sms', sender: '+4930901820' };

const own = (sender: string): SenderCandidate => ({ sender, from: 'sms' });
const dflt = (sender: string): SenderCandidate => ({ sender, from: 'connector' });
const unknown: SenderCandidate = { from: 'connector' };

const CASES: Array<[string, OptOutEntry[], SenderCandidate[], OptOutEntry | undefined, SenderCandidate | undefined]> = [
  ['no entries', [], [own('80888')], undefined, undefined],
  ['the configuration\'s entry: every sender', [config], [own('BANK')], config, undefined],
  ['an operator\'s entry without sender: every sender', [operator], [own('BANK')], operator, undefined],
  ['a STOP from before scoping: still every sender', [legacy], [own('BANK')], legacy, undefined],
  ['a STOP to 80888, an SMS from 80888', [stopShop], [own('80888')], stopShop, own('80888')],
  ['a STOP to 80888, an SMS from BANK: it goes', [stopShop], [own('BANK')], undefined, undefined],
  ['a STOP to 80888, an SMS without sender ID whose connector sends from 80888', [stopShop], [dflt('80888')], stopShop, dflt('80888')],
  ['a STOP to 80888, a connector default BANK: it goes', [stopShop], [dflt('BANK')], undefined, undefined],
  ['a STOP to 80888, sender unknown (the SMSC picks): held back, consent wins', [stopShop], [unknown], stopShop, unknown],
  ['a STOP to 80888, a failover route whose second connector sends from 80888', [stopShop], [dflt('BANK'), dflt('80888')], stopShop, dflt('80888')],
  ['a STOP to 80888, one connector known and one unknown: the known match is named first', [stopShop], [unknown, dflt('80888')], stopShop, dflt('80888')],
  ['a name compares regardless of case', [stopAcme], [own('acme')], stopAcme, own('acme')],
  ['a number compares in canonical form', [stopNumber], [dflt('+4930901820')], stopNumber, dflt('+4930901820')],
  ['no candidate at all (no route: never sent)', [stopShop], [], undefined, undefined],
  ['several entries: the one for every sender first', [stopShop, operator], [own('80888')], operator, undefined],
  ['several scoped entries: the one that matches', [stopAcme, stopShop], [own('80888')], stopShop, own('80888')],
];
for (const [name, entries, candidates, entry, candidate] of CASES) {
  S(`blockingHit :: ${name}`, () => {
    const hit = blockingHit(entries, candidates);
    assert.equal(hit && hit.entry, entry);
    assert.equal(hit?.candidate, candidate);
  });
}

S('optOutError :: every sender → OptedOut; one sender → OptedOutOfSender, saying how the SMS would come from it', () => {
  assert.is(optOutError(N, { entry: operator }).errorName, 'OptedOut');
  assert.is(optOutError(N, { entry: stopShop, candidate: own('80888') }).reply, `550 5.7.1 ${N} asked not to receive SMS from 80888 (opt-out list), the sender ID of this SMS; nothing is sent to it`);
  assert.match(optOutError(N, { entry: stopShop, candidate: dflt('80888') }).text, /, the sender this SMS would go out with \(the gateway's default\);/);
  assert.match(optOutError(N, { entry: stopShop, candidate: unknown }).text, /, and this SMS names no sender ID, so it could arrive from that number;/);
});

S('optOutRefusal :: numbers held back for the same reason share one sentence; different reasons are joined', () => {
  const other = '+4915112345679';
  const same = optOutRefusal([{ to: N, hit: { entry: stopShop, candidate: own('80888') } }, { to: other, hit: { entry: { ...stopShop, number: other }, candidate: own('80888') } }]);
  assert.is(same.text, `${N}, ${other} asked not to receive SMS from 80888 (opt-out list), the sender ID of this SMS; nothing is sent to them`);
  const mixed = optOutRefusal([{ to: N, hit: { entry: stopShop, candidate: own('80888') } }, { to: other, hit: { entry: stopAcme, candidate: unknown } }]);
  assert.equal([mixed.responseCode, mixed.enhancedCode, mixed.errorName], [550, '5.7.1', 'OptedOutOfSender']);
  assert.match(mixed.text, /^\+4915112345678 asked not to receive SMS from 80888 .*; \+4915112345679 asked not to receive SMS from ACME /);
});

S.run();
