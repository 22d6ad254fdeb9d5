import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { destinationAddress, senderAddress, senderKind } from '../../../src/connectors/smpp/address.js';
import { planSubmit, type PlanOptions } from '../../../src/connectors/smpp/plan.js';
import { splitUdh, decodeText } from '../../../src/connectors/smpp/submit-pdu.js';
import type { OutboundSms } from '../../../src/connectors/types.js';
import { LONG_GSM } from './harness.js';

const A = suite('smpp plan :: addresses');

const SENDERS: Array<[string, string, { ton: number; npi: number; addr: string }]> = [
  ['ACME', 'alphanumeric', { ton: 5, npi: 0, addr: 'ACME' }],
  ['ACME Bank', 'alphanumeric', { ton: 5, npi: 0, addr: 'ACME Bank' }],
  ['+4915112345678', 'international', { ton: 1, npi: 1, addr: '4915112345678' }],
  ['004915112345678', 'international', { ton: 1, npi: 1, addr: '4915112345678' }],
  ['4915112345678', 'international', { ton: 1, npi: 1, addr: '4915112345678' }],
  ['015112345678', 'national', { ton: 2, npi: 1, addr: '015112345678' }],
  ['12345', 'shortcode', { ton: 3, npi: 0, addr: '12345' }],
  ['', 'none', { ton: 0, npi: 0, addr: '' }],
];

for (const [sender, kind, address] of SENDERS) {
  A(`smpp plan :: sender ${JSON.stringify(sender)} :: ${kind} TON ${address.ton} NPI ${address.npi}`, () => {
    assert.is(senderKind(sender), kind);
    assert.equal(senderAddress(sender), address);
  });
}

A('smpp plan :: senders no SMSC takes :: RangeError naming the problem', () => {
  assert.throws(() => senderAddress('ACME Bank Germany'), /longer than 11 characters/);
  assert.throws(() => senderAddress('+1234567890123456'), /more than 15 digits/);
  assert.throws(() => senderAddress('Grüße'), /printable ASCII/);
});

A('smpp plan :: destination :: TON 1 NPI 1 without +', () => {
  assert.equal(destinationAddress('+4915112345678'), { ton: 1, npi: 1, addr: '4915112345678' });
  assert.throws(() => destinationAddress('hello'), RangeError);
});

const P = suite('smpp plan :: PDUs of an SMS');

const opts: PlanOptions = { gsmDataCoding: 0, longMessages: 'udh8', registeredDelivery: 1, serviceType: '', defaultSender: 'DEFAULT', flashGsmDataCoding: '0xF0', validity: 'absolute', expressPriorityFlag: 1 };
const NOW = new Date('2026-03-01T10:00:00Z');
const planAt = (s: OutboundSms, o: PlanOptions, nextRef: () => number) => planSubmit(s, o, nextRef, NOW);
const sms = (text: string, extra: Partial<OutboundSms> = {}): OutboundSms =>
  ({ id: 'M1.1', to: '+4915100000001', text, encoding: 'GSM7', segments: 1, ...extra });
const refs = (start = 7) => {
  let next = start;
  return () => next++;
};


P('smpp plan :: short GSM text :: one PDU, data_coding 0, no UDH, default sender', () => {
  const plan = planAt(sms('Hallo {Welt}'), opts, refs());
  assert.is(plan.pdus.length, 1);
  const [pdu] = plan.pdus;
  assert.equal([pdu!.dataCoding, pdu!.esmClass, pdu!.registeredDelivery, pdu!.source.addr], [0, 0, 1, 'DEFAULT']);
  assert.is(decodeText(0, pdu!.shortMessage), 'Hallo {Welt}');
  assert.is(plan.ref, undefined);
});

P('smpp plan :: 300 GSM characters with extension characters :: 3 UDH parts, esm_class 0x40, the text back when joined', () => {
  assert.is(LONG_GSM.length, 300);
  for (const [mode, bits] of [['udh8', 8], ['udh16', 16]] as const) {
    const ref = bits === 8 ? 200 : 300;
    const plan = planAt(sms(LONG_GSM), { ...opts, longMessages: mode }, refs(ref));
    assert.is(plan.pdus.length, 3, mode);
    const split = plan.pdus.map((p) => splitUdh(p.shortMessage, p.esmClass));
    assert.ok(plan.pdus.every((p) => p.esmClass === 0x40));
    assert.equal(split.map((s) => s.concat), [1, 2, 3].map((seq) => ({ ref, refBits: bits, total: 3, seq })));
    assert.is(split.map((s) => decodeText(0, s.payload)).join(''), LONG_GSM);
  }
});

P('smpp plan :: long text as payload :: one PDU, message_payload carries all, no UDH, no reference taken', () => {
  let taken = 0;
  const plan = planAt(sms(LONG_GSM), { ...opts, longMessages: 'payload' }, () => ++taken);
  assert.is(plan.pdus.length, 1);
  assert.equal([plan.pdus[0]!.esmClass, plan.pdus[0]!.shortMessage.length, taken], [0, 0, 0]);
  assert.is(decodeText(0, plan.pdus[0]!.messagePayload!), LONG_GSM);
});

