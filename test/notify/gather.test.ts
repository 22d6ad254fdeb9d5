import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { gather, gathers, gatherKey, phaseOf, type Owed } from '../../src/notify/gather.js';
import type { ConfirmationState, DsnRequest, SmsMessage, SmsStatus } from '../../src/store/types.js';
import { historyTo, sampleSms, T } from './sample.js';

/**
 * The gathering decision on its own, over SMS as the store holds them: which
 * owed confirmations of one mail go together, and when one waits for its
 * siblings. `now` is injected; nothing here waits.
 */
const G = suite('notify/gather');

const OWED_AT = Date.parse(T.final);
const GATHER_MS = 10_000;

/** SMS n of a mail of `of` SMS, in `status`, owing the confirmation of `owes` (if any) since OWED_AT. */
function sibling(n: number, status: SmsStatus, o: { owes?: SmsStatus; of?: number; attempts?: number; dsn?: DsnRequest; notify?: SmsMessage['notify']; notBefore?: string; extra?: Partial<SmsMessage> } = {}): SmsMessage {
  const confirmations: ConfirmationState[] = o.owes ? [{ stage: o.owes, attempts: o.attempts ?? 0, notBefore: T.final }] : [];
  return sampleSms({
    id: `M1a2b3c.${n}`, ofMail: o.of ?? 3, to: `+491511234567${n}`, status, history: historyTo(status), confirmations,
    notify: o.notify ?? 'final', notBefore: o.notBefore ?? T.accepted, ...(o.dsn ? { dsn: o.dsn } : {}), ...o.extra,
  }, { rcptTo: `+491511234567${n}@sms.localhost` });
}

const owed = (m: SmsMessage): Owed => [m, m.confirmations.find((c) => !c.sentAt)!];
const at = (ms: number) => ({ now: OWED_AT + ms, gatherMs: GATHER_MS });
const ids = (r: ReturnType<typeof gather>) => ('owed' in r ? r.owed.map(([m, c]) => `${m.id}/${c.stage}`) : r);

