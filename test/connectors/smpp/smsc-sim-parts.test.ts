import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { readSubmitSm, splitUdh } from '../../../src/connectors/smpp/submit-pdu.js';
import { Reassembler } from '../../../src/connectors/smpp/reassembly.js';
import { receiptDate, wantsReceipt, type ReceiptStat } from '../../../src/connectors/smpp/receipt-build.js';

const pdu = suite('smsc-sim parts :: submit_sm octets');

/** A submit_sm as octets, built by hand from SMPP 3.4 §4.4.1 so the reader is checked against the spec, not the package. */
function submitSm(shortMessage: Buffer, esmClass = 0, tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const c = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');
  const body = Buffer.concat([
    c(''), Buffer.from([5, 0]), c('ACME'), Buffer.from([1, 1]), c('4915100000001'),
    Buffer.from([esmClass, 0, 0]), c(''), c(''), Buffer.from([1, 0, 8, 0, shortMessage.length]), shortMessage, tlvs,
  ]);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(4, 4);
  head.writeUInt32BE(42, 12);
  return Buffer.concat([head, body]);
}

pdu('smsc-sim parts :: submit_sm :: addresses, coding and octets read', () => {
  const s = readSubmitSm(submitSm(Buffer.from([0, 0x41])));
  assert.equal([s.sequence, s.source, s.destination, s.dataCoding, s.registeredDelivery], [
    42, { ton: 5, npi: 0, addr: 'ACME' }, { ton: 1, npi: 1, addr: '4915100000001' }, 8, 1,
  ]);
  assert.equal([...s.octets], [0, 0x41]);
});

pdu('smsc-sim parts :: message_payload TLV :: wins over the empty short_message', () => {
  const tlv = Buffer.from([0x04, 0x24, 0x00, 0x02, 0x00, 0x42]);
  const s = readSubmitSm(submitSm(Buffer.alloc(0), 0, tlv));
  assert.ok(s.viaPayload);
  assert.equal([...s.octets], [0, 0x42]);
});

pdu('smsc-sim parts :: truncated submit_sm :: RangeError', () => {
  const whole = submitSm(Buffer.from('hello'));
  assert.throws(() => readSubmitSm(whole.subarray(0, whole.length - 3)), RangeError);
  assert.throws(() => readSubmitSm(Buffer.alloc(8)), RangeError);
});

pdu('smsc-sim parts :: UDH with another element first :: concatenation found after it', () => {
  // 0x0A: text formatting element (4 octets), then 8-bit concatenation ref 9, part 2 of 3.
  const octets = Buffer.from([11, 0x0a, 0x04, 0, 0, 0, 0, 0x00, 0x03, 9, 3, 2, 0x41]);
  const { concat, payload } = splitUdh(octets, 0x40);
  assert.equal(concat, { ref: 9, refBits: 8, total: 3, seq: 2 });
  assert.equal([...payload], [0x41]);
});

pdu('smsc-sim parts :: no UDHI in esm_class :: octets are all text', () => {
  assert.is(splitUdh(Buffer.from([5, 0, 3, 1, 2, 1]), 0).payload.length, 6);
});

const parts = suite('smsc-sim parts :: reassembly and receipts');

parts('smsc-sim parts :: parts out of order, another message interleaved :: each reassembled', () => {
  const r = new Reassembler();
  const part = (ref: number, seq: number, text: string) =>
    r.add({ source: 'A', destination: '1', dataCoding: 3, payload: Buffer.from(text), messageId: `${ref}.${seq}`, concat: { ref, refBits: 8, total: 2, seq } });
  assert.is(part(1, 2, 'world'), undefined);
  assert.is(part(2, 1, 'foo'), undefined);
  assert.equal(part(1, 1, 'hello ')?.messageIds, ['1.1', '1.2']);
  assert.is(part(2, 2, 'bar')?.text, 'foobar');
  assert.is(r.incomplete, 0);
});

parts('smsc-sim parts :: part number 0 :: dropped', () => {
  const r = new Reassembler();
  assert.is(r.add({ source: 'A', destination: '1', dataCoding: 3, payload: Buffer.from('x'), messageId: '1', concat: { ref: 1, refBits: 8, total: 2, seq: 0 } }), undefined);
  assert.is(r.incomplete, 0);
});

const cases: Array<[registered: number, stat: ReceiptStat, wanted: boolean]> = [
  [0, 'DELIVRD', false], [1, 'DELIVRD', true], [1, 'UNDELIV', true], [2, 'DELIVRD', false],
  [2, 'UNDELIV', true], [3, 'DELIVRD', true], [3, 'UNDELIV', false], [0x11, 'DELIVRD', true],
];
for (const [registered, stat, wanted] of cases) {
  parts(`smsc-sim parts :: registered_delivery 0x${registered.toString(16)}, ${stat} :: ${wanted ? 'receipt' : 'none'}`, () => {
    assert.is(wantsReceipt(registered, stat), wanted);
  });
}

parts('smsc-sim parts :: receipt date :: YYMMDDhhmm in UTC', () => {
  assert.is(receiptDate(new Date(Date.UTC(2025, 0, 2, 3, 4, 59))), '2501020304');
});

pdu.run();
parts.run();
