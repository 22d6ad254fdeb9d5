import * as assert from 'uvu/assert';
import { apiSuite, call } from '../helpers/api.js';
import { waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';
import { appendToArchive } from '../../src/store/archive.js';
import { newMailId } from '../../src/store/ids.js';

/** The REST API over real HTTP on loopback, against a running bridge: an SMS submitted, tracked, held, cancelled, and what it adds to /metrics. */
const A = apiSuite('api messages');

const delivered = (b: TestBridge, auth: string, id: string) =>
  waitFor(`${id} delivered`, async () => {
    const r = await call(b, 'GET', `/api/v1/messages/${id}`, { auth });
    return r.body.status === 'delivered' ? r.body : undefined;
  });

A('submit :: 201 with the id, and the SMS is tracked to delivered with its timeline', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'Ihre Rechnung INV-9001 ist fällig.', reference: 'INV-9001' } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  const id = r.body.messages[0].id;
  assert.is(r.headers.get('location'), `/api/v1/messages/${id}`);
  assert.equal({ account: r.body.messages[0].account, via: r.body.messages[0].via, status: r.body.messages[0].status }, { account: 'acme', via: 'api', status: 'accepted' });
  const done = await delivered(b, lead, id);
  assert.equal(done.timeline.map((e: { status: string }) => e.status), ['accepted', 'submitting', 'submitted', 'delivered']);
  assert.ok(done.acceptedAt <= done.submittedAt && done.submittedAt <= done.finalAt, JSON.stringify(done));
  assert.is(done.connector, 'simulator');
  assert.is(b.sim.sent.find((s) => s.id === id)?.text, 'Ihre Rechnung INV-9001 ist fällig.');
});

A('submit :: the options are the mail headers\' (same parser, same sentences), every bad one at once', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', sendAt: 'tomorrow', validity: '4d' } });
  assert.is(r.status, 422);
  assert.match(r.type, /^application\/problem\+json/);
  assert.is(r.body.title, 'BadOption');
  assert.match(r.body.detail, /option sendAt has the value "tomorrow", which is not valid: use an RFC 3339 date-time/);
  assert.match(r.body.detail, /option validity has the value "4d"/);
});

A('regression: submit :: bad values of enum and flag options are named together with the rest, in the mail\'s sentences (not a schema error for the first)', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', sendAt: 'tomorrow', notify: 'sometimes', flash: 'maybe', maxSegments: 'many', duplicateDetection: 'perhaps' } });
  assert.is(r.status, 422, JSON.stringify(r.body));
  assert.is(r.body.title, 'BadOption');
  const named = ['sendAt', 'notify', 'flash', 'maxSegments', 'duplicateDetection'].filter((o) => r.body.detail.includes(`option ${o} has the value`));
  assert.equal(named, ['sendAt', 'notify', 'flash', 'maxSegments', 'duplicateDetection'], r.body.detail);
  assert.match(r.body.detail, /option notify has the value "sometimes", which is not valid: use none, failure, final, delivery or all/);
  assert.match(r.body.detail, /option flash has the value "maybe", which is not valid: use yes, no, true, false, on or off/);
  const fine = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345678', text: 'x', notify: 'all', flash: true, maxSegments: 2, duplicateDetection: false } });
  assert.is(fine.status, 200, JSON.stringify(fine.body));
});

A('submit :: a send time ahead is held (status accepted, sendAt set), not sent', async ({ b, lead }) => {
  const at = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345670', text: 'Später.', sendAt: at } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.is(r.body.messages[0].sendAt, new Date(at).toISOString());
  // One due now, submitted after it: once that is at the SMSC, the dispatcher has seen the held one and left it.
  const now = (await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345669', text: 'Jetzt.' } })).body.messages[0].id;
  await waitFor('the SMS due now at the SMSC', () => b.sim.sent.some((s) => s.id === now));
  assert.not.ok(b.sim.sent.some((s) => s.to === '+4915112345670'));
});

A('submit :: bad numbers named, unknown fields refused, a text too long refused like a mail (same sentence and code)', async ({ b, lead }) => {
  const numbers = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+49123', '015112345678x'], text: 'x' } });
  assert.is(numbers.status, 422);
  assert.match(numbers.body.detail, /"\+49123" is not a valid mobile number: too short/);
  assert.match(numbers.body.detail, /"015112345678x" is not a valid mobile number/);
  const unknown = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x', colour: 'red' } });
  assert.is(unknown.status, 400);
  assert.match(unknown.body.detail, /colour: unknown key \(known keys here: to, text, sendAt, /);
  const long = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345678', text: 'x'.repeat(161), maxSegments: 1 } });
  assert.is(long.status, 422);
  assert.is(long.body.title, 'TooManySegments');
  assert.is(long.body.smtp, '552 5.3.4');
  assert.match(long.body.detail, /the text would take 2 SMS segments, at most 1 are allowed/);
});

A('submit :: confirmTo must be an address of the account; with it, the confirmation is mailed like for a mail', async ({ b, lead }) => {
  const bad = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: 'x', confirmTo: 'boss@evil.test' } });
  assert.is(bad.status, 422);
  assert.equal([bad.body.title, bad.body.smtp], ['SenderNotAllowed', '553 5.7.1']);
  assert.is(bad.body.detail, 'confirmTo "boss@evil.test" is not an address of the SMS account "acme": confirmations go only to its addresses (any address @acme.test); leave confirmTo out for none');
  // In the account's domain by its last '@', but a mail library may read it as a list with a stranger in it.
  const listed = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: 'x', confirmTo: '"x@evil.test,"@acme.test' } });
  assert.is(listed.status, 422);
  assert.equal([listed.body.title, listed.body.smtp], ['BadSenderAddress', '553 5.1.7']);
  assert.is(listed.body.detail, 'confirmTo <"x@evil.test,"@acme.test> is not a plain mail address (no quotes, commas or spaces) that confirmations could be sent to');
  const ok = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: 'Bestätigt.', confirmTo: 'clerk@acme.test' } });
  const id = ok.body.messages[0].id;
  await waitFor('delivered confirmation', async () => (await call(b, 'GET', `/api/v1/messages/${id}`, { auth: lead })).body.confirmations.some((c: { stage: string; sentAt: string | null }) => c.stage === 'delivered' && c.sentAt));
});

