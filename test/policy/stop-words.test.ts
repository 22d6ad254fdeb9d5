import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { keywordOf } from '../../src/policy/stop-words.js';

const S = suite('policy stop words');

const CASES: Array<[string, ReturnType<typeof keywordOf>]> = [
  ['STOP', 'opt-out'], ['stop', 'opt-out'], [' Stop. ', 'opt-out'], ['STOP!', 'opt-out'], ['STOP ACME', 'opt-out'],
  ['STOPP', 'opt-out'], ['Abmelden', 'opt-out'], ['STOPALL', 'opt-out'], ['UNSUBSCRIBE', 'opt-out'], ['cancel', 'opt-out'],
  ['END', 'opt-out'], ['Quit', 'opt-out'], ['ARRÊT', 'opt-out'],
  ['START', 'opt-in'], ['unstop', 'opt-in'],
  ['please stop', undefined], ['Bitte nicht mehr schreiben', undefined], ['stop sending me reminders please', undefined],
  ['Danke, ist bezahlt', undefined], ['', undefined], ['!!!', undefined], ['stopping', undefined],
];
for (const [text, want] of CASES) S(`keywordOf :: ${JSON.stringify(text)} → ${want ?? 'none'}`, () => assert.is(keywordOf(text), want));

S.run();
