import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { SmsEncoding } from '../../src/store/types.js';
import { analyzeText, partLimit, splitSegments, withUdh } from '../../src/sms/segments.js';

const a = (n: number): string => 'a'.repeat(n);
const ru = (n: number): string => 'ж'.repeat(n);

type Case = [name: string, text: string, encoding: SmsEncoding, units: number, partLengths: number[]];

/** partLengths are in units of the encoding (septets or UTF-16 units). */
const cases: Case[] = [
  ['1 GSM char :: 1 part', 'a', 'GSM7', 1, [1]],
  ['160 GSM chars :: 1 part', a(160), 'GSM7', 160, [160]],
  ['161 GSM chars :: 2 parts of 153+8', a(161), 'GSM7', 161, [153, 8]],
  ['306 GSM chars :: 2 parts of 153', a(306), 'GSM7', 306, [153, 153]],
  ['307 GSM chars :: 3 parts of 153+153+1', a(307), 'GSM7', 307, [153, 153, 1]],
  ['80 € :: 160 septets in 1 part', '€'.repeat(80), 'GSM7', 160, [160]],
  ['159 GSM chars + € :: 161 septets in 2 parts', a(159) + '€', 'GSM7', 161, [153, 8]],
  // 152 + 2 would be 154: the escape pair must not straddle the boundary.
  ['152 GSM chars + € at the boundary :: € moves to part 2', a(152) + '€' + a(10), 'GSM7', 164, [152, 12]],
  ['151 GSM chars + € :: € fits exactly into part 1', a(151) + '€' + a(10), 'GSM7', 163, [153, 10]],
  ['70 UCS-2 chars :: 1 part', ru(70), 'UCS2', 70, [70]],
  ['71 UCS-2 chars :: 2 parts of 67+4', ru(71), 'UCS2', 71, [67, 4]],
  ['134 UCS-2 chars :: 2 parts of 67', ru(134), 'UCS2', 134, [67, 67]],
  ['135 UCS-2 chars :: 3 parts', ru(135), 'UCS2', 135, [67, 67, 1]],
  ['35 emoji :: 70 units in 1 part', '😀'.repeat(35), 'UCS2', 70, [70]],
  // The emoji's surrogate pair would take units 67 and 68: it moves to part 2.
  ['emoji at the 67-unit boundary :: not split', ru(66) + '😀' + ru(10), 'UCS2', 78, [66, 12]],
  ['emoji ending exactly at unit 67 :: stays in part 1', ru(65) + '😀' + ru(10), 'UCS2', 77, [67, 10]],
];

const segments = suite('segments');

for (const [name, text, encoding, units, partLengths] of cases) {
  segments(`segments :: ${name}`, () => {
    const analysis = analyzeText(text, { transliterate: false });
    assert.is(analysis.encoding, encoding);
    assert.is(analysis.units, units);
    const parts = splitSegments(text, encoding);
    assert.is(parts.join(''), text, 'parts joined give the text back');
    assert.equal(parts.map((part) => unitsOf(part, encoding)), partLengths);
    assert.is(analysis.segments, parts.length);
    assert.is(analysis.perSegment, encodingLimit(encoding, parts.length));
  });
}

segments('segments :: no part starts with a low surrogate or ends with a high one', () => {
  const text = 'x' + '😀'.repeat(200);
  for (const part of splitSegments(text, 'UCS2')) {
    assert.not.ok(/^[\uDC00-\uDFFF]/.test(part));
    assert.not.ok(/[\uD800-\uDBFF]$/.test(part));
    assert.ok(part.length <= 67);
  }
});

segments('segments :: no GSM part exceeds 153 septets with many € at odd offsets', () => {
  const text = 'a' + '€'.repeat(300);
  const parts = splitSegments(text, 'GSM7');
  assert.is(parts.join(''), text);
  for (const part of parts) assert.ok(unitsOf(part, 'GSM7') <= 153);
  assert.is(analyzeText(text, { transliterate: false }).segments, parts.length);
});

segments('segments :: empty text :: 0 segments, no parts', () => {
  const analysis = analyzeText('', { transliterate: true });
  assert.is(analysis.segments, 0);
  assert.is(analysis.units, 0);
  assert.is(analysis.encoding, 'GSM7');
  assert.equal(splitSegments('', 'GSM7'), []);
  assert.equal(splitSegments('', 'UCS2'), []);
});

segments('segments :: smart quote without transliteration :: forces UCS-2', () => {
  const analysis = analyzeText('It’s ok', { transliterate: false });
  assert.is(analysis.encoding, 'UCS2');
  assert.equal(analysis.nonGsm, ['’']);
  assert.equal(analysis.replaced, []);
  assert.is(analysis.text, 'It’s ok');
  assert.is(analysis.perSegment, 70);
});

segments('segments :: smart quote with transliteration :: stays GSM-7', () => {
  const analysis = analyzeText('It’s ok', { transliterate: true });
  assert.is(analysis.encoding, 'GSM7');
  assert.is(analysis.text, "It's ok");
  assert.equal(analysis.nonGsm, []);
  assert.equal(analysis.replaced, [{ from: '’', to: "'", count: 1 }]);
  assert.is(analysis.perSegment, 160);
});

segments('segments :: transliteration changes the segment count', () => {
  const text = a(100) + '…';
  assert.is(analyzeText(text, { transliterate: false }).segments, 2);
  const out = analyzeText(text, { transliterate: true });
  assert.is(out.segments, 1);
  assert.is(out.units, 103);
});

