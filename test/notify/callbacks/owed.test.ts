import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { callbackWants, oweCallback, oweCallbacks } from '../../../src/notify/callbacks/owed.js';
import { callbackPayload } from '../../../src/notify/callbacks/payload.js';
import { change } from '../../../src/store/records.js';
import type { NotifyLevel, SmsMessage, SmsStatus } from '../../../src/store/types.js';

const O = suite('status callbacks :: what is owed and what is pushed');

const sms = (level: NotifyLevel = 'all', extra: Partial<SmsMessage> = {}): SmsMessage => ({
  id: 'M1.1', mailId: 'M1', account: 'acme', to: '+4915112345678', text: 'x', encoding: 'GSM7', segments: 2,
  mail: { envelopeFrom: '', rcptTo: '+4915112345678', receivedAt: '2026-11-23T10:00:00.000Z' },
  notify: 'none', status: 'accepted', history: [{ status: 'accepted', at: '2026-11-23T10:00:00.000Z' }], attempts: 0,
  notBefore: '2026-11-23T10:00:00.000Z', confirmations: [], callback: { url: 'https://erp.acme.test/sms', level }, ...extra,
});

const LEVELS: Array<[NotifyLevel, SmsStatus[]]> = [
  ['none', []],
  ['failure', ['failed', 'expired', 'rejected', 'cancelled']],
  ['final', ['delivered', 'failed', 'expired', 'rejected', 'cancelled']],
  ['all', ['accepted', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled']],
];
const ALL_STATUSES: SmsStatus[] = ['accepted', 'submitting', 'submitted', 'delivered', 'failed', 'expired', 'rejected', 'cancelled'];

for (const [level, wanted] of LEVELS) {
  O(`level ${level} :: ${wanted.join(', ') || 'nothing'}`, () => assert.equal(ALL_STATUSES.filter((s) => callbackWants(level, s)), wanted));
}

O('a status is owed once, in the record that reaches it: a retry back to accepted and a part receipt owe nothing more', () => {
  const m = sms();
  oweCallbacks(m);
  const at = (n: number) => `2026-11-23T10:00:0${n}.000Z`;
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitting', at: at(1) } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'accepted', at: at(2), reason: 'retry' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitting', at: at(3) } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitted', at: at(4), connector: 'smsc', connectorMessageId: 'abc' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitted', at: at(5), part: { index: 1, of: 2, status: 'delivered' } } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'failed', at: at(6), reason: 'part 2 undeliverable' } });
  assert.equal(m.confirmations.map((c) => [c.channel, c.stage, c.notBefore]), [['callback', 'accepted', at(0)], ['callback', 'submitted', at(4)], ['callback', 'failed', at(6)]]);
  const failed = callbackPayload(m, { stage: 'failed' });
  assert.equal({ ...failed }, {
    eventId: 'M1.1/failed', smsId: 'M1.1', mailId: 'M1', account: 'acme', reference: null, billingCode: null, to: '+4915112345678', status: 'failed', final: true,
    at: at(6), reason: 'part 2 undeliverable', connector: null, connectorMessageId: 'abc', parts: { delivered: 1, of: 2 },
  });
  // The submitted push says what was true at the handover, however late it goes (the same body on every attempt).
  assert.equal([callbackPayload(m, { stage: 'submitted' }).parts, callbackPayload(m, { stage: 'submitted' }).at, callbackPayload(m, { stage: 'accepted' }).connectorMessageId], [{ delivered: 0, of: 2 }, at(4), null]);
});

