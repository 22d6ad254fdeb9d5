import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { confirmationView, formatTime, rfc5322Date } from '../../src/notify/format.js';
import { historyTo, sampleSms } from './sample.js';

const Format = suite('notify/format');

const TIMES: Array<[string, string | undefined, string]> = [
  ['2026-11-23T14:05:09.000Z', undefined, '2026-11-23 14:05:09 UTC'],
  ['2026-11-23T14:05:09Z', 'UTC', '2026-11-23 14:05:09 UTC'],
  ['2026-11-23T14:05:09Z', 'Europe/Berlin', '2026-11-23 15:05:09 UTC+01:00'],
  ['2026-07-01T23:30:00Z', 'Europe/Berlin', '2026-07-02 01:30:00 UTC+02:00'],
  ['2026-11-23T14:05:09Z', 'America/New_York', '2026-11-23 09:05:09 UTC-05:00'],
  ['2026-11-23T00:00:00Z', 'UTC', '2026-11-23 00:00:00 UTC'],
];
for (const [iso, zone, expected] of TIMES) {
  Format(`formatTime :: ${iso} in ${zone ?? 'default zone'} :: ${expected}`, () => {
    assert.is(formatTime(iso, zone), expected);
  });
}

Format('formatTime :: unparseable timestamp :: shown as stored rather than "Invalid Date"', () => {
  assert.is(formatTime('yesterday'), 'yesterday');
});

Format('formatTime :: unknown IANA zone :: RangeError (a configuration mistake must be loud)', () => {
  assert.throws(() => formatTime('2026-11-23T14:05:09Z', 'Mars/Olympus'), RangeError);
});

Format('rfc5322Date :: numeric +0000 zone, not GMT', () => {
  assert.is(rfc5322Date('2026-11-23T14:05:09.000Z'), 'Mon, 23 Nov 2026 14:05:09 +0000');
});

Format('view :: reason ending in a full stop :: no double full stop in the sentence', () => {
  const sms = sampleSms({ status: 'rejected', history: historyTo('rejected', { reason: 'Number blocked.' }) });
  const view = confirmationView(sms, 'rejected', { now: new Date() });
  assert.is(view.headline, 'Your SMS to +4915112345678 was rejected and not sent: Number blocked.');
});

Format('view :: status not in history :: time of composing is used', () => {
  const sms = sampleSms({ status: 'accepted', history: [] });
  const view = confirmationView(sms, 'accepted', { now: new Date('2026-11-23T14:10:00Z') });
  assert.match(view.headline, 'accepted at 2026-11-23 14:10:00 UTC');
});

Format('view :: connector message id comes from the latest stage that has one', () => {
  const sms = sampleSms();
  assert.is(confirmationView(sms, 'delivered', { now: new Date() }).connectorMessageId, 'SIM-777');
});

Format.run();
