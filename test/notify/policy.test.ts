import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { confirmationsFor, isDsn } from '../../src/notify/policy.js';
import type { DsnRequest, NotifyLevel, SmsStatus } from '../../src/store/types.js';
import { sampleSms } from './sample.js';

const STATUSES: SmsStatus[] = ['accepted', 'submitting', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled'];

/** Statuses that trigger a confirmation, per account level (no DSN requested). */
const BY_LEVEL: Array<[NotifyLevel, SmsStatus[]]> = [
  ['none', []],
  ['failure', ['failed', 'expired', 'rejected', 'cancelled']],
  ['final', ['delivered', 'failed', 'expired', 'rejected', 'cancelled']],
  ['all', ['accepted', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled']],
];

/** Statuses that trigger a DSN, per NOTIFY list; the account level is 'all' to show NOTIFY overrides it. */
const BY_NOTIFY: Array<[DsnRequest['notify'], SmsStatus[]]> = [
  [['SUCCESS'], ['delivered']],
  [['FAILURE'], ['failed', 'expired', 'rejected', 'cancelled']],
  [['SUCCESS', 'FAILURE'], ['delivered', 'failed', 'expired', 'rejected', 'cancelled']],
  [['DELAY'], []],
  [['SUCCESS', 'DELAY'], ['delivered']],
  [['NEVER'], []],
];

const Policy = suite('notify/policy');

Policy('policy :: notify=final :: accepted :: confirmed when the SMS waits (send time, quiet hours), so the sender knows when it goes and can cancel', () => {
  const held = sampleSms({ notify: 'final', status: 'accepted', notBefore: '2026-11-24T08:00:00.000Z' });
  assert.ok(confirmationsFor(held, 'accepted'));
  assert.not.ok(confirmationsFor({ ...held, notify: 'failure' }, 'accepted'), 'failure level: only what went wrong');
});

for (const [level, due] of BY_LEVEL) {
  for (const status of STATUSES) {
    const expected = due.includes(status);
    Policy(`policy :: notify=${level} :: ${status} :: ${expected ? 'confirm' : 'stay silent'}`, () => {
      const sms = sampleSms({ notify: level, status });
      assert.is(confirmationsFor(sms, status), expected);
    });
  }
}

for (const [notify, due] of BY_NOTIFY) {
  for (const status of STATUSES) {
    const expected = due.includes(status);
    Policy(`policy :: NOTIFY=${notify.join(',')} :: ${status} :: ${expected ? 'confirm' : 'stay silent'}`, () => {
      const sms = sampleSms({ notify: 'all', status, dsn: { notify } });
      assert.is(confirmationsFor(sms, status), expected);
    });
  }
}

Policy('policy :: a duplicate held back (duplicate detection) :: a DSN only to NOTIFY=SUCCESS (reported as relayed, RFC 3464), the plain confirmation by the account level as any cancel', () => {
  const history = [{ status: 'accepted' as const, at: '2026-11-23T14:02:01.000Z' }, { status: 'cancelled' as const, at: '2026-11-23T14:02:01.000Z', duplicateOf: 'M0aaaaa.1', reason: 'not sent: the same text …' }];
  const dup = (notify: DsnRequest['notify']) => sampleSms({ notify: 'all', status: 'cancelled', history, dsn: { notify } });
  assert.is(confirmationsFor(dup(['FAILURE']), 'cancelled'), false, 'nothing failed: the same text goes as the earlier SMS');
  assert.is(confirmationsFor(dup(['SUCCESS']), 'cancelled'), true);
  assert.is(confirmationsFor(dup(['SUCCESS', 'FAILURE']), 'cancelled'), true);
  assert.is(confirmationsFor(dup(['DELAY']), 'cancelled'), false);
  assert.is(confirmationsFor({ ...dup([]), notify: 'failure', dsn: undefined }, 'cancelled'), true, 'no DSN asked: told as before');
});

Policy('policy :: empty NOTIFY list (client did not ask) :: account level decides', () => {
  const sms = sampleSms({ notify: 'failure', dsn: { notify: [], envid: 'E1' } });
  assert.is(confirmationsFor(sms, 'failed'), true);
  assert.is(confirmationsFor(sms, 'delivered'), false);
});

const ASKED_FOR_EVERYTHING: Array<[string, DsnRequest | undefined]> = [
  ['notify=all', undefined],
  ['NOTIFY=SUCCESS,FAILURE', { notify: ['SUCCESS', 'FAILURE'] }],
];
for (const [asked, dsn] of ASKED_FOR_EVERYTHING) {
  for (const status of STATUSES) {
    Policy(`policy :: null envelope sender, ${asked} :: ${status} :: never confirm`, () => {
      const sms = sampleSms({ notify: 'all', dsn }, { envelopeFrom: '' });
      assert.is(confirmationsFor(sms, status), false);
    });
  }
}

const DSN_CASES: Array<[string, DsnRequest | undefined, boolean]> = [
  ['no DSN parameters', undefined, false],
  ['empty NOTIFY', { notify: [] }, false],
  ['NOTIFY=NEVER', { notify: ['NEVER'] }, false],
  ['NOTIFY=SUCCESS', { notify: ['SUCCESS'] }, true],
  ['NOTIFY=FAILURE', { notify: ['FAILURE'] }, true],
  ['NOTIFY=DELAY', { notify: ['DELAY'] }, true],
];

for (const [name, dsn, expected] of DSN_CASES) {
  Policy(`isDsn :: ${name} :: ${expected}`, () => {
    assert.is(isDsn(sampleSms({ dsn })), expected);
  });
}

Policy.run();