P('smpp plan :: data_coding 3 :: Latin-1 octets; a text Latin-1 cannot carry (€) goes as UCS-2', () => {
  const latin = planAt(sms('Grüße [x]'), { ...opts, gsmDataCoding: 3 }, refs());
  assert.equal([latin.dataCoding, latin.pdus[0]!.shortMessage.toString('latin1')], [3, 'Grüße [x]']);
  const euro = planAt(sms('100 € offen'), { ...opts, gsmDataCoding: 3 }, refs());
  assert.equal([euro.dataCoding, decodeText(8, euro.pdus[0]!.shortMessage)], [8, '100 € offen']);
});

P('smpp plan :: data_coding 3, long text :: parts cut by GSM-7 rules (the SMSC transcodes), Latin-1 octets', () => {
  const text = 'Grüße Kunde, '.repeat(23); // 299 characters: 2 GSM-7 parts, where 8-bit rules would need 3
  const plan = planAt(sms(text), { ...opts, gsmDataCoding: 3 }, refs());
  const split = plan.pdus.map((p) => splitUdh(p.shortMessage, p.esmClass));
  assert.is(split.map((s) => s.payload.toString('latin1')).join(''), text);
  assert.is(plan.pdus.length, 2);
});

P('smpp plan :: UCS-2 with emoji :: data_coding 8, no part ends inside a surrogate pair', () => {
  const text = 'Zahlung eingegangen 👍 '.repeat(8);
  const plan = planAt(sms(text, { encoding: 'UCS2' }), opts, refs());
  assert.ok(plan.pdus.length > 1);
  for (const p of plan.pdus) {
    const { payload } = splitUdh(p.shortMessage, p.esmClass);
    const last = payload.readUInt16BE(payload.length - 2);
    assert.not.ok(last >= 0xd800 && last <= 0xdbff, 'part ends with a high surrogate');
  }
  assert.is(plan.pdus.map((p) => decodeText(8, splitUdh(p.shortMessage, p.esmClass).payload)).join(''), text);
});

P('smpp plan :: flash :: message class 0 — 0xF0 for GSM-7 (also where Latin-1 is configured), 0x18 for UCS-2, long texts too', () => {
  const flash = (text: string, o: Partial<PlanOptions> = {}, extra: Partial<OutboundSms> = {}) => planAt(sms(text, { flash: true, ...extra }), { ...opts, ...o }, refs());
  const gsm = flash('Ihr Code: 4711');
  assert.equal([gsm.dataCoding, decodeText(gsm.dataCoding, gsm.pdus[0]!.shortMessage)], [0xf0, 'Ihr Code: 4711']);
  assert.is(flash('Grüße', { gsmDataCoding: 3 }).dataCoding, 0xf0);
  const ucs = flash('Код 4711', {}, { encoding: 'UCS2' });
  assert.equal([ucs.dataCoding, decodeText(ucs.dataCoding, ucs.pdus[0]!.shortMessage)], [0x18, 'Код 4711']);
  const long = flash(LONG_GSM);
  assert.equal(long.pdus.map((p) => p.dataCoding), [0xf0, 0xf0, 0xf0]);
  assert.is(long.pdus.map((p) => decodeText(0xf0, splitUdh(p.shortMessage, p.esmClass).payload)).join(''), LONG_GSM);
});

P('smpp plan :: flash with flashGsmDataCoding 0x10 :: 0x10 (general group, class 0) for GSM-7, still 0x18 for UCS-2; not flash :: 0', () => {
  const o = { ...opts, flashGsmDataCoding: '0x10' as const };
  const gsm = planAt(sms('Ihr Code: 4711', { flash: true }), o, refs());
  assert.equal([gsm.dataCoding, decodeText(gsm.dataCoding, gsm.pdus[0]!.shortMessage)], [0x10, 'Ihr Code: 4711']);
  assert.is(planAt(sms('Код 4711', { flash: true, encoding: 'UCS2' }), o, refs()).dataCoding, 0x18);
  assert.is(planAt(sms('Ihr Code: 4711'), o, refs()).dataCoding, 0);
});

const VALIDITY: Array<[string, PlanOptions['validity'], string | undefined, string | undefined]> = [
  ['absolute, UTC, to the second', 'absolute', '2026-03-03T09:30:15.900Z', '260303093015000+'],
  ['relative: what is left at the submit (47 h 30 min 15 s)', 'relative', '2026-03-03T09:30:15.900Z', '000001233015000R'],
  ['relative over 4 days', 'relative', '2026-03-05T11:01:02.000Z', '000004010102000R'],
  ['none: the SMSC\'s default', 'none', '2026-03-03T09:30:15.900Z', undefined],
  ['no validity on the SMS', 'absolute', undefined, undefined],
];

for (const [name, validity, expiresAt, field] of VALIDITY) {
  P(`smpp plan :: validity ${name} :: validity_period ${field ?? 'empty'} on every part`, () => {
    const plan = planAt(sms(LONG_GSM, expiresAt ? { expiresAt } : {}), { ...opts, validity }, refs());
    assert.equal(plan.pdus.map((p) => p.validityPeriod), Array(3).fill(field));
  });
}

P('smpp plan :: text marked GSM7 that is not :: sent as UCS-2 rather than failing mid-send', () => {
  assert.is(planAt(sms('Привет'), opts, refs()).dataCoding, 8);
});

P('smpp plan :: sender of the SMS wins over the default; bad sender :: RangeError', () => {
  assert.equal(planAt(sms('x', { sender: '+4930123456' }), opts, refs()).pdus[0]!.source, { ton: 1, npi: 1, addr: '4930123456' });
  assert.throws(() => planAt(sms('x', { sender: 'VeryLongSenderName' }), opts, refs()), RangeError);
});

A.run();
P.run();
