import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { holdLogFields, holdRecord, quietRulesFor, quietUntil, zonesOfCountry, type QuietHours, type QuietRule } from '../../src/dispatch/quiet-hours.js';

const Q = suite('dispatch quiet hours');

const FR_NIGHTS_SUNDAYS: QuietHours = { from: '20:00', to: '08:00', days: ['sun'] };
const rules = (country: string, hours: QuietHours, extra: Partial<Parameters<typeof quietRulesFor>[0]> = {}): QuietRule[] =>
  quietRulesFor({ country, fallbackZone: 'Europe/Berlin', countryHours: hours, ...extra });

/** [case, rules, instant asked about, expected end of the hold (undefined: send now)] */
const CASES: Array<[string, QuietRule[], string, string | undefined]> = [
  // France, Europe/Paris: UTC+1 in winter, +2 in summer
  ['FR weekday 19:59 Paris :: send now', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-24T18:59:00Z', undefined],
  ['FR weekday 20:00 Paris :: held until 08:00 Paris next morning', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-24T19:00:00Z', '2026-11-25T07:00:00.000Z'],
  ['FR 07:59 Paris :: held one minute', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-25T06:59:00Z', '2026-11-25T07:00:00.000Z'],
  ['FR 08:00 Paris :: send now', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-25T07:00:00Z', undefined],
  ['FR Saturday 21:00 :: over Sunday to Monday 08:00', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-28T20:00:00Z', '2026-11-30T07:00:00.000Z'],
  ['FR Sunday noon :: Monday 08:00', rules('FR', FR_NIGHTS_SUNDAYS), '2026-11-29T11:00:00Z', '2026-11-30T07:00:00.000Z'],
  // DST: the window is wall-clock time, so its end moves in UTC
  ['FR night into spring-forward Sunday :: Monday 08:00 CEST (06:00 UTC)', rules('FR', FR_NIGHTS_SUNDAYS), '2026-03-28T20:00:00Z', '2026-03-30T06:00:00.000Z'],
  ['FR night into fall-back Sunday :: Monday 08:00 CET (07:00 UTC)', rules('FR', FR_NIGHTS_SUNDAYS), '2026-10-24T20:00:00Z', '2026-10-26T07:00:00.000Z'],
  ['DE 01:00–03:00 on the spring-forward night :: ends at 03:00 CEST, the hour that exists', rules('DE', { from: '01:00', to: '03:00' }), '2026-03-29T00:30:00Z', '2026-03-29T01:00:00.000Z'],
  ['DE 02:00–02:45 in the repeated fall-back hour :: the second 02:45 (01:45 UTC)', rules('DE', { from: '02:00', to: '02:45' }), '2026-10-25T01:10:00Z', '2026-10-25T01:45:00.000Z'],
  // the recipient's zone, not ours: 20:00 in New York is 02:00 in Berlin
  ['US east coast 20:30 with 21:00–08:00 in New York only :: send now', rules('US', { from: '21:00', to: '08:00', timeZones: ['America/New_York'] }), '2026-11-24T01:30:00Z', undefined],
  ['US 21:30 New York :: held until 08:00 New York', rules('US', { from: '21:00', to: '08:00', timeZones: ['America/New_York'] }), '2026-11-24T02:30:00Z', '2026-11-24T13:00:00.000Z'],
  ['US all zones :: quiet while quiet anywhere: until 08:00 in Hawaii', rules('US', { from: '21:00', to: '08:00' }), '2026-11-24T14:00:00Z', '2026-11-24T18:00:00.000Z'],
  // several rules: the SMS waits until all of them allow it
  ['account lunch break and country night :: both apply', rules('DE', { from: '20:00', to: '08:00' }, { account: { name: 'acme', hours: { from: '12:00', to: '13:00' } } }), '2026-11-24T11:30:00Z', '2026-11-24T12:00:00.000Z'],
  ['absolute period of the mail :: until its end', [{ source: 'your mail', timeZones: ['Europe/Berlin'], start: '2026-12-24T11:00:00.000Z', end: '2026-12-27T07:00:00.000Z' }], '2026-12-25T10:00:00Z', '2026-12-27T07:00:00.000Z'],
  ['absolute period ending in the night window :: then the window', [
    { source: 'your mail', timeZones: ['Europe/Berlin'], start: '2026-12-24T11:00:00.000Z', end: '2026-12-26T22:00:00.000Z' },
    ...rules('DE', { from: '20:00', to: '08:00' }),
  ], '2026-12-25T10:00:00Z', '2026-12-27T07:00:00.000Z'],
  // public holidays: whole local days, every year ("MM-DD") or once ("YYYY-MM-DD")
  ['DE Christmas Day (12-25) 11:00 Berlin :: held until midnight Berlin', rules('DE', { dates: ['12-25'] }), '2026-12-25T10:00:00Z', '2026-12-25T23:00:00.000Z'],
  ['DE 12-25 the year after :: also held', rules('DE', { dates: ['12-25'] }), '2027-12-25T10:00:00Z', '2027-12-25T23:00:00.000Z'],
  ['DE Good Friday 2027 given as 2027-03-26 :: held that day', rules('DE', { dates: ['2027-03-26'] }), '2027-03-26T09:00:00Z', '2027-03-26T23:00:00.000Z'],
  ['DE 2027-03-26 asked in 2028 :: send now', rules('DE', { dates: ['2027-03-26'] }), '2028-03-26T09:00:00Z', undefined],
  ['DE two holidays and the night window :: Monday 27th 08:00', rules('DE', { from: '20:00', to: '08:00', dates: ['12-25', '12-26'] }), '2026-12-25T10:00:00Z', '2026-12-27T07:00:00.000Z'],
  ['US New Year in all zones :: until midnight in Hawaii', rules('US', { dates: ['01-01'] }), '2027-01-01T12:00:00Z', '2027-01-02T10:00:00.000Z'],
  ['no rules :: send now', [], '2026-11-24T03:00:00Z', undefined],
  ['empty configured hours ({}) :: no rule at all', rules('FR', {}), '2026-11-24T03:00:00Z', undefined],
];
for (const [name, r, at, until] of CASES) {
  Q(`quietUntil :: ${name}`, () => {
    assert.is(quietUntil(r, new Date(at))?.until?.toISOString(), until);
  });
}

Q('quietUntil :: rules that leave no time are reported as such (until null), not looped on', () => {
  const r = rules('DE', { from: '08:00', to: '20:00' }, { account: { name: 'acme', hours: { from: '20:00', to: '08:00' } } });
  const hold = quietUntil(r, new Date('2026-11-24T10:00:00Z'))!;
  assert.is(hold.until, null);
  assert.ok(['account acme', 'country DE'].includes(holdRecord(hold).source));
});

Q('holdLogFields :: the rule, its window and days, and the recipient\'s zone, as data (sms-held)', () => {
  const hold = quietUntil(rules('FR', FR_NIGHTS_SUNDAYS), new Date('2026-11-24T19:30:00Z'))!;
  assert.equal(holdLogFields(holdRecord(hold)), { rule: 'country FR', zone: 'Europe/Paris', window: '20:00-08:00', days: ['sun'] });
});

Q('holdLogFields :: names the holidays', () => {
  const hold = quietUntil(rules('FR', { dates: ['12-25', '12-26'] }), new Date('2026-12-25T10:00:00Z'))!;
  assert.equal(holdLogFields(holdRecord(hold)), { rule: 'country FR', zone: 'Europe/Paris', dates: ['12-25', '12-26'] });
});

Q('holdLogFields :: a period of the mail\'s own as its ISO start and end', () => {
  const mail = [{ source: 'your mail', timeZones: ['Europe/Berlin'], start: '2026-11-29T23:00:00.000Z', end: '2026-11-30T22:00:00.000Z' }];
  const hold = quietUntil(mail, new Date('2026-11-30T10:00:00Z'))!;
  assert.equal(holdLogFields(holdRecord(hold)), { rule: 'your mail', zone: 'Europe/Berlin', start: '2026-11-29T23:00:00.000Z', end: '2026-11-30T22:00:00.000Z' });
});

Q('zonesOfCountry :: from ICU; a country without zones falls back to the account\'s', () => {
  assert.equal(zonesOfCountry('FR', 'Europe/Berlin'), ['Europe/Paris']);
  assert.ok(zonesOfCountry('US', 'Europe/Berlin').includes('Pacific/Honolulu'));
  assert.equal(zonesOfCountry(undefined, 'Europe/Vienna'), ['Europe/Vienna']);
  assert.equal(zonesOfCountry('XK', 'Europe/Vienna'), ['Europe/Vienna']);
});

Q('where a rule\'s zones come from (review 8, B-L4) :: the recipient\'s country: nothing marked; named by the rule: "rule"; the account\'s zone for a number of no known country: "fallback"; kept in the hold record', () => {
  const window = { from: '20:00', to: '08:00' };
  assert.is(rules('FR', window)[0].zoneFrom, undefined);
  assert.is(rules('FR', { ...window, timeZones: ['Europe/Paris'] })[0].zoneFrom, 'rule');
  const unknown = quietRulesFor({ country: undefined, fallbackZone: 'Europe/Berlin', account: { name: 'acme', hours: window }, mail: [{ source: 'your mail', ...window }] as never });
  assert.equal(unknown.map((r) => [r.zoneFrom, r.timeZones]), [['fallback', ['Europe/Berlin']], ['fallback', ['Europe/Berlin']]]);
  const hold = quietUntil(rules('FR', { ...window, timeZones: ['Europe/Paris'] }), new Date('2026-11-23T22:00:00Z'))!;
  assert.is(holdRecord(hold).zoneFrom, 'rule');
});

Q.run();
