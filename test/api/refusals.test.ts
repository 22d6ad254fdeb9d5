import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { basic, bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';

/**
 * Refusals a program can act on, over real HTTP: when numbers are refused,
 * a submit's problem lists each one (`recipients`) and a preview names each
 * one (`error`, `problemError`) in one shape — the number, the registry's
 * name, temporary or not, the SMTP reply and enhanced codes, the sentence.
 */
const R = suite<{ b: TestBridge; lead: string }>('api refusals');

const OPTED_OUT = '+4915199999999';
/** Gets one SMS in the first test; after that it is at the account's per-number cap (1 an hour). */
const CAPPED = '+4915112345671';
const CAPPED_TOO = '+4915112345672';

R.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'], limits: { messagesPerMinute: 0, perNumberPerHour: 1, segmentsPerDay: 0 } }] as never,
    optout: [OPTED_OUT],
  });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
R.after(async (ctx) => {
  await ctx.b.stop();
  await rm(ctx.b.dir, { recursive: true, force: true });
});

const send = (b: TestBridge, auth: string, to: string | string[], text = 'Bitte zahlen.') => call(b, 'POST', '/api/v1/messages', { auth, body: { to, text } });
const preview = (b: TestBridge, auth: string, body: Record<string, unknown>) => call(b, 'POST', '/api/v1/messages/preview', { auth, body });
const stored = (b: TestBridge) => Object.values(b.store.counts()).reduce((a, n) => a + n, 0);

const optedOut = {
  to: OPTED_OUT, name: 'OptedOut', temporary: false, code: 550, enhanced: '5.7.1',
  text: `${OPTED_OUT} has asked not to receive SMS from this gateway (opt-out list); nothing is sent to it`,
};
const capped = (to: string) => ({
  to, name: 'NumberRateExceeded', temporary: true, code: 451, enhanced: '4.7.1',
});

R('submit :: one number opted out, one at its per-number cap: 422 RecipientsRefused listing each number with its name, permanence and codes', async ({ b, lead }) => {
  assert.is((await send(b, lead, [CAPPED, CAPPED_TOO])).status, 201, 'the first SMS to each number is within the cap');
  const before = stored(b);
  const r = await send(b, lead, [OPTED_OUT, CAPPED, '+4915112345673']);
  assert.is(r.status, 422, JSON.stringify(r.body));
  assert.match(r.type, /^application\/problem\+json/);
  assert.is(r.body.title, 'RecipientsRefused');
  assert.is(r.body.recipients.length, 2, JSON.stringify(r.body.recipients));
  assert.equal(r.body.recipients[0], optedOut);
  const { text, ...codes } = r.body.recipients[1];
  assert.equal(codes, capped(CAPPED));
  assert.match(text, /^\+4915112345671 /);
  // What was there before stays, for people and for programs that read it.
  assert.is(r.body.detail, `${optedOut.text}; ${text}`);
  assert.equal(r.body.smtp, ['550 5.7.1', '451 4.7.1']);
  assert.is(stored(b), before, 'taken whole or not at all');
});

R('submit :: every number only at its cap: 429 with that name and Retry-After, each entry temporary', async ({ b, lead }) => {
  const r = await send(b, lead, [CAPPED, CAPPED_TOO]);
  assert.is(r.status, 429, JSON.stringify(r.body));
  assert.is(r.headers.get('retry-after'), '3600');
  assert.is(r.body.title, 'NumberRateExceeded', 'the refusals share their name');
  assert.equal(r.body.recipients.map(({ text: _t, ...codes }: { text: string }) => codes), [capped(CAPPED), capped(CAPPED_TOO)]);
});

R('submit :: a sender ID the account may not use is named per number too, as the preview names it', async ({ b, lead }) => {
  const body = { to: ['+4915112345681', '+4915112345682'], text: 'Hallo', senderId: 'ACME' };
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.equal([r.status, r.body.title], [422, 'SenderIdNotAllowed'], JSON.stringify(r.body));
  assert.equal(r.body.recipients.map((x: { to: string; name: string; code: number; enhanced: string }) => [x.to, x.name, x.code, x.enhanced]), [
    ['+4915112345681', 'SenderIdNotAllowed', 550, '5.7.1'],
    ['+4915112345682', 'SenderIdNotAllowed', 550, '5.7.1'],
  ]);
  const p = await preview(b, lead, body);
  assert.equal(p.body.recipients.map((x: { error: unknown }) => x.error), r.body.recipients);
});

R('regression: submit :: a sender ID the account may not use, beside bad option values :: one 422 BadOption names them all', async ({ b, lead }) => {
  const body = { to: ['+4915112345683'], text: 'Hallo', senderId: 'EVILCORP', sendAt: 'tomorrow', flash: 'maybe' };
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.equal([r.status, r.body.title], [422, 'BadOption'], JSON.stringify(r.body));
  assert.match(r.body.detail, /option sendAt has the value "tomorrow"/);
  assert.match(r.body.detail, /option flash has the value "maybe"/);
  assert.match(r.body.detail, /the sender ID "EVILCORP" is not allowed for account "acme"/);
});

