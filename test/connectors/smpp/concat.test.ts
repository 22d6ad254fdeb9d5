import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ConcatRefs, airLength, buildParts, packedLength, type ConcatPart } from '../../../src/connectors/smpp/concat.js';
import { decodeGsm7Unpacked, decodeUcs2 } from '../../../src/connectors/smpp/encode.js';
import type { SmsEncoding } from '../../../src/store/types.js';

const gsmText = (n: number): string => 'Lorem ipsum dolor sit amet, €uro [x]. '.repeat(20).slice(0, n);
const decode = (parts: ConcatPart[], encoding: SmsEncoding): string =>
  parts.map((p) => (encoding === 'GSM7' ? decodeGsm7Unpacked(p.payload) : decodeUcs2(p.payload))).join('');

const parts = suite('concat :: buildParts');

type Case = [name: string, text: string, encoding: SmsEncoding, refBits: 8 | 16, count: number];
const cases: Case[] = [
  ['160 GSM chars', 'a'.repeat(160), 'GSM7', 8, 1],
  ['300 GSM chars', 'a'.repeat(300), 'GSM7', 8, 2],
  ['306 GSM chars', 'a'.repeat(306), 'GSM7', 8, 2],
  ['307 GSM chars', 'a'.repeat(307), 'GSM7', 8, 3],
  ['300 GSM chars with € and brackets', gsmText(300), 'GSM7', 8, 3],
  ['306 GSM chars, 16-bit ref (152 per part)', 'a'.repeat(306), 'GSM7', 16, 3],
  ['304 GSM chars, 16-bit ref', 'a'.repeat(304), 'GSM7', 16, 2],
  ['70 UCS-2 chars', 'ж'.repeat(70), 'UCS2', 8, 1],
  ['134 UCS-2 chars', 'ж'.repeat(134), 'UCS2', 8, 2],
  ['134 UCS-2 chars, 16-bit ref (66 per part)', 'ж'.repeat(134), 'UCS2', 16, 3],
  ['emoji at the 67-unit boundary', 'ж'.repeat(66) + '😀'.repeat(40), 'UCS2', 8, 3],
  ['emoji at the 66-unit boundary, 16-bit ref', 'ж'.repeat(65) + '😀'.repeat(40), 'UCS2', 16, 3],
];

for (const [name, text, encoding, refBits, count] of cases) {
  parts(`concat :: ${name} :: ${count} part(s) that reassemble and fit 140 octets`, () => {
    const built = buildParts(text, encoding, { ref: 0x12, refBits });
    assert.is(built.length, count);
    assert.is(decode(built, encoding), text);
    for (const [i, p] of built.entries()) {
      assert.ok(airLength(p, encoding) <= 140, `part ${i + 1} is ${airLength(p, encoding)} octets`);
      assert.equal(p.shortMessage, Buffer.concat([p.udh, p.payload]));
      if (count === 1) assert.is(p.udh.length, 0);
      else assert.is(p.udh.at(-1), i + 1);
    }
  });
}

parts('concat :: UCS-2 with emoji :: no part ends in a lone high surrogate', () => {
  for (const p of buildParts('ж'.repeat(66) + '😀'.repeat(40), 'UCS2', { ref: 1, refBits: 8 })) {
    const last = p.payload.readUInt16BE(p.payload.length - 2);
    assert.ok(last < 0xd800 || last > 0xdbff);
  }
});

parts('concat :: 8-bit ref :: UDH 05 00 03 ref total seq', () => {
  const built = buildParts('a'.repeat(307), 'GSM7', { ref: 0xab, refBits: 8 });
  assert.equal(built.map((p) => p.udh.toString('hex')), ['050003ab0301', '050003ab0302', '050003ab0303']);
});

parts('concat :: 16-bit ref :: UDH 06 08 04 refHi refLo total seq', () => {
  const built = buildParts('a'.repeat(200), 'GSM7', { ref: 0x1234, refBits: 16 });
  assert.equal(built.map((p) => p.udh.toString('hex')), ['060804123402' + '01', '060804123402' + '02']);
});

parts('concat :: a full 8-bit-ref GSM part :: 159 octets unpacked, 140 on air', () => {
  const [first] = buildParts('a'.repeat(307), 'GSM7', { ref: 1, refBits: 8 });
  assert.is(first!.shortMessage.length, 159);
  assert.is(airLength(first!, 'GSM7'), 140);
});

const packedCases: Array<[septets: number, udh: number, octets: number]> = [
  [160, 0, 140],
  [153, 6, 140],
  [152, 7, 140],
  [153, 7, 141],
  [1, 0, 1],
  [8, 0, 7],
];
for (const [septets, udh, octets] of packedCases) {
  parts(`concat :: packedLength(${septets} septets, ${udh}-octet UDH) :: ${octets}`, () => {
    assert.is(packedLength(septets, udh), octets);
  });
}

