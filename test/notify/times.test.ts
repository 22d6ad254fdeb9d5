import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { formatTime, formatTimeGerman } from '../../src/notify/times.js';

const Times = suite('notify/times');

/** English confirmations: ISO-like, with the offset spelled out for any zone but UTC. */
const ENGLISH: Array<[string, string | undefined, string]> = [
  ['2026-11-23T14:05:09.000Z', undefined, '2026-11-23 14:05:09 UTC'],
  ['2026-11-23T14:05:09Z', 'UTC', '2026-11-23 14:05:09 UTC'],
  ['2026-11-23T14:05:09Z', 'Europe/Berlin', '2026-11-23 15:05:09 UTC+01:00'],
  ['2026-07-01T23:30:00Z', 'Europe/Berlin', '2026-07-02 01:30:00 UTC+02:00'],
  ['2026-11-23T14:05:09Z', 'America/New_York', '2026-11-23 09:05:09 UTC-05:00'],
  ['2026-11-23T00:00:00Z', 'UTC', '2026-11-23 00:00:00 UTC'],
];
for (const [iso, zone, expected] of ENGLISH) {
  Times(`formatTime :: ${iso} in ${zone ?? 'default zone'} :: ${expected}`, () => {
    assert.is(formatTime(iso, zone), expected);
  });
}

/** German confirmations: the German date, and a zone every reader knows (MEZ/MESZ) or else the offset, never ICU's "GMT-5". */
const GERMAN: Array<[string, string | undefined, string]> = [
  ['2026-11-30T13:05:09.000Z', 'Europe/Berlin', '30.11.2026 14:05:09 MEZ'],
  ['2026-07-01T23:30:00Z', 'Europe/Berlin', '02.07.2026 01:30:00 MESZ'],
  ['2026-03-29T00:59:59Z', 'Europe/Berlin', '29.03.2026 01:59:59 MEZ'],
  ['2026-03-29T01:00:00Z', 'Europe/Berlin', '29.03.2026 03:00:00 MESZ'],
  ['2026-11-30T13:05:09Z', 'Europe/Vienna', '30.11.2026 14:05:09 MEZ'],
  ['2026-11-30T13:05:09Z', 'Europe/Helsinki', '30.11.2026 15:05:09 OEZ'],
  ['2026-11-30T13:05:09Z', 'America/New_York', '30.11.2026 08:05:09 UTC-05:00'],
  ['2026-07-01T13:05:09Z', 'Europe/London', '01.07.2026 14:05:09 UTC+01:00'],
  ['2026-11-30T13:05:09Z', 'Asia/Kolkata', '30.11.2026 18:35:09 UTC+05:30'],
  ['2026-11-30T13:05:09Z', 'UTC', '30.11.2026 13:05:09 UTC'],
  ['2026-11-30T13:05:09Z', undefined, '30.11.2026 13:05:09 UTC'],
];
for (const [iso, zone, expected] of GERMAN) {
  Times(`formatTimeGerman :: ${iso} in ${zone ?? 'default zone'} :: ${expected}`, () => {
    assert.is(formatTimeGerman(iso, zone), expected);
  });
}

Times('formatTimeGerman :: the same zone and offset asked again :: the same name (remembered per zone and offset)', () => {
  assert.is(formatTimeGerman('2026-12-24T17:00:00Z', 'Europe/Berlin'), '24.12.2026 18:00:00 MEZ');
  assert.is(formatTimeGerman('2026-08-01T10:00:00Z', 'Europe/Berlin'), '01.08.2026 12:00:00 MESZ');
});

Times('unparseable timestamp :: shown as stored in both forms', () => {
  assert.equal([formatTime('yesterday', 'Europe/Berlin'), formatTimeGerman('yesterday', 'Europe/Berlin')], ['yesterday', 'yesterday']);
});

Times('unknown IANA zone :: RangeError in both forms (a configuration mistake must be loud)', () => {
  assert.throws(() => formatTimeGerman('2026-11-23T14:05:09Z', 'Mars/Olympus'), RangeError);
  assert.throws(() => formatTime('2026-11-23T14:05:09Z', 'Mars/Olympus'), RangeError);
});

Times.run();