R('submit :: one refused number is that refusal\'s problem, and is listed all the same', async ({ b, lead }) => {
  const r = await send(b, lead, [OPTED_OUT, '+4915112345674']);
  assert.equal([r.status, r.body.title, r.body.smtp], [422, 'OptedOut', '550 5.7.1']);
  assert.equal(r.body.recipients, [optedOut]);
});

R('submit :: numbers refused at different steps (the opt-out list for every sender, for one sender once the SMS has its sender) :: one answer lists them all, in the request\'s order', async ({ b, lead }) => {
  const scoped = '+4915112345686';
  await b.optout.add(scoped, new Date(), { via: 'sms', sender: 'SHOP' });
  const r = await send(b, lead, [scoped, '+4915112345687', OPTED_OUT]);
  assert.equal([r.status, r.body.title], [422, 'RecipientsRefused'], JSON.stringify(r.body));
  assert.equal(r.body.recipients.map((x: { to: string; name: string }) => [x.to, x.name]), [[scoped, 'OptedOutOfSender'], [OPTED_OUT, 'OptedOut']]);
});

R('submit :: numbers that are not valid are listed as given, each with InvalidNumber 553 5.1.3', async ({ b, lead }) => {
  const r = await send(b, lead, ['+49123', '+4915112345675', '12ab']);
  assert.equal([r.status, r.body.title], [422, 'InvalidNumber']);
  assert.equal(r.body.recipients.map((x: { to: string; name: string; temporary: boolean; code: number; enhanced: string }) => [x.to, x.name, x.temporary, x.code, x.enhanced]), [
    ['+49123', 'InvalidNumber', false, 553, '5.1.3'],
    ['12ab', 'InvalidNumber', false, 553, '5.1.3'],
  ]);
  assert.match(r.body.recipients[0].text, /^"\+49123" is not a valid mobile number/);
});

R('preview :: each refused number carries its refusal in the submit\'s shape beside the reply line; a number that would go has none', async ({ b, lead }) => {
  const r = await preview(b, lead, { to: [OPTED_OUT, CAPPED, '+4915112345676'], text: 'Hallo' });
  assert.is(r.status, 200, JSON.stringify(r.body));
  const row = (to: string) => r.body.recipients.find((x: { to: string }) => x.to === to);
  assert.equal(row(OPTED_OUT).error, optedOut);
  assert.is(row(OPTED_OUT).refusal, `550 5.7.1 ${optedOut.text}`);
  const { text, ...codes } = row(CAPPED).error;
  assert.equal(codes, capped(CAPPED));
  assert.is(row(CAPPED).refusal, `451 4.7.1 ${text}`);
  const sent = await send(b, lead, [OPTED_OUT, CAPPED]);
  assert.equal(sent.body.recipients, [row(OPTED_OUT).error, row(CAPPED).error], 'what the preview names is what a submit gets');
  assert.not.ok('error' in row('+4915112345676') || 'refusal' in row('+4915112345676'));
  assert.not.ok('problemError' in r.body);
});

R('preview :: a text a send would refuse as a whole: problemError in the same shape, without a number', async ({ b, lead }) => {
  const body = { to: '+4915112345677', text: 'y'.repeat(200), maxSegments: 1 };
  const r = await preview(b, lead, body);
  assert.is(r.status, 200, JSON.stringify(r.body));
  const { text, ...codes } = r.body.problemError;
  assert.equal(codes, { name: 'TooManySegments', temporary: false, code: 552, enhanced: '5.3.4' });
  assert.is(r.body.problem, `552 5.3.4 ${text}`);
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.equal([sent.body.title, sent.body.detail], [codes.name, text], 'the submit refuses it with that name and sentence');
});

R('brake :: a paused account\'s request is refused 503 with Retry-After and told it was not taken, not that a mail server keeps it', () =>
  withBridge({ limits: { brake: { newNumbersPerWindow: 3 } } }, async (b) => {
    await b.users.add('clerk', 'default', 'clerk-password-1');
    const auth = basic('clerk', 'clerk-password-1');
    assert.is((await send(b, auth, ['+4915112345681', '+4915112345682', '+4915112345683'])).status, 201, 'the spike itself was taken');
    await waitFor('the brake', () => b.events.find((e) => e.evt === 'brake-engaged'));
    const r = await send(b, auth, '+4915112345681');
    assert.equal([r.status, r.body.title, r.headers.get('retry-after')], [503, 'AccountPaused', '60']);
    assert.is(r.body.detail, 'sending for the SMS account "default" is paused (3 numbers never sent to before within 60 minutes) until an operator has checked and released it; '
      + 'the request was not taken: send it again once an operator has released the account');
  }));

R('openapi :: the problem document lists refusals, each described with its fields', async ({ b }) => {
  const r = await call(b, 'GET', '/api/v1/openapi.json');
  const schemas: Record<string, { title?: string; required?: string[]; properties: Record<string, any> }> = r.body.components.schemas;
  const named = (title: string) => Object.entries(schemas).find(([, s]) => s.title === title);
  const [refusalId, refusal] = named('refusal')!;
  assert.equal(refusal.required, ['name', 'temporary', 'code', 'enhanced', 'text']);
  assert.is(named('problem')![1].properties.recipients.items.$ref, `#/components/schemas/${refusalId}`);
  assert.match(r.body.paths['/api/v1/messages'].post.description, /recipients lists a refusal per number/);
});

R.run();
