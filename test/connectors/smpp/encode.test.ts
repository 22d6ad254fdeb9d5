import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import {
  GSM_CHARACTERS,
  decodeGsm7Unpacked,
  decodeUcs2,
  encodeGsm7Unpacked,
  encodeLatin1,
  encodeUcs2,
} from '../../../src/connectors/smpp/encode.js';
import { septetsOf } from '../../../src/sms/gsm7.js';

const encode = suite('encode');

const gsmCases: Array<[name: string, text: string, hex: string]> = [
  ['ASCII letters', 'Hi', '4869'],
  ['@ is 0x00, £ 0x01, $ 0x02', '@£$', '000102'],
  ['¤ is 0x24, ¡ 0x40, § 0x5F, à 0x7F', '¤¡§à', '24405f7f'],
  ['newline and CR', '\n\r', '0a0d'],
  ['€ through the escape', '€', '1b65'],
  ['all extension characters', '\f^{}\\[~]|', '1b0a1b141b281b291b2f1b3c1b3d1b3e1b40'],
];
for (const [name, text, hex] of gsmCases) {
  encode(`gsm7 :: ${name} :: ${hex}`, () => {
    assert.is(encodeGsm7Unpacked(text).toString('hex'), hex);
    assert.is(decodeGsm7Unpacked(Buffer.from(hex, 'hex')), text);
  });
}

encode('gsm7 :: table agrees with src/sms/gsm7.ts :: same characters, same cost', () => {
  assert.is(GSM_CHARACTERS.basic.length, 127);
  assert.is(GSM_CHARACTERS.extension.length, 10);
  for (const char of GSM_CHARACTERS.basic) assert.is(septetsOf(char), 1, char);
  for (const char of GSM_CHARACTERS.extension) assert.is(septetsOf(char), 2, char);
  for (const char of GSM_CHARACTERS.basic) assert.is(encodeGsm7Unpacked(char).length, 1);
});

encode('gsm7 :: character outside GSM-7 :: throws naming it', () => {
  assert.throws(() => encodeGsm7Unpacked('ç'), /U\+E7/);
});

encode('gsm7 :: unknown escape code :: basic character, trailing escape dropped', () => {
  assert.is(decodeGsm7Unpacked(Buffer.from([0x1b, 0x41, 0x1b])), 'A');
});

encode('ucs2 :: emoji :: UTF-16BE surrogate pair', () => {
  assert.is(encodeUcs2('A😀').toString('hex'), '0041d83dde00');
  assert.is(decodeUcs2(encodeUcs2('Привет 😀')), 'Привет 😀');
});

const latinCases: Array<[text: string, hex: string | undefined]> = [
  ['café', '636166e9'],
  ['ÿ', 'ff'],
  ['€', undefined],
  ['😀', undefined],
];
for (const [text, hex] of latinCases) {
  encode(`latin1 :: ${JSON.stringify(text)} :: ${hex ?? 'not representable'}`, () => {
    assert.is(encodeLatin1(text)?.toString('hex'), hex);
  });
}

encode.run();
