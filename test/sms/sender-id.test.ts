import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { canonicalSender } from '../../src/sms/canonical-sender.js';
import { parseSenderId, sameSender, sameSenderId } from '../../src/sms/sender-id.js';

const S = suite('sms sender-id');

const CASES: Array<[string, string, ReturnType<typeof parseSenderId>]> = [
  ['name', 'ACME', { id: 'ACME', kind: 'alphanumeric' }],
  ['11 characters with spaces', 'Praxis Dr M', { id: 'Praxis Dr M', kind: 'alphanumeric' }],
  ['one letter', 'A', { id: 'A', kind: 'alphanumeric' }],
  ['letters and digits', 'ACME24', { id: 'ACME24', kind: 'alphanumeric' }],
  ['E.164', '+4930123456', { id: '+4930123456', kind: 'international' }],
  ['00 prefix', '004930123456', { id: '+4930123456', kind: 'international' }],
  ['9+ bare digits', '4930123456', { id: '+4930123456', kind: 'international' }],
  ['15 digits', '+123456789012345', { id: '+123456789012345', kind: 'international' }],
  ['short code of 5', '12345', { id: '12345', kind: 'shortcode' }],
  ['short code of 3', '112', { id: '112', kind: 'shortcode' }],
  ['short code of 8', '12345678', { id: '12345678', kind: 'shortcode' }],
  ['12 characters', 'ACME Company', undefined],
  ['only digits and a space', '123 456', undefined],
  ['punctuation', 'ACME-AG', undefined],
  ['umlaut', 'Bäcker', undefined],
  ['leading blank', ' ACME', undefined],
  ['two digits', '12', undefined],
  ['16 digits', '+1234567890123456', undefined],
  ['+ and 6 digits', '+123456', undefined],
  ['national with trunk 0', '030123456', undefined],
  ['country code 0', '+0123456789', undefined],
  ['CR LF', 'ACME\r\n', undefined],
  ['empty', '', undefined],
];
for (const [name, raw, expected] of CASES) {
  S(`parseSenderId :: ${name} :: ${expected ? expected.kind : 'refused'}`, () => assert.equal(parseSenderId(raw), expected));
}

S('sameSenderId :: names regardless of case, numbers by their canonical form, kinds never mixed', () => {
  const p = (s: string) => parseSenderId(s)!;
  assert.ok(sameSenderId(p('acme'), p('ACME')));
  assert.ok(sameSenderId(p('004930123456'), p('+4930123456')));
  assert.not.ok(sameSenderId(p('12345'), p('+12345678901')));
});

/** What an aggregator or an operator may write for one of our senders → the form the opt-out list compares. */
const FORMS: Array<[string, string, string | undefined]> = [
  ['E.164', '+4930901820', '+4930901820'],
  ['SMPP TON 1 digits', '4930901820', '+4930901820'],
  ['00 prefix', '004930901820', '+4930901820'],
  ['SMPP TON 2 national number, read in DE', '030901820', '+4930901820'],
  ['written with separators', '030 / 90 18-20', '+4930901820'],
  ['blanks around it', ' +4930901820 ', '+4930901820'],
  ['short code', '80888', '80888'],
  ['short code with a blank', '80 888', '80888'],
  ['name as written', 'ACME Bank', 'ACME Bank'],
  ['national number that is none (too long)', '01234567890123456', undefined],
  ['short code with a leading 0: digits as they are', '0123', '0123'],
  ['nothing', '', undefined],
  ['punctuation', 'ACME-AG!', undefined],
];
for (const [name, raw, expected] of FORMS) {
  S(`canonicalSender :: ${name} :: ${expected ?? 'none'}`, () => assert.is(canonicalSender(raw, 'DE'), expected));
}

S('sameSender :: canonical forms; names regardless of case', () => {
  assert.ok(sameSender('ACME', 'acme'));
  assert.ok(sameSender('+4930901820', '+4930901820'));
  assert.not.ok(sameSender('80888', '+4980888'));
});

S.run();