A('cancel :: a scheduled SMS is cancelled and never sent; again 200 as the first (a retry is safe); another account\'s 404; a delivered one 409', async ({ b, lead, other }) => {
  const at = new Date(Date.now() + 3600_000).toISOString();
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345691', text: 'Später.', sendAt: at } });
  const id = r.body.messages[0].id;
  assert.is((await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: other })).status, 404);
  const c = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: lead });
  assert.is(c.status, 200, JSON.stringify(c.body));
  assert.is(c.body.status, 'cancelled');
  assert.match(c.body.timeline.at(-1).reason, /api user lead/);
  const again = await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: lead });
  assert.is(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body, c.body, 'answered as the first cancel was, nothing added to its history');
  assert.is((await call(b, 'POST', `/api/v1/messages/${id}/cancel`, { auth: other })).status, 404, 'another account still learns nothing');
  assert.not.ok(b.sim.sent.some((s) => s.to === '+4915112345691'));
  // Moved to the archive since (compaction): a retry days later is still the cancel that happened.
  const old = structuredClone(b.store.get(id)!);
  old.mailId = newMailId(new Date(Date.now() - 3 * 86_400_000), () => Buffer.from('00000000c1', 'hex'));
  old.id = `${old.mailId}.1`;
  await appendToArchive(b.store.archiveDir, [old]);
  const archived = await call(b, 'POST', `/api/v1/messages/${old.id}/cancel`, { auth: lead });
  assert.equal([archived.status, archived.body.id, archived.body.status], [200, old.id, 'cancelled'], JSON.stringify(archived.body));
  assert.is((await call(b, 'POST', `/api/v1/messages/${old.id}/cancel`, { auth: other })).status, 404);
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345692', text: 'Jetzt.' } });
  const sentId = sent.body.messages[0].id;
  await delivered(b, lead, sentId);
  const late = await call(b, 'POST', `/api/v1/messages/${sentId}/cancel`, { auth: lead });
  assert.equal([late.status, late.body.title, late.body.smsStatus], [409, 'AlreadyFinal', 'delivered']);
});

A('regression: cancel :: an SMS delivered and moved to the archive since is 409 saying it was delivered and when, not "unknown, or finished long ago"', async ({ b, lead, other }) => {
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345693', text: 'Schon zugestellt.' } });
  await delivered(b, lead, sent.body.messages[0].id);
  const old = structuredClone(b.store.get(sent.body.messages[0].id)!);
  old.mailId = newMailId(new Date(Date.now() - 86_400_000), () => Buffer.from('00000000c2', 'hex'));
  old.id = `${old.mailId}.1`;
  await appendToArchive(b.store.archiveDir, [old]);
  const r = await call(b, 'POST', `/api/v1/messages/${old.id}/cancel`, { auth: lead });
  const at = old.history.at(-1)!.at;
  assert.equal([r.status, r.body.title, r.body.smsStatus, r.body.detail], [409, 'AlreadyFinal', 'delivered', `the SMS ${old.id} to +4915112345693 was already delivered at ${at} and cannot be cancelled`]);
  assert.is((await call(b, 'POST', `/api/v1/messages/${old.id}/cancel`, { auth: other })).status, 404, 'another account learns nothing');
});

A('openapi :: the document lists the routes with their schemas', async ({ b }) => {
  const r = await call(b, 'GET', '/api/v1/openapi.json');
  assert.is(r.status, 200);
  assert.match(r.body.openapi, /^3\./);
  assert.ok(r.body.paths['/api/v1/messages'].post.requestBody, 'submit has its body schema');
  assert.ok(r.body.paths['/api/v1/stats'].get, 'stats');
});

A('metrics :: accepted, refused by reason, submitted, final by connector, queue depth, latencies', async ({ b }) => {
  // With the API's SMS of the tests above (one delivered, one held, a BadOption): a mail taken and a mail refused.
  await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345694@sms.localhost', subject: 'x', text: 'Per Mail.' });
  await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+49123@sms.localhost', subject: 'x', text: 'x' }).catch(() => undefined);
  const r = await call(b, 'GET', '/metrics');
  const text = String(r.body);
  for (const re of [
    /^mail2sms_sms_accepted_total\{account="acme",via="api"\} [1-9]/m,
    /^mail2sms_sms_accepted_total\{account="acme",via="smtp"\} [1-9]/m,
    /^mail2sms_refused_total\{reason="InvalidNumber",stage="rcpt"\} 1$/m,
    /^mail2sms_refused_total\{reason="BadOption",stage="api"\} [1-9]/m,
    /^mail2sms_sms_submitted_total\{connector="simulator"\} [1-9]/m,
    /^mail2sms_sms_final_total\{connector="simulator",status="delivered"\} [1-9]/m,
    /^mail2sms_queue_depth\{status="accepted"\} [1-9]/m,
    /^mail2sms_accept_duration_seconds_count [1-9]/m,
    /^mail2sms_delivery_latency_seconds_count\{connector="simulator"\} [1-9]/m,
    /^mail2sms_connector_up\{connector="simulator"\} 1$/m,
  ]) assert.match(text, re);
});

A.run();
