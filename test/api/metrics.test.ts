import * as assert from 'uvu/assert';
import { apiSuite, call } from '../helpers/api.js';
import { auditLines } from '../helpers/audit.js';
import { metric, waitFor } from '../helpers/bridge.js';
import { chat } from '../helpers/smtp.js';

/** Each counter the README's Metrics table promises, moved by the real thing (a mail, an API call) and read back from /metrics. */
const M = apiSuite('metrics');

const count = async (b: Parameters<typeof metric>[0], series: string) => (await metric(b, series)) ?? 0;

M('regression: final :: a cancelled SMS counts as final with status="cancelled" (it logs sms-cancelled, not sms-final)', async ({ b, lead }) => {
  const series = 'mail2sms_sms_final_total{connector="unknown",status="cancelled"}';
  const before = await count(b, series);
  const r = await call(b, 'POST', '/api/v1/messages', { auth: lead, body: { to: '+4915112347001', text: 'Später.', sendAt: new Date(Date.now() + 3600_000).toISOString() } });
  const c = await call(b, 'POST', `/api/v1/messages/${r.body.messages[0].id}/cancel`, { auth: lead });
  assert.is(c.status, 200, JSON.stringify(c.body));
  assert.is(await count(b, series), before + 1);
});

M('regression: duplicates :: an SMS held back by duplicate detection by content counts in mail2sms_sms_duplicates_total', async ({ b, lead }) => {
  const series = 'mail2sms_sms_duplicates_total';
  const before = await count(b, series);
  const body = { to: '+4915112347002', text: 'Ihr Termin ist morgen um 9 Uhr.', duplicateDetection: true };
  assert.is((await call(b, 'POST', '/api/v1/messages', { auth: lead, body })).status, 201);
  const again = await call(b, 'POST', '/api/v1/messages', { auth: lead, body });
  assert.is(again.status, 201, JSON.stringify(again.body));
  assert.ok(b.events.some((e) => e.evt === 'sms-duplicate-content'), 'the second is a duplicate by content');
  assert.is(await count(b, series), before + 1);
});

M('regression: refused :: a number with spaces at RCPT (501 5.1.3 NumberWithSpaces) is logged, audited and counted', async ({ b }) => {
  const series = 'mail2sms_refused_total{reason="NumberWithSpaces",stage="rcpt"}';
  const before = await count(b, series);
  const r = await chat(b.port, ['EHLO erp.test', 'MAIL FROM:<erp@acme.test>', 'RCPT TO:<0151 1234567@sms.localhost>']);
  assert.match(r[2].text, /^501 5\.1\.3 /);
  assert.is(await count(b, series), before + 1);
  const logged = b.events.find((e) => e.evt === 'rcpt-refused' && e.error === 'NumberWithSpaces');
  assert.equal({ to: logged?.to, code: logged?.code, ip: logged?.ip, account: logged?.account }, { to: '0151 1234567@sms.localhost', code: 501, ip: '127.0.0.1', account: 'acme' });
  await waitFor('the refusal in the audit log', async () => (await auditLines(b)).some((l) => l.evt === 'rcpt-refused' && l.error === 'NumberWithSpaces'));
});

M('regression: refused :: a SIZE= over smtp.maxMessageSize at MAIL FROM (552 MessageTooBig) is logged, audited and counted', async ({ b }) => {
  const series = 'mail2sms_refused_total{reason="MessageTooBig",stage="mail-from"}';
  const before = await count(b, series);
  const r = await chat(b.port, ['EHLO erp.test', `MAIL FROM:<erp@acme.test> SIZE=${b.config.smtp.maxMessageSize + 1}`]);
  assert.match(r[1].text, /^552 5\.3\.4 /);
  assert.is(await count(b, series), before + 1);
  assert.ok(b.events.some((e) => e.evt === 'mail-from-refused' && e.error === 'MessageTooBig' && e.ip === '127.0.0.1'));
  await waitFor('the refusal in the audit log', async () => (await auditLines(b)).some((l) => l.evt === 'mail-from-refused' && l.error === 'MessageTooBig'));
});

M.run();