parts('concat :: empty text :: no parts', () => {
  assert.equal(buildParts('', 'GSM7', { ref: 0, refBits: 8 }), []);
});

parts('concat :: reference out of range :: RangeError', () => {
  assert.throws(() => buildParts('a', 'GSM7', { ref: 256, refBits: 8 }), RangeError);
  assert.throws(() => buildParts('a', 'GSM7', { ref: -1, refBits: 16 }), RangeError);
  assert.not.throws(() => buildParts('a', 'GSM7', { ref: 65535, refBits: 16 }));
});

parts('concat :: more than 255 parts :: RangeError', () => {
  assert.throws(() => buildParts('a'.repeat(153 * 256), 'GSM7', { ref: 0, refBits: 8 }), /255/);
});

parts.run();

const refs = suite('concat :: ConcatRefs');

refs('refs :: 8-bit :: wraps from 255 to 0', () => {
  const r = new ConcatRefs(8, 254);
  assert.equal([r.next('+49a'), r.next('+49b'), r.next('+49c')], [254, 255, 0]);
});

refs('refs :: 16-bit :: wraps from 65535 to 0', () => {
  const r = new ConcatRefs(16, 65535);
  assert.equal([r.next('+49a'), r.next('+49a')], [65535, 0]);
});

refs('refs :: ref still in use for the destination :: skipped after wrap', () => {
  const r = new ConcatRefs(8);
  const first = r.next('+491');
  for (let i = 1; i < 256; i++) r.release('+491', r.next('+491'));
  assert.is(r.next('+491'), 1, 'ref 0 is still in use, so 1 comes next');
  assert.is(first, 0);
});

refs('refs :: ref in use for another destination :: reused', () => {
  const r = new ConcatRefs(8);
  r.next('+491');
  for (let i = 1; i < 256; i++) r.next('+492');
  assert.is(r.next('+493'), 0);
});

refs('refs :: all refs in use for a destination :: RangeError, then release frees one', () => {
  const r = new ConcatRefs(8);
  for (let i = 0; i < 256; i++) r.next('+491');
  assert.throws(() => r.next('+491'), RangeError);
  r.release('+491', 42);
  assert.is(r.next('+491'), 42);
  assert.is(r.inUseFor('+491'), 256);
});

refs('refs :: release of everything :: destination forgotten', () => {
  const r = new ConcatRefs(16);
  r.release('+491', 5);
  r.release('+491', r.next('+491'));
  assert.is(r.inUseFor('+491'), 0);
});

refs('refs :: all in use, two waiting :: each released reference goes to the first waiter in turn and stays in use', async () => {
  const r = new ConcatRefs(8);
  for (let i = 0; i < 256; i++) r.next('+491');
  const first = r.wait('+491', 1000);
  const second = r.wait('+491', 1000);
  assert.is(r.waiting, 2);
  r.release('+492', 7); // another number's release serves nobody here
  r.release('+491', 7);
  r.release('+491', 9);
  assert.equal([await first, await second], [7, 9]);
  assert.equal([r.inUseFor('+491'), r.waiting], [256, 0]);
  r.release('+491', 11);
  assert.is(r.inUseFor('+491'), 255, 'with nobody waiting a release frees it');
});

refs('refs :: a wait nobody serves :: undefined when its time is up, and it leaves the queue (fake timers)', async () => {
  const due: Array<() => void> = [];
  const r = new ConcatRefs(8, 0, { timers: { set: (fn) => due.push(fn), clear: () => {} } });
  for (let i = 0; i < 256; i++) r.next('+491');
  const late = r.wait('+491', 10_000);
  const next = r.wait('+491', 10_000);
  due[0]!();
  assert.is(await late, undefined);
  r.release('+491', 3);
  assert.is(await next, 3, 'the expired waiter is not served');
});

refs('refs :: oldestAge :: since the longest-held reference was taken; a reference handed to a waiter counts as taken anew', async () => {
  let t = 1000;
  const r = new ConcatRefs(8, 0, { now: () => t });
  assert.is(r.oldestAge('+491'), undefined);
  for (let i = 0; i < 256; i++, t += 10) r.next('+491');
  assert.is(r.oldestAge('+491'), 2560, 'ref 0, taken at 1000');
  const next = r.wait('+491', 60_000);
  r.release('+491', 0);
  assert.is(await next, 0);
  assert.is(r.oldestAge('+491'), 2550, 'now ref 1, taken at 1010');
  r.cancelWaits();
});

refs('refs :: cancelWaits :: every waiter ends with undefined', async () => {
  const r = new ConcatRefs(8);
  for (let i = 0; i < 256; i++) r.next('+491');
  const waits = [r.wait('+491', 60_000), r.wait('+491', 60_000)];
  r.cancelWaits();
  assert.equal(await Promise.all(waits), [undefined, undefined]);
  assert.is(r.waiting, 0);
});

refs.run();
