import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { isGsm7, nonGsmChars, septetLength, septetsOf } from '../../src/sms/gsm7.js';

const gsm7 = suite('gsm7');

const septets: Array<[name: string, text: string, septets: number | null]> = [
  ['plain ASCII letters', 'Hello World', 11],
  ['GSM specials count 1', '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà', 42],
  ['CR and LF count 1', 'a\r\nb', 4],
  ['€ counts 2', '€', 2],
  ['every extension character counts 2', '^{}\\[~]|€\f', 20],
  ['mixed', 'Preis: 5€ [netto]', 20],
  ['lower-case ç is not GSM-7', 'ç', null],
  ['backtick is not GSM-7', '`', null],
  ['tab is not GSM-7', '\t', null],
  ['smart quote is not GSM-7', '’', null],
  ['Cyrillic is not GSM-7', 'Привет', null],
  ['Greek lower case is not GSM-7', 'α', null],
];

for (const [name, text, expected] of septets) {
  gsm7(`gsm7 :: ${name}`, () => {
    assert.is(isGsm7(text), expected !== null);
    if (expected !== null) assert.is(septetLength(text), expected);
  });
}

gsm7('gsm7 :: empty text is GSM-7 with 0 septets', () => {
  assert.ok(isGsm7(''));
  assert.is(septetLength(''), 0);
});

gsm7('gsm7 :: nonGsmChars :: unique, in order of appearance', () => {
  assert.equal(nonGsmChars('a’b“c’d”'), ['’', '“', '”']);
});

gsm7('gsm7 :: nonGsmChars :: an emoji is one whole code point', () => {
  assert.equal(nonGsmChars('ok 👍 👍'), ['👍']);
});

gsm7('gsm7 :: nonGsmChars :: none for GSM-7 text', () => {
  assert.equal(nonGsmChars('Tür zu, 5€ {x}'), []);
});

gsm7('gsm7 :: lone surrogates :: one non-GSM code point each, counted 1', () => {
  const text = 'a\ud83db\ude00c\ud83d';
  assert.not.ok(isGsm7(text));
  assert.equal(nonGsmChars(text), ['\ud83d', '\ude00']);
  assert.is(septetLength(text), 6);
});

gsm7('gsm7 :: septetsOf :: one code point only', () => {
  assert.is(septetsOf('€'), 2);
  assert.is(septetsOf('a'), 1);
  assert.is(septetsOf('\x1b'), undefined, 'the escape is no character of its own');
  assert.is(septetsOf('ab'), undefined);
  assert.is(septetsOf('👍'), undefined);
});

gsm7.run();