/**
 * Review 4b F7: typographic characters are replaced only when that makes the
 * whole text GSM-7; in a text that is Unicode anyway they stay as written, and
 * what forced Unicode is what no replacement could change.
 * [name, text, transliterate, text sent, encoding, nonGsm, replaced (from)]
 */
const TYPOGRAPHIC: Array<[string, string, boolean, string, SmsEncoding, string[], string[]]> = [
  ['Cyrillic with a dash :: the dash stays, the Cyrillic letters forced Unicode',
    'Привет – мир', true, 'Привет – мир', 'UCS2', ['П', 'р', 'и', 'в', 'е', 'т', 'м'], []],
  ['the review\'s names with „ – :: sent as written, í ř á Ł ç named',
    'Sehr geehrte Frau García, Herr Dvořák, Łukasz – „ça va?“', true, 'Sehr geehrte Frau García, Herr Dvořák, Łukasz – „ça va?“', 'UCS2', ['í', 'ř', 'á', 'Ł', 'ç'], []],
  ['an emoji and a typographic apostrophe :: both stay, the emoji forced Unicode', 'Danke’s 👍', true, 'Danke’s 👍', 'UCS2', ['👍'], []],
  ['„ – alone :: replaced, GSM-7', 'Die „Mahnung“ – bitte', true, 'Die "Mahnung" - bitte', 'GSM7', [], ['„', '“', '–']],
  ['„ – alone, transliteration off :: they forced Unicode', 'Die „Mahnung“ – bitte', false, 'Die „Mahnung“ – bitte', 'UCS2', ['„', '“', '–'], []],
  ['an invisible character is removed even in a Unicode text', 'Привет\u200B – мир', true, 'Привет – мир', 'UCS2', ['П', 'р', 'и', 'в', 'е', 'т', 'м'], ['\u200B']],
];
for (const [name, text, on, sent, encoding, nonGsm, replaced] of TYPOGRAPHIC) {
  segments(`segments :: transliteration :: ${name}`, () => {
    const analysis = analyzeText(text, { transliterate: on });
    assert.equal([analysis.text, analysis.encoding, analysis.nonGsm, analysis.replaced.map((r) => r.from)], [sent, encoding, nonGsm, replaced]);
  });
}

segments('segments :: emoji stays UCS-2 with transliteration; characters count it once, units twice', () => {
  const analysis = analyzeText('Danke 👍', { transliterate: true });
  assert.is(analysis.encoding, 'UCS2');
  assert.equal(analysis.nonGsm, ['👍']);
  assert.equal([analysis.characters, analysis.units], [7, 8]);
});

segments('segments :: € counts one character and two septets', () => {
  const analysis = analyzeText(`${'C'.repeat(900)}${'€'.repeat(10)}`, { transliterate: true });
  assert.equal([analysis.encoding, analysis.characters, analysis.units, analysis.segments], ['GSM7', 910, 920, 7]);
});

function unitsOf(part: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS2') return part.length;
  return [...part].reduce((sum, char) => sum + ('^{}\\[~]|€\f'.includes(char) ? 2 : 1), 0);
}

function encodingLimit(encoding: SmsEncoding, parts: number): number {
  if (encoding === 'GSM7') return parts > 1 ? 153 : 160;
  return parts > 1 ? 67 : 70;
}

const UDH: Array<[SmsEncoding, number, number]> = [['GSM7', 6, 153], ['GSM7', 7, 152], ['UCS2', 6, 67], ['UCS2', 7, 66]];
for (const [enc, udh, limit] of UDH) {
  segments(`segments :: ${enc} behind a ${udh}-octet UDH :: ${limit} per part`, () => {
    assert.is(partLimit(enc, udh), limit);
  });
}

segments('segments :: 306 GSM chars behind a 16-bit-reference UDH :: 3 parts of 152+152+2', () => {
  assert.equal(splitSegments('a'.repeat(306), 'GSM7', 7).map((p) => p.length), [152, 152, 2]);
  assert.equal(splitSegments('a'.repeat(306), 'GSM7').map((p) => p.length), [153, 153]);
});

/** Review 4b F6: the count (not only the split) follows the UDH the connector uses. [name, text, udh, segments, perSegment] */
const COUNTED: Array<[string, string, number, number, number]> = [
  ['306 GSM chars, 7-octet UDH', a(306), 7, 3, 152],
  ['304 GSM chars, 7-octet UDH', a(304), 7, 2, 152],
  ['134 UCS-2 chars, 7-octet UDH', ru(134), 7, 3, 66],
  ['918 GSM chars, 7-octet UDH', a(918), 7, 7, 152],
  ['918 GSM chars, 6-octet UDH', a(918), 6, 6, 153],
  ['160 GSM chars (one SMS has no UDH), 7-octet UDH', a(160), 7, 1, 160],
  ['70 UCS-2 chars, 7-octet UDH', ru(70), 7, 1, 70],
];
for (const [name, text, udh, n, per] of COUNTED) {
  segments(`segments :: counted :: ${name} :: ${n} segments of up to ${per}`, () => {
    const counted = analyzeText(text, { transliterate: false, udhOctets: udh });
    assert.equal([counted.segments, counted.perSegment], [n, per]);
    assert.is(counted.segments, splitSegments(text, counted.encoding, udh).length);
    // Counted again behind another UDH: the same as analysed behind it.
    assert.equal(withUdh(analyzeText(text, { transliterate: false }), udh), counted);
    // And from the other UDH (7 ↔ 6 octets), so neither direction keeps a count of the wrong size.
    assert.equal(withUdh(analyzeText(text, { transliterate: false, udhOctets: 13 - udh }), udh), counted);
  });
}

segments.run();
