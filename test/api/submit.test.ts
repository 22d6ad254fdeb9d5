import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

/** POST /api/v1/messages over real HTTP against a running bridge, compared with the same text sent by mail. */
const S = suite<{ b: TestBridge; lead: string }>('api submit');

S.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
});
S.after(async ({ b }) => {
  await stopTestBridge(b);
});

// What a batch job's console output brings along: colour codes, a bell, a zero-width space, CRLF line ends, trailing blanks and blank lines.
const NOISY = '\u001b[1;31mFEHLER\u001b[0m im Nachtlauf\u0007: Datei\u200bimport offen.  \r\n\r\n\r\n\u001b]0;erp-batch\u0007Bitte bis 7 Uhr pr\u00fcfen.\r\n';
const CLEAN = 'FEHLER im Nachtlauf: Dateiimport offen.\n\nBitte bis 7 Uhr pr\u00fcfen.';

S('regression: submit :: terminal colour codes, control and invisible characters leave the text as they leave a mail\'s: the same text gives the same SMS either way', async ({ b, lead }) => {
  const info = await mailer(b.port).sendMail({ from: 'batch@acme.test', to: '+4915112345601@sms.localhost', subject: 'x', text: NOISY });
  const byMail = await waitFor('the mail\'s SMS', () => b.sim.sent.find((s) => s.to === '+4915112345601'));
  assert.match(info.response, /^250 /);
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345602', text: NOISY } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  const byApi = await waitFor('the request\'s SMS', () => b.sim.sent.find((s) => s.to === '+4915112345602'));
  assert.is(byMail.text, CLEAN);
  assert.is(byApi.text, byMail.text);
  assert.is(byApi.encoding, byMail.encoding);
});

S('submit :: the preview shows the text cleaned as the submit sends it', async ({ b, lead }) => {
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345603', text: NOISY } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.is(r.body.text, CLEAN);
});

S('submit :: a text of nothing but colour codes and invisible characters, or an empty one, is NoText, as a mail of them is', async ({ b, lead }) => {
  for (const text of ['\u001b[0m\u200b\r\n', '']) {
    const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345604', text } });
    assert.is(r.status, 422, JSON.stringify(r.body));
    assert.is(r.body.title, 'NoText');
  }
});

S('regression: submit :: NoText speaks of the request\'s text, not of a mail; the preview\'s problem says the same; a mail keeps its words', async ({ b, lead }) => {
  const body = { to: '+4915112345605', text: ' \u200b\r\n\t' };
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.equal([r.status, r.body.title, r.body.smtp], [422, 'NoText', '550 5.6.0'], JSON.stringify(r.body));
  assert.is(r.body.detail, 'no text to send: "text" has nothing left once spaces, control characters and invisible characters are removed');
  const p = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body });
  assert.is(p.body.problemError.text, r.body.detail);
  assert.is(p.body.problem, `550 5.6.0 ${r.body.detail}`);
  const mail = await mailer(b.port).sendMail({ from: 'batch@acme.test', to: '+4915112345605@sms.localhost', subject: '', text: '-- \r\nBatch' }).catch((e: { response: string }) => e);
  assert.match((mail as { response: string }).response, /^550 5\.6\.0 no text to send: the mail has no text left/);
});

S('regression: submit :: numbers as ERPs keep them (spaces, a slash, brackets) are read as a mail\'s quoted "0151 12345678"@ is; bad ones are still each refused, all at once, as given', async ({ b, lead }) => {
  const written = ['+49 151 1234 0010', '0151 / 1234 0011', '(0151) 12340012', '+49\u00a0151\u00a01234\u00a00013'];
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: written, text: 'Ihre Lieferung kommt morgen.' } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.messages.map((m: { to: string }) => m.to), ['+4915112340010', '+4915112340011', '+4915112340012', '+4915112340013']);
  const p = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '0151 1234 0014', text: 'x' } });
  assert.equal([p.status, p.body.recipients.map((x: { to: string }) => x.to)], [200, ['+4915112340014']], JSON.stringify(p.body));
  const total = () => Object.values(b.store.counts()).reduce((a, n) => a + n, 0);
  const before = total();
  const bad = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: ['+49 151 1234 0015', '+49 123', '0151 12ab 34'], text: 'x' } });
  assert.equal([bad.status, bad.body.title], [422, 'InvalidNumber'], JSON.stringify(bad.body));
  assert.equal(bad.body.recipients.map((x: { to: string; name: string }) => [x.to, x.name]), [['+49 123', 'InvalidNumber'], ['0151 12ab 34', 'InvalidNumber']]);
  assert.match(bad.body.recipients[0].text, /^"\+49 123" is not a valid mobile number: too short/);
  assert.is(total(), before, 'a request is taken whole or not at all');
});

S('regression: submit :: a sendAt long past is refused (422, naming the time and that it had passed), as a mail\'s before its Date is; a few minutes past go at once and the answer says so', async ({ b, lead }) => {
  const before = Object.values(b.store.counts()).reduce((a, n) => a + n, 0);
  const longAgo = '2025-12-01T09:00:00+01:00';
  for (const path of ['/api/v1/messages', '/api/v1/messages/preview']) {
    const r = await call(b, 'POST', path, { auth: lead, body: { to: '+4915112345621', text: 'Zu spät.', sendAt: longAgo } });
    assert.equal([r.status, r.body.title], [422, 'BadOption'], path);
    assert.match(r.body.detail, /^option sendAt has the value "2025-12-01T09:00:00\+01:00", 2025-12-01 09:00 Europe\/Berlin, which had passed when the request came \(\d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin\): use a time ahead; to send at once, leave sendAt out$/);
  }
  assert.is(Object.values(b.store.counts()).reduce((a, n) => a + n, 0), before, 'nothing stored');
  const justPast = new Date(Date.now() - 5 * 60_000).toISOString();
  const note = /^the send time asked for, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0[12]:00, had passed when the request came: sent at once$/;
  const preview = await call(b, 'POST', '/api/v1/messages/preview', { auth: lead, body: { to: '+4915112345622', text: 'Gerade noch.', sendAt: justPast } });
  assert.is(preview.status, 200, JSON.stringify(preview.body));
  assert.match(preview.body.notes?.[0] ?? '', note);
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345622', text: 'Gerade noch.', sendAt: justPast } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.is(r.body.messages[0].sendAt, null);
  assert.equal(r.body.notes.length, 1);
  assert.match(r.body.notes[0], note);
  const again = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112345623', text: 'Ohne Zeit.' } });
  assert.not.ok('notes' in again.body, 'no note without a send time');
});

S.run();
