import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import {
  idCandidates,
  normaliseMessageId,
  parseDeliveryReceipt,
  parseReceiptDate,
  sameMessageId,
  type ReceiptPdu,
  type ReceiptStatus,
} from '../../../src/connectors/smpp/receipt.js';

const receiptText = (stat: string, err = '000'): string =>
  `id:0A1B2C sub:001 dlvrd:001 submit date:2403151230 done date:2403151231 stat:${stat} err:${err} text:Hello`;

const pdu = (short_message: string | Buffer, extra: Partial<ReceiptPdu> = {}): ReceiptPdu => ({
  esm_class: 0x04,
  short_message,
  ...extra,
});

const stats = suite('receipt :: stat mapping');

const statCases: Array<[stat: string, status: ReceiptStatus, reason: string | undefined]> = [
  ['DELIVRD', 'delivered', undefined],
  ['UNDELIV', 'failed', 'UNDELIV (err 001)'],
  ['EXPIRED', 'expired', 'EXPIRED (err 001)'],
  ['REJECTD', 'rejected', 'REJECTD (err 001)'],
  ['DELETED', 'failed', 'DELETED (err 001)'],
  ['ACCEPTD', 'enroute', 'ACCEPTD (err 001)'],
  ['ENROUTE', 'enroute', 'ENROUTE (err 001)'],
  ['UNKNOWN', 'failed', 'UNKNOWN: the SMSC does not know whether it arrived (err 001)'],
  ['DELIVERED', 'delivered', undefined],
  ['delivrd', 'delivered', undefined],
  ['BUFFRED', 'enroute', 'BUFFRED (unrecognised state) (err 001)'],
];

for (const [stat, status, reason] of statCases) {
  stats(`receipt :: stat:${stat} :: ${status}`, () => {
    const r = parseDeliveryReceipt(pdu(receiptText(stat, '001')));
    assert.ok(r);
    assert.is(r.status, status);
    assert.is(r.reason, reason);
  });
}

stats.run();

const text = suite('receipt :: text');

text('receipt :: full text :: id, err and dates in UTC', () => {
  const r = parseDeliveryReceipt(pdu(receiptText('DELIVRD')));
  assert.equal(r, {
    id: 'a1b2c',
    stat: 'DELIVRD',
    status: 'delivered',
    err: '000',
    submitDate: new Date('2024-03-15T12:30:00Z'),
    doneDate: new Date('2024-03-15T12:31:00Z'),
  });
});

text('receipt :: 12-digit dates with seconds :: seconds kept', () => {
  const r = parseDeliveryReceipt(pdu('id:1 submit date:240315123045 done date:240315123159 stat:DELIVRD'));
  assert.equal(r?.submitDate, new Date('2024-03-15T12:30:45Z'));
  assert.equal(r?.doneDate, new Date('2024-03-15T12:31:59Z'));
});

text('receipt :: SMSC in Europe/Berlin :: its local dates read in its zone, winter and summer time', () => {
  const r = parseDeliveryReceipt(pdu(receiptText('DELIVRD')), { timeZone: 'Europe/Berlin' });
  assert.equal(r?.submitDate, new Date('2024-03-15T11:30:00Z'));
  assert.equal(r?.doneDate, new Date('2024-03-15T11:31:00Z'));
  const summer = parseDeliveryReceipt(pdu('id:1 submit date:2407011230 done date:2407011231 stat:DELIVRD'), { timeZone: 'Europe/Berlin' });
  assert.equal(summer?.submitDate, new Date('2024-07-01T10:30:00Z'));
});

text('receipt :: no zone given :: dates read as UTC', () => {
  assert.equal(parseDeliveryReceipt(pdu(receiptText('DELIVRD')))?.submitDate, new Date('2024-03-15T12:30:00Z'));
});

text('receipt :: 31 February in a zone :: no date', () => {
  assert.is(parseDeliveryReceipt(pdu('id:7 submit date:2402311230 stat:DELIVRD'), { timeZone: 'Europe/Berlin' })?.submitDate, undefined);
});

text('receipt :: Text: capitalised, extra spaces :: fields found, text ignored', () => {
  const r = parseDeliveryReceipt(pdu('id: 42  sub:001  dlvrd:000 submit date:2403151230 stat:  UNDELIV err:005 Text:stat:DELIVRD'));
  assert.is(r?.id, '42');
  assert.is(r?.stat, 'UNDELIV');
  assert.is(r?.err, '005');
});

text('receipt :: message text says stat:DELIVRD :: cannot fake the state', () => {
  const r = parseDeliveryReceipt(pdu('id:7 stat:UNDELIV err:001 text:stat:DELIVRD err:000'));
  assert.is(r?.status, 'failed');
  assert.is(r?.err, '001');
});

text('receipt :: missing err and dates :: parsed without them', () => {
  const r = parseDeliveryReceipt(pdu('id:7 stat:EXPIRED'));
  assert.equal(r, { id: '7', stat: 'EXPIRED', status: 'expired', reason: 'EXPIRED' });
});

text('receipt :: Buffer short_message :: decoded', () => {
  assert.is(parseDeliveryReceipt(pdu(Buffer.from('id:00ff stat:DELIVRD')))?.id, 'ff');
});

