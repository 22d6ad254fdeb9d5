import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { Account } from '../../src/accounts/types.js';
import { buildConfig } from '../../src/config/load.js';
import type { Brake } from '../../src/policy/brake.js';
import { countsRecentSends } from '../../src/policy/limits.js';
import { OptOutList } from '../../src/policy/optout.js';
import { Policy, type Reservation } from '../../src/policy/policy.js';
import { SmtpError } from '../../src/smtp/errors.js';
import { RecentSends } from '../../src/store/recent.js';

const ACME: Account = { name: 'acme', description: '', networks: [], addresses: [], timeZone: 'Europe/Berlin', defaultCountry: 'DE', notify: 'final', language: 'en', maxSegments: 6, allowedSenderIds: [], duplicateDetection: false, duplicateWindowMinutes: 60, signaturePatterns: [] };
const mobile = (n: number) => ({ e164: `+4915100000${String(n).padStart(3, '0')}`, country: 'DE', type: 'MOBILE' as const });

/** The store's counts of the last hour (the real index behind the store's sentTo), without a store. */
function recentOf(sent: RecentSends) {
  return { sentTo: (a: string, to: string, since: Date) => sent.count(a, to, since.getTime()), sentPerAccount: (since: Date) => sent.perAccount(since.getTime()) };
}

function policy(limits: object, used = { n: 0 }) {
  const accepted: string[][] = [];
  const sent = new RecentSends();
  const brake = { pausedReason: () => undefined, accepted: (_a: string, n: string[]) => accepted.push(n), outcome: () => undefined, sweep: () => undefined } as unknown as Brake;
  const config = buildConfig({ limits, optout: ['+4915100000999'] }, 'test');
  const p = new Policy({ limits: config.limits, accounts: [], store: { segmentsSince: () => used.n, ...recentOf(sent) }, optout: new OptOutList(config.optout), brake, now: () => new Date('2026-11-23T10:00:00Z') });
  return { p, accepted, used, sent };
}

const P = suite('policy reservations');

P('opt-out :: refused before anything else, whatever the account', () => {
  const r = policy({}).p.recipient(ACME, mobile(999), 0);
  assert.is(r?.message, '5.7.1 +4915100000999 has asked not to receive SMS from this gateway (opt-out list); nothing is sent to it');
});

P('rate :: RCPT counts the recipients already accepted in the transaction; DATA takes them', () => {
  const { p } = policy({ messagesPerMinute: 3 });
  assert.is(p.recipient(ACME, mobile(1), 2), undefined);
  assert.is(p.recipient(ACME, mobile(1), 3)?.responseCode, 451);
  const held = p.reserve(ACME, [1, 2, 3].map((i) => ({ to: mobile(i).e164, segments: 1 }))) as Reservation;
  held.commit([{ to: mobile(1).e164 }, { to: mobile(2).e164 }, { to: mobile(3).e164 }]);
  assert.is(p.recipient(ACME, mobile(4), 0)?.responseCode, 451);
});

P('reservation :: concurrent DATA of one account cannot together pass the quota; a release gives it back', () => {
  const { p } = policy({ segmentsPerDay: 10, messagesPerMinute: 0 });
  const first = p.reserve(ACME, [{ to: mobile(1).e164, segments: 6 }]) as Reservation;
  const second = p.reserve(ACME, [{ to: mobile(2).e164, segments: 6 }]);
  assert.instance(second, SmtpError);
  assert.is((second as SmtpError).message, '5.2.2 the SMS account "acme" has used 6 of its 10 SMS segments today; this mail would go over the quota');
  first.release();
  assert.not.instance(p.reserve(ACME, [{ to: mobile(2).e164, segments: 6 }]), SmtpError);
});

P('reservation :: duplicates not stored give their tokens back; stored ones feed the brake', () => {
  const { p, accepted } = policy({ messagesPerMinute: 2, perNumberPerHour: 0 });
  const held = p.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }, { to: mobile(2).e164, segments: 1 }]) as Reservation;
  held.commit([{ to: mobile(1).e164 }]);
  held.commit([{ to: mobile(2).e164 }]); // settled once only
  assert.equal(accepted, [[mobile(1).e164]]);
  assert.is(p.recipient(ACME, mobile(2), 0), undefined, 'the duplicate\'s token came back');
  assert.is(p.recipient(ACME, mobile(2), 1)?.responseCode, 451, 'the stored one\'s token stays taken');
});

