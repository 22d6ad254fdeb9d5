import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { encodeGsm7Unpacked } from '../../../src/connectors/smpp/encode.js';
import { receiptOf } from '../../../src/connectors/smpp/receipt-in.js';
import type { RawSubmit } from '../../../src/connectors/smpp/submit-pdu.js';

/** What a deliver_sm means: a receipt, a handset's reply, or neither (pure; table of cases). */
const R = suite('smpp deliver_sm meaning');

const sm = (o: Partial<RawSubmit>): RawSubmit => ({
  sequence: 1, source: { ton: 1, npi: 1, addr: '4915112345678' }, destination: { ton: 3, npi: 0, addr: '80888' },
  esmClass: 0, priorityFlag: 0, validityPeriod: '', registeredDelivery: 0, dataCoding: 0, octets: encodeGsm7Unpacked('STOP'), viaPayload: false, tlvs: new Map(), ...o,
});
const ucs2 = (text: string) => Buffer.from(text, 'utf16le').swap16();

const CASES: Array<[string, RawSubmit, Record<string, unknown>]> = [
  ['a GSM reply from an international number', sm({}), { kind: 'mo', from: '+4915112345678', to: '80888', text: 'STOP' }],
  ['a UCS-2 reply', sm({ dataCoding: 8, octets: ucs2('Stopp 🙏') }), { kind: 'mo', from: '+4915112345678', to: '80888', text: 'Stopp 🙏' }],
  ['a part of a long reply: the UDH is cut', sm({ esmClass: 0x40, octets: Buffer.concat([Buffer.from([5, 0, 3, 7, 2, 1]), encodeGsm7Unpacked('STOP bitte')]) }), { kind: 'mo', from: '+4915112345678', to: '80888', text: 'STOP bitte' }],
  ['a sender written with 00 and TON unknown', sm({ source: { ton: 0, npi: 1, addr: '004915112345678' } }), { kind: 'mo', from: '+4915112345678', to: '80888', text: 'STOP' }],
  ['a national sender (TON 2) stays as it came, for the default country', sm({ source: { ton: 2, npi: 1, addr: '015112345678' } }), { kind: 'mo', from: '015112345678', to: '80888', text: 'STOP' }],
  // What it was sent to is read the same way: the opt-out list scopes a STOP to it.
  ['sent to an international number (TON 1): E.164, even when short', sm({ destination: { ton: 1, npi: 1, addr: '2903456' } }), { kind: 'mo', from: '+4915112345678', to: '+2903456', text: 'STOP' }],
  ['sent to a national number (TON 2): as it came, for the default country', sm({ destination: { ton: 2, npi: 1, addr: '030901820' } }), { kind: 'mo', from: '+4915112345678', to: '030901820', text: 'STOP' }],
];
for (const [what, pdu, want] of CASES) R(`reply :: ${what}`, () => assert.equal(receiptOf(pdu), want));

R('neither :: another message type (esm_class 0x08, intermediate notification) and binary data are not replies', () => {
  assert.is(receiptOf(sm({ esmClass: 0x08 })).kind, 'other');
  assert.is(receiptOf(sm({ dataCoding: 0x04, octets: Buffer.from([1, 2, 3]) })).kind, 'other');
});

R('receipt :: esm_class 0x04 is still read as a receipt', () => {
  const text = 'id:ABC123 sub:001 dlvrd:001 submit date:2611291200 done date:2611291201 stat:DELIVRD err:000 text:STOP';
  assert.is(receiptOf(sm({ esmClass: 0x04, octets: Buffer.from(text, 'latin1') })).kind, 'receipt');
});

R('receipt :: what it says of its SMS besides the id: the handset in E.164, the text: excerpt read as latin1 and as GSM 03.38 (data_coding 0), as UCS-2 alone', () => {
  const head = Buffer.from('id:ABC123 sub:001 dlvrd:001 submit date:2611291200 done date:2611291201 stat:DELIVRD err:000 text:', 'latin1');
  const gsm = receiptOf(sm({ esmClass: 0x04, octets: Buffer.concat([head, encodeGsm7Unpacked('Zahlung fällig')]) }));
  assert.equal(gsm.kind === 'receipt' && gsm.evidence, { handset: '+4915112345678', excerpt: ['Zahlung f\u007bllig', 'Zahlung fällig'] });
  const ascii = receiptOf(sm({ esmClass: 0x04, octets: Buffer.concat([head, Buffer.from('Termin', 'latin1')]) }));
  assert.equal(ascii.kind === 'receipt' && ascii.evidence, { handset: '+4915112345678', excerpt: ['Termin'] }, 'one reading when both agree');
  const wide = receiptOf(sm({ esmClass: 0x04, dataCoding: 8, octets: ucs2(`${head.toString('latin1')}Grüße`) }));
  assert.equal(wide.kind === 'receipt' && wide.evidence, { handset: '+4915112345678', excerpt: ['Grüße'] });
  const bare = receiptOf(sm({ esmClass: 0x04, octets: head.subarray(0, head.length - 6) }));
  assert.equal(bare.kind === 'receipt' && bare.evidence, { handset: '+4915112345678' }, 'no text: field, no excerpt');
});

R.run();
