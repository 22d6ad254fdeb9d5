import * as assert from 'uvu/assert';
import type { OutboundSms, SubmitResult } from '../../src/connectors/types.js';
import { apiSuite, call } from '../helpers/api.js';
import { RecordingSimulator, waitFor } from '../helpers/bridge.js';

/**
 * The simulator taking SMS to numbers ending in 1 (and reporting on them only an hour later: they stay handed over),
 * and turning the others away for a reason of their own, so they wait an hour for their retry (dispatch.retry).
 */
class HalfTaken extends RecordingSimulator {
  override async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (sms.to.endsWith('1')) return super.submit(sms);
    return { ok: false, temporary: true, scope: 'sms', reason: `simulator: all concatenation references for ${sms.to} in use (simulated)` };
  }
}

const sim = new HalfTaken({ name: 'simulator', deliveryDelayMs: 3600_000, failNumbersEndingWith: [], sentLog: '' });

/** POST /api/v1/messages/{mail id}/cancel: each SMS of a mail, over real HTTP against a running bridge. */
const A = apiSuite('api cancel by mail id', { dispatch: { retry: { baseSeconds: 3600, jitter: 0 } }, extras: { connectors: { simulator: sim } } });

const SIMULATED = /\(simulated\)/;

A('cancel :: a mail to two numbers, one handed over: the other cancelled, 409 PartlyCancelled with each SMS\'s outcome; again the same; another account\'s and an unknown id 404', async ({ b, lead, other, admin }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345681', '+4915112345682'], text: 'Zwei Empfänger.' } });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  const mailId: string = sent.body.mailId;
  const idOf = (to: string) => sent.body.messages.find((m: { to: string }) => m.to === to).id as string;
  const [taken, waiting] = [idOf('+4915112345681'), idOf('+4915112345682')];
  // A scheduled SMS whose reference is that mail id: cancelling the mail must not reach it.
  const ref = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345683', text: 'Später.', reference: mailId, sendAt: new Date(Date.now() + 3600_000).toISOString() } });
  await waitFor('one handed over, the other waiting for its retry', async () =>
    b.store.get(taken)?.status === 'submitted' && b.store.get(waiting)?.history.some((e) => e.retryAt && SIMULATED.test(e.reason ?? '')));

  const stranger = await call(b, 'POST', `/api/v1/messages/${mailId}/cancel`, { auth: other });
  assert.equal([stranger.status, stranger.body.title], [404, 'NotFound'], JSON.stringify(stranger.body));
  assert.not.match(JSON.stringify(stranger.body), /\+49151/, 'nothing about another account\'s SMS');
  assert.is(b.store.get(waiting)?.status, 'accepted', 'another account cancels nothing');
  const unknown = await call(b, 'POST', '/api/v1/messages/NOPE0000000000000000/cancel', { auth: lead });
  assert.equal([unknown.status, unknown.body.title], [404, 'NotFound']);

  const r = await call(b, 'POST', `/api/v1/messages/${mailId}/cancel`, { auth: lead });
  assert.is(r.status, 409, JSON.stringify(r.body));
  assert.is(r.body.title, 'PartlyCancelled');
  assert.is(r.body.mailId, mailId);
  const outcomes = r.body.results.map((x: { id: string; outcome: string; message: { status: string } }) => [x.id, x.outcome, x.message.status]);
  assert.equal(outcomes, [[taken, 'too-late', 'submitted'], [waiting, 'cancelled', 'cancelled']].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
  const refused = r.body.results.find((x: { id: string }) => x.id === taken);
  assert.match(refused.detail, new RegExp(`the SMS ${taken.replace('.', '\\.')} to \\+4915112345681 was handed to the carrier at .* and can no longer be cancelled`));
  assert.is(r.body.results.find((x: { id: string }) => x.id === waiting).detail, null);
  assert.match(r.body.detail, new RegExp(`of the 2 SMS of mail ${mailId}, 1 is cancelled \\(${waiting.replace('.', '\\.')}\\) and 1 could not be: the SMS ${taken.replace('.', '\\.')}`));
  assert.is(b.store.get(waiting)?.status, 'cancelled');
  assert.match(b.store.get(waiting)!.history.at(-1)!.reason!, /api user lead/);
  assert.is(b.store.get(taken)?.status, 'submitted');
  assert.is(b.store.get(ref.body.messages[0].id)?.status, 'accepted', 'an SMS whose reference is the mail id is not that mail\'s');

  // A retry after a lost answer: the same answer, the cancelled one now cancelled before; an admin may too.
  for (const auth of [lead, admin]) {
    const again = await call(b, 'POST', `/api/v1/messages/${mailId}/cancel`, { auth });
    assert.equal([again.status, again.body.title], [409, 'PartlyCancelled'], JSON.stringify(again.body));
    assert.equal(again.body.results.map((x: { id: string; outcome: string }) => [x.id, x.outcome]).sort(), [[taken, 'too-late'], [waiting, 'already-cancelled']].sort());
  }
});

A('cancel :: a mail whose SMS all wait: 200 with each cancelled, in order; again 200 as already cancelled', async ({ b, lead }) => {
  const sendAt = new Date(Date.now() + 3600_000).toISOString();
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+4915112345684', '+4915112345685'], text: 'Termin.', sendAt } });
  const mailId: string = sent.body.mailId;
  const r = await call(b, 'POST', `/api/v1/messages/${mailId}/cancel`, { auth: lead });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.results.map((x: { id: string; outcome: string; detail: null }) => [x.id, x.outcome, x.detail]), [[`${mailId}.1`, 'cancelled', null], [`${mailId}.2`, 'cancelled', null]]);
  assert.equal(r.body.results.map((x: { message: { to: string; status: string } }) => x.message.status), ['cancelled', 'cancelled']);
  const again = await call(b, 'POST', `/api/v1/messages/${mailId}/cancel`, { auth: lead });
  assert.is(again.status, 200);
  assert.equal(again.body.results.map((x: { outcome: string }) => x.outcome), ['already-cancelled', 'already-cancelled']);
  assert.not.ok(sim.sent.some((s) => s.to === '+4915112345684' || s.to === '+4915112345685'));
});

A('openapi :: the cancel route says it takes a mail id, and how it answers', async ({ b }) => {
  const r = await call(b, 'GET', '/api/v1/openapi.json');
  const cancel = r.body.paths['/api/v1/messages/{id}/cancel'].post;
  assert.match(cancel.summary, /mail by its mail id/);
  assert.match(cancel.description, /PartlyCancelled/);
  assert.match(cancel.description, /already-cancelled/);
});

A.run();