P('per number :: what the store counted within the hour is what RCPT and DATA measure', () => {
  const { p, sent } = policy({ perNumberPerHour: 2, messagesPerMinute: 0 });
  sent.add('acme', mobile(1).e164, Date.parse('2026-11-23T09:00:00.001Z'));
  assert.is(p.recipient(ACME, mobile(1), 0), undefined);
  sent.add('acme', mobile(1).e164, Date.parse('2026-11-23T09:30:00Z'));
  assert.is(p.recipient(ACME, mobile(1), 0)?.message, '4.7.1 +4915100000001 already got 2 SMS from this account within the last hour; try again later');
  assert.is((p.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }]) as SmtpError).responseCode, 451);
  assert.is(p.recipient(ACME, mobile(2), 0), undefined, 'another number');
  assert.is(p.recipient({ ...ACME, name: 'other' }, mobile(1), 0), undefined, 'another account');
});

P('per number :: concurrent DATA of one account cannot together take the last place; a release gives it back', () => {
  const { p, sent } = policy({ perNumberPerHour: 2, messagesPerMinute: 0 });
  sent.add('acme', mobile(1).e164, Date.parse('2026-11-23T09:30:00Z'));
  const first = p.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }]) as Reservation;
  assert.not.instance(first, SmtpError);
  assert.is((p.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }]) as SmtpError).responseCode, 451, 'the second session, while the first one\'s store has not answered');
  assert.is(p.recipient(ACME, mobile(1), 0)?.responseCode, 451, 'RCPT of a third session sees the held place too');
  assert.not.instance(p.reserve({ ...ACME, name: 'other' }, [{ to: mobile(1).e164, segments: 1 }]), SmtpError, 'another account has its own places');
  first.release();
  const again = p.reserve(ACME, [{ to: mobile(1).e164, segments: 1 }]) as Reservation;
  assert.not.instance(again, SmtpError, 'released: the place is free again');
  again.commit([{ to: mobile(1).e164 }]);
  sent.add('acme', mobile(1).e164, Date.parse('2026-11-23T09:59:00Z')); // what the store counts once it stored it
  assert.is(p.recipient(ACME, mobile(1), 0)?.responseCode, 451, 'committed: counted once, by the store');
  // Mail and API give each number once per batch; a batch that did not would still be counted whole.
  assert.is((p.reserve(ACME, [1, 2, 3].map(() => ({ to: mobile(2).e164, segments: 1 }))) as SmtpError).responseCode, 451, 'one batch with three SMS to one number');
});

P('quota :: the store\'s count (it survives restarts) is what RCPT and DATA measure', () => {
  const { p, used } = policy({ segmentsPerMonth: 100, segmentsPerDay: 0 });
  used.n = 100;
  assert.is(p.recipient(ACME, mobile(1), 0)?.message, '5.2.2 the SMS account "acme" has used 100 of its 100 SMS segments this month; this mail would go over the quota');
});

P('quota :: counted from local midnight, and from the next one once the clock has passed it (the period is kept, not stale)', () => {
  const config = buildConfig({ limits: { segmentsPerDay: 10 } }, 'test');
  const since: Date[] = [];
  let now = new Date('2026-11-23T22:30:00Z'); // 23:30 in Berlin
  const brake = { pausedReason: () => undefined, accepted: () => undefined, outcome: () => undefined, sweep: () => undefined } as unknown as Brake;
  const p = new Policy({ limits: config.limits, accounts: [], store: { segmentsSince: (_a, from) => (since.push(from), 0), ...recentOf(new RecentSends()) }, optout: new OptOutList(config.optout), brake, now: () => now });
  p.recipient(ACME, mobile(1), 0);
  p.recipient(ACME, mobile(2), 0);
  now = new Date('2026-11-23T23:30:00Z'); // 00:30 the next day in Berlin
  p.recipient(ACME, mobile(3), 0);
  const days = [...new Set(since.map((d) => d.toISOString()))];
  assert.ok(days.includes('2026-11-22T23:00:00.000Z'), days.join(' '));
  assert.ok(days.includes('2026-11-23T23:00:00.000Z'), days.join(' '));
});

P('store :: keeps the last hour\'s SMS only when some account has a rate or a per-number cap', () => {
  const off = buildConfig({ limits: { messagesPerMinute: 0, perNumberPerHour: 0 } }, 'test').limits;
  assert.is(countsRecentSends(off, [undefined, {}]), false);
  assert.is(countsRecentSends(off, [{ perNumberPerHour: 5 }]), true);
  assert.is(countsRecentSends({ ...off, messagesPerMinute: 60 }, []), true);
  assert.is(countsRecentSends(buildConfig({}, 'test').limits, []), true, 'the defaults have both');
});

P.run();
