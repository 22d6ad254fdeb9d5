import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { countLost, decodeUtf8OrLegacy, readsAsUtf8, unknownCharset } from '../../src/mail/charset.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');

const Decode = suite('charset :: decodeUtf8OrLegacy');

const cases: Array<[string, Buffer, string]> = [
  ['valid UTF-8 :: read as UTF-8', utf8('Grüße aus Köln 😀'), 'Grüße aus Köln 😀'],
  ['ASCII :: unchanged', utf8('Hallo Welt'), 'Hallo Welt'],
  ['Latin-1 letters :: read as windows-1252', latin1('Gr\xfc\xdfe aus K\xf6ln'), 'Grüße aus Köln'],
  ['windows-1252 punctuation in 0x80-0x9F :: euro sign, dashes, quotes, ellipsis', latin1('84,00 \x80 \x96 \x84Termin\x93 \x85'), '84,00 € – „Termin“ …'],
  ['UTF-8 template with Latin-1 data :: both right', Buffer.concat([utf8('Frau Müller, Ihr '), latin1('Z\xe4hlerstand'), utf8(' ✓')]), 'Frau Müller, Ihr Zählerstand ✓'],
  ['a UTF-8 lead byte before an ASCII letter :: read as windows-1252', latin1('\xc3('), 'Ã('],
  ['overlong form and surrogate half :: not UTF-8, read byte by byte', Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), 'À¯í\u00a0€'],
  ['bytes windows-1252 leaves undefined :: lost (U+FFFD)', latin1('a\x81b\x8dc\x8fd\x90e\x9df'), 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf'],
  ['a four-byte emoji next to a stray byte :: emoji kept', Buffer.concat([utf8('👍'), latin1('\xfc')]), '👍ü'],
];

for (const [name, bytes, text] of cases) {
  Decode(name, () => assert.is(decodeUtf8OrLegacy(bytes), text));
}

Decode('a Uint8Array view into a larger buffer :: only its own bytes', () => {
  const whole = latin1('xxGr\xfc\xdfexx');
  assert.is(decodeUtf8OrLegacy(new Uint8Array(whole.buffer, whole.byteOffset + 2, 5)), 'Grüße');
});

Decode.run();

const Labels = suite('charset :: readsAsUtf8');

Labels('no charset, ASCII and UTF-8 labels :: read as UTF-8 (with the fallback)', () => {
  for (const label of [undefined, '', 'utf-8', 'UTF8', 'us-ascii', 'ASCII', 'utf-8*de']) assert.ok(readsAsUtf8(label), String(label));
});

Labels('a charset libmime cannot decode (unknown, a typo, UTF-7) :: read as UTF-8 (with the fallback) and named as unknown', () => {
  for (const label of ['x-unknown-42', 'iso-8895-1', 'utf-7']) {
    assert.ok(readsAsUtf8(label), label);
    assert.is(unknownCharset(label), label);
  }
  for (const label of [undefined, 'utf-8', 'iso-8859-1', 'latin1', 'windows-1252', 'ISO-2022-JP', 'koi8-r']) assert.is(unknownCharset(label), undefined, String(label));
});

Labels('declared legacy charsets :: decoded as declared', () => {
  for (const label of ['iso-8859-1', 'windows-1252', 'koi8-r', 'shift_jis', 'utf-16']) assert.not.ok(readsAsUtf8(label), label);
});

Labels('countLost :: the replacement characters of a text', () => {
  assert.is(countLost('Gr\ufffd\ufffde'), 2);
  assert.is(countLost('Grüße'), 0);
});

Labels.run();
