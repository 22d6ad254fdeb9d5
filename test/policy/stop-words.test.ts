import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { keywordOf } from '../../src/policy/stop-words.js';

const S = suite('policy stop words');

const OUT = { keyword: 'opt-out', all: false } as const;
const OUT_ALL = { keyword: 'opt-out', all: true } as const;
const IN = { keyword: 'opt-in', all: false } as const;
const IN_ALL = { keyword: 'opt-in', all: true } as const;

const CASES: Array<[string, ReturnType<typeof keywordOf>]> = [
  ['STOP', OUT], ['stop', OUT], [' Stop. ', OUT], ['STOP!', OUT], ['STOP ACME', OUT],
  ['STOPP', OUT], ['Abmelden', OUT], ['UNSUBSCRIBE', OUT], ['cancel', OUT],
  ['END', OUT], ['Quit', OUT], ['ARRÊT', OUT],
  // every sender on the gateway: the shared short codes' STOP ALL
  ['STOPALL', OUT_ALL], ['STOP ALL', OUT_ALL], ['stop all!', OUT_ALL], ['Abmelden alle', OUT_ALL], ['UNSUBSCRIBE ALL', OUT_ALL],
  ['START', IN], ['unstop', IN], ['START ALL', IN_ALL], ['Anmelden alle', IN_ALL],
  ['please stop', undefined], ['Bitte nicht mehr schreiben', undefined], ['stop sending me reminders please', undefined],
  ['stop all messages', undefined], ['all stop', undefined],
  ['Danke, ist bezahlt', undefined], ['', undefined], ['!!!', undefined], ['stopping', undefined],
];
for (const [text, want] of CASES) {
  S(`keywordOf :: ${JSON.stringify(text)} → ${want ? `${want.keyword}${want.all ? ' of every sender' : ''}` : 'none'}`, () => assert.equal(keywordOf(text), want));
}

S.run();
