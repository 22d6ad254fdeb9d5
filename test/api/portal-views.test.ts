import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { carrierIdOf, messageRow, timelineSteps } from '../../src/api/portal-views.js';
import { de } from '../../src/api/portal-wording/de.js';
import type { StatusEvent } from '../../src/store/types.js';
import { sampleSms } from '../notify/sample.js';

/** What the portal's SMS page calls each step of an SMS's history. */
const V = suite('api/portal-views :: timeline');

const at = '2026-11-23T14:05:09.000Z';
const labelsOf = (history: StatusEvent[]) => timelineSteps(sampleSms({ status: 'accepted', history }), 'UTC').map((s) => s.label);

V('steps where nothing was attempted (review 8, B-L1) :: an operator\'s "did not go out", a restore\'s or the brake\'s hold, a restart\'s requeue: none called a failed attempt', () => {
  assert.equal(labelsOf([
    { status: 'accepted', at },
    { status: 'accepted', at, hold: 'restore', reason: 'held after a restore' },
    { status: 'accepted', at, backup: 'not-sent', by: 'portal user ops', reason: 'not handed to the carrier before the backup, as portal user ops found: sent when the hold after the restore is released' },
    { status: 'accepted', at, hold: 'brake', reason: 'held: account "acme" is stopped by the fraud brake' },
    { status: 'accepted', at, reason: 'not taken by smpp before a restart; sending again' },
  ]), ['Accepted by mail2sms', 'Held after a restore', 'Marked as not sent before the backup: goes at the release', 'Held: the account is stopped by the fraud brake', 'Queued again']);
});

V('retries :: a failed attempt and a throttled one, kept as data or as an earlier version\'s text', () => {
  assert.equal(labelsOf([
    { status: 'accepted', at },
    { status: 'accepted', at, reason: 'smpp: link down', retryAt: at },
    { status: 'accepted', at, reason: 'ESME_RTHROTTLED', retryAt: at, throttled: true },
    { status: 'accepted', at, reason: 'simulator: link down; next attempt in 6 s' },
  ]), ['Accepted by mail2sms', 'Attempt failed, will try again', 'Waiting, will try again', 'Attempt failed, will try again']);
});

V('message list :: a queued SMS\'s status cell says why it is held (quiet hours until when, brake, restore) or when it is due; not a retry\'s wait or a sent one', () => {
  const until = '2026-11-24T07:00:00.000Z';
  const cell = (over: Parameters<typeof sampleSms>[0]) => {
    const r = messageRow(sampleSms({ status: 'accepted', ...over }), 'Europe/Berlin', de);
    return [r.held, r.waitWhy];
  };
  assert.equal(cell({ history: [{ status: 'accepted', at }, { status: 'accepted', at, until, quiet: { source: 'account kunde', from: '20:00', to: '08:00' } }] }), [true, 'Ruhezeiten, geht 24.11.2026 08:00:00 MEZ']);
  assert.equal(cell({ history: [{ status: 'accepted', at }, { status: 'accepted', at, hold: 'brake', reason: 'held: brake' }] }), [true, 'das Konto ist durch die Betrugsbremse gestoppt']);
  assert.equal(cell({ history: [{ status: 'accepted', at }, { status: 'accepted', at, hold: 'restore', reason: 'held' }] }), [true, 'nach einer Wiederherstellung, bis ein Betreiber sie freigibt']);
  assert.equal(cell({ sendAt: until, history: [{ status: 'accepted', at }] }), [false, 'fällig 24.11.2026 08:00:00 MEZ']);
  assert.equal(cell({ history: [{ status: 'accepted', at }, { status: 'accepted', at, reason: 'smpp: link down', retryAt: until }] }), [false, '']);
  assert.equal(cell({ status: 'submitted', sendAt: until, history: [{ status: 'accepted', at }, { status: 'submitted', at }] }), [false, '']);
});

V('carrier id of a verdict :: empty is none; trimmed; only with sent; no spaces, at most 64 characters', () => {
  assert.equal(carrierIdOf(undefined, 'sent'), {});
  assert.equal(carrierIdOf('  ', 'not-sent'), {});
  assert.equal(carrierIdOf(' 0A1B2C ', 'sent'), { carrierId: '0A1B2C' });
  assert.match(carrierIdOf('0A1B2C', 'not-sent').problem!, /goes with the verdict sent only/);
  assert.match(carrierIdOf('0A 1B', 'sent').problem!, /no spaces/);
  assert.match(carrierIdOf('x'.repeat(65), 'sent').problem!, /at most 64 characters/);
});

V.run();