text('receipt :: impossible date :: left out', () => {
  const r = parseDeliveryReceipt(pdu('id:7 submit date:2402311230 done date:2413011230 stat:DELIVRD'));
  assert.is(r?.submitDate, undefined);
  assert.is(r?.doneDate, undefined);
  assert.is(parseReceiptDate('2402291230')?.toISOString(), '2024-02-29T12:30:00.000Z');
});

text.run();

const tlv = suite('receipt :: TLVs');

tlv('receipt :: not a receipt (esm_class 0) :: undefined', () => {
  assert.is(parseDeliveryReceipt({ esm_class: 0, short_message: receiptText('DELIVRD') }), undefined);
});

tlv('receipt :: no id anywhere :: undefined', () => {
  assert.is(parseDeliveryReceipt(pdu('stat:DELIVRD')), undefined);
  assert.is(parseDeliveryReceipt(pdu('id:5 nothing else')), undefined);
});

tlv('receipt :: TLVs and text disagree :: TLV wins', () => {
  const r = parseDeliveryReceipt(pdu(receiptText('DELIVRD'), { receipted_message_id: '0000FF', message_state: 5 }));
  assert.is(r?.id, 'ff');
  assert.is(r?.stat, 'UNDELIV');
  assert.is(r?.status, 'failed');
});

tlv('receipt :: TLVs only, empty text :: parsed', () => {
  const r = parseDeliveryReceipt({ esm_class: 0x04, receipted_message_id: 'abc', message_state: 2 });
  assert.equal(r, { id: 'abc', stat: 'DELIVRD', status: 'delivered' });
});

tlv('receipt :: empty receipted_message_id :: falls back to text id', () => {
  assert.is(parseDeliveryReceipt(pdu('id:99 stat:DELIVRD', { receipted_message_id: '' }))?.id, '99');
});

const networkCases: Array<[name: string, value: ReceiptPdu['network_error_code'], reason: string]> = [
  ['GSM buffer (a MAP error, explained)', Buffer.from([3, 0x00, 0x22]), 'UNDELIV (err 001; GSM error 34: system failure in the recipient\'s network)'],
  ['GSM buffer, unknown subscriber', Buffer.from([3, 0x00, 0x01]), 'UNDELIV (err 001; GSM error 1: unknown subscriber, the number is not in use)'],
  ['GSM buffer, a code without words here', Buffer.from([3, 0x00, 0x63]), 'UNDELIV (err 001; GSM error 99)'],
  ['another network type: not explained as MAP', Buffer.from([1, 0x00, 0x01]), 'UNDELIV (err 001; ANSI-136 error 1)'],
  ['number', 34, 'UNDELIV (err 001; network error 34)'],
  ['odd buffer', Buffer.from([1, 2]), 'UNDELIV (err 001; network error 0x0102)'],
];
for (const [name, value, reason] of networkCases) {
  tlv(`receipt :: network_error_code as ${name} :: in the reason`, () => {
    const r = parseDeliveryReceipt(pdu(receiptText('UNDELIV', '001'), { network_error_code: value }));
    assert.is(r?.reason, reason);
  });
}

tlv.run();

const ids = suite('receipt :: message ids');

const sameCases: Array<[name: string, a: string, b: string, same: boolean]> = [
  ['hex id in resp, decimal in text', '0A1B2C', '662316', true],
  ['decimal id in resp, hex in text', '662316', '0a1b2c', true],
  ['hex with letters vs its decimal', '0A132C', '660268', true],
  ['0x0A1B2C is 662316, not 660268', '0A1B2C', '660268', false],
  ['leading zeros', '000123', '123', true],
  ['case', 'ABCDEF', 'abcdef', true],
  ['all-digit hex in resp, decimal in text', '123', '291', true],
  ['UUID case', 'E3B0C442-98FC', 'e3b0c442-98fc', true],
  ['different numbers', '123', '124', false],
  ['different hex ids', 'abc', 'abd', false],
  ['non-hex ids with zeros are not stripped', '0x-1', 'x-1', false],
];
for (const [name, a, b, same] of sameCases) {
  ids(`receipt :: ${name} :: ${same ? 'same' : 'different'} message`, () => {
    assert.is(sameMessageId(a, b), same);
    assert.is(sameMessageId(b, a), same);
  });
}

const candidateCases: Array<[id: string, candidates: string[]]> = [
  ['0A1B2C', ['a1b2c', '662316']],
  ['000123', ['123', '291']],
  ['0000', ['0']],
  ['  Msg-1 ', ['msg-1']],
];
for (const [id, candidates] of candidateCases) {
  ids(`receipt :: candidates of ${JSON.stringify(id)} :: ${candidates.join(', ')}`, () => {
    assert.equal(idCandidates(id), candidates);
  });
}

ids('receipt :: map keyed by candidates :: receipt in the other base finds the message', () => {
  const index = new Map<string, string>();
  for (const key of idCandidates('0A1B2C')) index.set(key, 'sms-1');
  const hits = idCandidates(parseDeliveryReceipt(pdu('id:662316 stat:DELIVRD'))!.id).map((k) => index.get(k));
  assert.ok(hits.includes('sms-1'));
  assert.is(normaliseMessageId(' 00AbC '), 'abc');
});

ids.run();