G('phases :: delivered and failed are one phase (the outcome), submitting and submitted another', () => {
  assert.equal((['accepted', 'submitting', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled'] as SmsStatus[]).map(phaseOf),
    ['accepted', 'submitted', 'submitted', 'final', 'final', 'final', 'final', 'final']);
});

G('alone in its mail :: never gathered (the common case goes as it always went)', () => {
  const m = sibling(1, 'delivered', { owes: 'delivered', extra: { ofMail: undefined } });
  assert.is(gathers(m, m.confirmations[0]), false);
});

G('all of the mail owed :: they go at once, in the order of their SMS, the one asking first among them', () => {
  const [a, b, c] = [sibling(1, 'delivered', { owes: 'delivered' }), sibling(2, 'failed', { owes: 'failed' }), sibling(3, 'delivered', { owes: 'delivered' })];
  assert.equal(ids(gather(owed(b), [a, c], at(0))), ['M1a2b3c.1/delivered', 'M1a2b3c.2/failed', 'M1a2b3c.3/delivered']);
});

G('a sibling still with the carrier :: waits for it, until the gathering time after the first became owed', () => {
  const [a, b, c] = [sibling(1, 'delivered', { owes: 'delivered' }), sibling(2, 'delivered', { owes: 'delivered' }), sibling(3, 'submitted')];
  assert.equal(gather(owed(a), [b, c], at(0)), { until: OWED_AT + GATHER_MS });
  assert.equal(gather(owed(a), [b, c], at(GATHER_MS - 1)), { until: OWED_AT + GATHER_MS });
  assert.equal(ids(gather(owed(a), [b, c], at(GATHER_MS))), ['M1a2b3c.1/delivered', 'M1a2b3c.2/delivered'], 'then without it');
});

G('gathering time 0 :: what is owed together goes together, nothing waits', () => {
  const [a, b, c] = [sibling(1, 'delivered', { owes: 'delivered' }), sibling(2, 'delivered', { owes: 'delivered' }), sibling(3, 'submitted')];
  assert.equal(ids(gather(owed(a), [b, c], { now: OWED_AT, gatherMs: 0 })), ['M1a2b3c.1/delivered', 'M1a2b3c.2/delivered']);
});

G('siblings still queued or being handed over :: waited for in the submitted phase too', () => {
  const [a, b, c] = [sibling(1, 'submitted', { owes: 'submitted', notify: 'all' }), sibling(2, 'submitting', { notify: 'all' }), sibling(3, 'accepted', { notify: 'all' })];
  assert.ok('until' in gather(owed(a), [b, c], at(0)));
});

G('a sibling whose confirmation of the phase went already :: not waited for', () => {
  const b = sibling(2, 'delivered', { notify: 'all' });
  b.confirmations.push({ stage: 'submitted', attempts: 0, notBefore: T.submitted, sentAt: T.submitted, where: 'x' });
  const a = sibling(1, 'submitted', { owes: 'submitted', notify: 'all' });
  assert.equal(ids(gather(owed(a), [b], at(0))), ['M1a2b3c.1/submitted']);
});

G('a sibling due only after the gathering time (a send time, quiet hours) :: not waited for', () => {
  const a = sibling(1, 'delivered', { owes: 'delivered' });
  const later = sibling(2, 'accepted', { notBefore: new Date(OWED_AT + GATHER_MS + 1).toISOString() });
  assert.equal(ids(gather(owed(a), [later], at(0))), ['M1a2b3c.1/delivered']);
});

G('a sibling that asks for no confirmation of the phase (its level, its RCPT\'s NOTIFY) :: not waited for', () => {
  const a = sibling(1, 'delivered', { owes: 'delivered', dsn: { notify: ['SUCCESS', 'FAILURE'] } });
  const never = sibling(2, 'submitted', { dsn: { notify: ['NEVER'] } });
  const none = sibling(3, 'submitted', { notify: 'none' });
  assert.equal(ids(gather(owed(a), [never, none], at(0))), ['M1a2b3c.1/delivered']);
  // NOTIFY=FAILURE may still owe a final report: it is waited for.
  const failureOnly = sibling(2, 'submitted', { dsn: { notify: ['FAILURE'] } });
  assert.ok('until' in gather(owed(a), [failureOnly], at(0)));
});

G('per-RCPT NOTIFY :: a report goes only with reports, a plain confirmation only with plain ones', () => {
  const report = sibling(1, 'delivered', { owes: 'delivered', dsn: { notify: ['SUCCESS'] } });
  const plain = sibling(2, 'delivered', { owes: 'delivered' });
  assert.equal(ids(gather(owed(report), [plain], at(0))), ['M1a2b3c.1/delivered']);
  assert.equal(ids(gather(owed(plain), [report], at(0))), ['M1a2b3c.2/delivered']);
  assert.is.not(gatherKey(report, report.confirmations[0]), gatherKey(plain, plain.confirmations[0]));
});

G('a retry :: never waits again, and takes whichever siblings are owed', () => {
  const a = sibling(1, 'delivered', { owes: 'delivered', attempts: 1 });
  assert.equal(ids(gather(owed(a), [sibling(2, 'submitted')], at(0))), ['M1a2b3c.1/delivered']);
});

G('a failure the carrier never confirmed, and a stage confirmed a second time :: each keeps a mail of its own', () => {
  const uncertain = sibling(1, 'failed', { owes: 'failed' });
  uncertain.history[uncertain.history.length - 1].uncertain = true;
  assert.is(gathers(uncertain, uncertain.confirmations[0]), false);
  const again = sibling(2, 'failed', { owes: 'failed' });
  again.confirmations.unshift({ stage: 'failed', attempts: 0, notBefore: T.final, sentAt: T.final, where: 'x' });
  assert.is(gathers(again, again.confirmations[1]), false);
  const plain = sibling(3, 'delivered', { owes: 'delivered' });
  assert.equal(ids(gather(owed(plain), [uncertain, again], at(0))), ['M1a2b3c.3/delivered'], 'and they are not waited for');
});

G.run();
