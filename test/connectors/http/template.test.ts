import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { render, renderFields, smsValues, unknownPlaceholders } from '../../../src/connectors/http/template.js';
import type { OutboundSms } from '../../../src/connectors/types.js';

const sms: OutboundSms = { id: 'sms-1', to: '+4915112345678', text: 'Hi & bye {{id}}', encoding: 'GSM7', segments: 1 };
const values = { ...smsValues(sms, 'ACME'), dlr_url: 'http://127.0.0.1:1/dlr?secret=s' };

const t = suite('http :: template');

const cases: Array<[name: string, template: string, expected: string]> = [
  ['to keeps the +', '{{to}}', '+4915112345678'],
  ['to_digits drops the +', '{{to_digits}}', '4915112345678'],
  ['text is inserted raw, placeholders inside it are not expanded', 'x{{text}}', 'xHi & bye {{id}}'],
  ['from falls back to the default sender', '{{from}}', 'ACME'],
  ['id and coding', '{{id}}/{{coding}}', 'sms-1/0'],
  ['spaces inside braces are allowed', '{{ to_digits }}', '4915112345678'],
  ['dlr_url', '{{dlr_url}}', 'http://127.0.0.1:1/dlr?secret=s'],
  ['unknown placeholders stay as written', '{{nope}}', '{{nope}}'],
  ['plain text stays', 'Bearer abc', 'Bearer abc'],
];
for (const [name, template, expected] of cases) {
  t(`http :: template :: ${name}`, () => assert.is(render(template, values), expected));
}

t('http :: template :: coding is 2 for UCS-2 and the sender of the SMS wins', () => {
  const v = smsValues({ ...sms, encoding: 'UCS2', sender: 'Shop' }, 'ACME');
  assert.is(v.coding, '2');
  assert.is(v.encoding, 'UCS2');
  assert.is(v.from, 'Shop');
});

t('http :: template :: flash and validity :: mclass 0, minutes left rounded down (at least 1), the end as given; all empty without', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const v = smsValues({ ...sms, flash: true, expiresAt: '2026-03-03T09:30:15.900Z' }, '', now);
  assert.equal([v.mclass, v.validity_minutes, v.expires_at], ['0', String(47 * 60 + 30), '2026-03-03T09:30:15.900Z']);
  assert.is(smsValues({ ...sms, expiresAt: '2026-03-01T10:00:20Z' }, '', now).validity_minutes, '1');
  const none = smsValues(sms, '', now);
  assert.equal([none.mclass, none.validity_minutes, none.expires_at], ['', '', '']);
});

t('http :: template :: fields that render empty are left out, order kept', () => {
  const v = smsValues(sms); // no sender, no default
  assert.equal(renderFields({ to: '{{to}}', from: '{{from}}', fixed: 'x' }, v), [['to', '+4915112345678'], ['fixed', 'x']]);
});

t('http :: template :: unknownPlaceholders names the typos', () => {
  assert.equal(unknownPlaceholders('{{to}} {{txet}} {{ fromm }}'), ['txet', 'fromm']);
  assert.equal(unknownPlaceholders('{{to}}'), []);
});

t.run();
