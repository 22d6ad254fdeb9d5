import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import smpp from 'smpp';
import { PduFramer, SmppProtocolError } from '../../../src/connectors/smpp/framing.js';
import { encodeSubmitSm, type SubmitSm } from '../../../src/connectors/smpp/submit-encode.js';
import { readDeliverSm, readSubmitSm } from '../../../src/connectors/smpp/submit-pdu.js';

const sample: SubmitSm = {
  serviceType: '',
  source: { ton: 5, npi: 0, addr: 'ACME' },
  destination: { ton: 1, npi: 1, addr: '4915100000001' },
  esmClass: 0x40,
  registeredDelivery: 1,
  dataCoding: 8,
  shortMessage: Buffer.from([5, 0, 3, 7, 2, 1, 0xd8, 0x3d, 0xde, 0x00]),
};

const E = suite('smpp codec :: submit_sm encoder');

E('smpp codec :: encoded submit_sm :: reads back field for field', () => {
  const r = readSubmitSm(encodeSubmitSm(sample, 77));
  assert.equal(
    [r.sequence, r.source, r.destination, r.esmClass, r.registeredDelivery, r.dataCoding, [...r.octets], r.viaPayload],
    [77, sample.source, sample.destination, 0x40, 1, 8, [...sample.shortMessage], false],
  );
});

E('smpp codec :: message_payload :: TLV 0x0424 with the octets, short_message empty', () => {
  const payload = Buffer.alloc(600, 0x41);
  const pdu = encodeSubmitSm({ ...sample, esmClass: 0, shortMessage: Buffer.alloc(0), messagePayload: payload }, 1);
  const r = readSubmitSm(pdu);
  assert.ok(r.viaPayload);
  assert.is(r.octets.length, 600);
});

E('smpp codec :: the smpp package parses our octets to the same fields (interoperability)', () => {
  const parsed = new smpp.PDU(encodeSubmitSm({ ...sample, validityPeriod: '000001000000000R' }, 9));
  assert.is(parsed.command, 'submit_sm');
  assert.equal(
    [parsed.sequence_number, parsed['source_addr'], parsed['destination_addr'], parsed['data_coding'], parsed['esm_class'], parsed['registered_delivery']],
    [9, 'ACME', '4915100000001', 8, 0x40, 1],
  );
});

E('smpp codec :: fields that do not fit :: RangeError naming the field', () => {
  assert.throws(() => encodeSubmitSm({ ...sample, shortMessage: Buffer.alloc(255) }, 1), /short_message of 255 octets/);
  assert.throws(() => encodeSubmitSm({ ...sample, source: { ton: 1, npi: 1, addr: '1'.repeat(21) } }, 1), /source_addr/);
  assert.throws(() => encodeSubmitSm({ ...sample, serviceType: 'TOOLONG' }, 1), /service_type/);
});

E('smpp codec :: deliver_sm :: same body, TLVs kept raw', () => {
  const pdu = encodeSubmitSm({ ...sample, esmClass: 0x04, shortMessage: Buffer.from('id:1 stat:DELIVRD') }, 3);
  pdu.writeUInt32BE(0x05, 4);
  const withTlv = Buffer.concat([pdu, Buffer.from([0x04, 0x27, 0, 1, 2])]);
  withTlv.writeUInt32BE(withTlv.length, 0);
  const r = readDeliverSm(withTlv);
  assert.is(r.octets.toString('latin1'), 'id:1 stat:DELIVRD');
  assert.equal([...r.tlvs.get(0x0427)!], [2]);
  assert.throws(() => readDeliverSm(pdu.fill(0, 4, 8)), /not a deliver_sm/);
});

const F = suite('smpp codec :: framing');

const pduOf = (seq: number, extra = 0): Buffer => {
  const b = Buffer.alloc(16 + extra);
  b.writeUInt32BE(16 + extra, 0);
  b.writeUInt32BE(0x15, 4);
  b.writeUInt32BE(seq, 12);
  return b;
};

F('smpp framing :: PDUs split and glued across chunks :: each whole, in order', () => {
  const stream = Buffer.concat([pduOf(1), pduOf(2, 5), pduOf(3)]);
  const f = new PduFramer();
  const out: number[] = [];
  for (const cut of [[0, 3], [3, 20], [20, 21], [21, stream.length]] as const) {
    for (const p of f.push(stream.subarray(cut[0], cut[1]))) out.push(p.readUInt32BE(12));
  }
  assert.equal(out, [1, 2, 3]);
});

F('smpp framing :: command_length below 16 or above the limit :: protocol error', () => {
  const short = Buffer.from([0, 0, 0, 8, 0, 0, 0, 0]);
  assert.throws(() => new PduFramer().push(short), (e: Error) => e instanceof SmppProtocolError && /command_length 8/.test(e.message));
  const huge = Buffer.from([0x7f, 0, 0, 0]);
  assert.throws(() => new PduFramer(1024).push(huge), (e: Error) => e instanceof SmppProtocolError);
});

E.run();
F.run();