O('late answers (a correction) :: the correction and the outcome after it are pushed, also a status pushed before and at level failure; their eventIds differ, the uncertain failure says so', () => {
  const at = (n: number) => `2026-11-23T10:00:0${n}.000Z`;
  const m = sms('failure');
  oweCallbacks(m);
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitting', at: at(1) } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'failed', at: at(2), uncertain: true, reason: 'not confirmed' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitted', at: at(3), late: 'correction', connector: 'smsc', connectorMessageId: 'abc' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'failed', at: at(4), reason: 'UNDELIV' } });
  assert.equal(m.confirmations.map((c) => [c.stage, c.event]), [['failed', 2], ['submitted', 3], ['failed', 4]]);
  const [first, correction, outcome] = m.confirmations.map((c) => callbackPayload(m, c));
  assert.equal([first!.eventId, first!.final, first!.uncertain, first!.correction], ['M1.1/failed', true, true, undefined]);
  assert.equal([correction!.eventId, correction!.status, correction!.correction, correction!.connectorMessageId], ['M1.1/submitted', 'submitted', true, 'abc']);
  assert.equal([outcome!.eventId, outcome!.status, outcome!.final, outcome!.correction, outcome!.reason], ['M1.1/failed/4', 'failed', true, true, 'UNDELIV']);

  const delivered = sms('final');
  oweCallbacks(delivered);
  change(delivered, { seq: 1, t: 'status', id: delivered.id, event: { status: 'failed', at: at(2), uncertain: true } });
  change(delivered, { seq: 1, t: 'status', id: delivered.id, event: { status: 'submitted', at: at(3), late: 'correction' } });
  change(delivered, { seq: 1, t: 'status', id: delivered.id, event: { status: 'delivered', at: at(4) } });
  assert.equal(delivered.confirmations.map((c) => c.stage), ['failed', 'submitted', 'delivered'], 'level final hears the correction to submitted too');

  const quiet = sms('failure');
  oweCallbacks(quiet);
  change(quiet, { seq: 1, t: 'status', id: quiet.id, event: { status: 'submitted', at: at(1), late: 'correction' } });
  change(quiet, { seq: 1, t: 'status', id: quiet.id, event: { status: 'delivered', at: at(2) } });
  assert.equal(quiet.confirmations, [], 'no failure was pushed: nothing to correct, level failure pushes nothing');
});

O('a mailed confirmation and a callback of the same stage are recorded apart', () => {
  const m = sms('final');
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'delivered', at: '2026-11-23T10:01:00.000Z' }, confirm: true });
  assert.equal(m.confirmations.map((c) => c.channel ?? 'mail'), ['mail', 'callback']);
  change(m, { seq: 1, t: 'conf', id: m.id, stage: 'delivered', at: '2026-11-23T10:01:01.000Z', where: 'https://erp.acme.test/sms HTTP 200', ch: 'callback' });
  assert.equal(m.confirmations.map((c) => [c.channel ?? 'mail', Boolean(c.sentAt)]), [['mail', false], ['callback', true]]);
  change(m, { seq: 1, t: 'conf', id: m.id, stage: 'delivered', at: '2026-11-23T10:01:02.000Z', where: '/outbox/x.eml' });
  assert.equal(m.confirmations.map((c) => c.where), ['/outbox/x.eml', 'https://erp.acme.test/sms HTTP 200']);
});

O('an SMS without a callback owes none, and a stored repeat (cancelled at once) owes its cancelled push', () => {
  const plain = sms('all', { callback: undefined });
  plain.history.push({ status: 'delivered', at: 'x' });
  oweCallback(plain);
  assert.equal(plain.confirmations, []);
  const dup = sms('failure', { status: 'cancelled', history: [{ status: 'accepted', at: 'a' }, { status: 'cancelled', at: 'b', duplicateOf: 'M0.1' }] });
  oweCallbacks(dup);
  assert.equal(dup.confirmations.map((c) => c.stage), ['cancelled']);
});

O('sent by the bridge a restored backup was taken of, no delivery report (expired, backup sent) :: the expired push says unreported, as sms-final does; a plain expiry does not', () => {
  const at = (n: number) => `2026-11-23T10:00:0${n}.000Z`;
  const m = sms('final');
  oweCallbacks(m);
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitting', at: at(1), connector: 'smsc' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'submitted', at: at(2), connector: 'smsc', backup: 'sent', by: 'alice' } });
  change(m, { seq: 1, t: 'status', id: m.id, event: { status: 'expired', at: at(3), connector: 'smsc', backup: 'sent', reason: 'sent by the old bridge; no delivery report' } });
  const expired = callbackPayload(m, m.confirmations.find((c) => c.stage === 'expired')!);
  assert.equal([expired.status, expired.final, expired.unreported, expired.uncertain], ['expired', true, true, undefined]);
  const plain = sms('final');
  oweCallbacks(plain);
  change(plain, { seq: 1, t: 'status', id: plain.id, event: { status: 'expired', at: at(3), reason: 'no delivery report within 48 h' } });
  assert.is(callbackPayload(plain, { stage: 'expired' }).unreported, undefined);
});

O.run();
