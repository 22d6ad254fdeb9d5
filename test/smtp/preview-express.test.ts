import { rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { basic, call } from '../helpers/api.js';
import { outboxFiles, startTestBridge, type TestBridge } from '../helpers/bridge.js';
import { mailer } from '../helpers/smtp.js';

/**
 * A preview tells what the 250 of a send would: for an account without
 * allowExpress, that express would go as a normal SMS, and the billing
 * code the SMS would be billed to — by mail (X-SMS-Preview, preview@) and
 * from POST /api/v1/messages/preview.
 */
const S = suite<{ b: TestBridge }>('preview :: express not allowed, billing code');
const SENTENCE = 'sent as a normal SMS: express was asked for, but this account may not send express SMS (ask your administrator)';

S.before(async (ctx) => {
  ctx.b = await startTestBridge({ accounts: [{ name: 'bulk', networks: ['127.0.0.0/8'], addresses: [], allowExpress: false }] as never });
  await ctx.b.users.add('runner', 'bulk', 'runner-password-1');
});
S.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

S('mail :: [QOS:EXPRESS] [BC:…] with X-SMS-Preview :: the 250 ends with the 250\'s sentence; the answer says normal and names the billing code', async ({ b }) => {
  const info = await mailer(b.port).sendMail({
    from: 'erp@bulk.test', to: '+4915112345931@sms.localhost', subject: 'Angebot [QOS:EXPRESS] [BC:KST 4711]', text: 'Nur heute.', headers: { 'X-SMS-Preview': 'yes' },
  });
  assert.match(info.response, /^250 2\.0\.0 preview only, nothing was sent: 1 SMS part, GSM 7-bit, 10 characters; (.*); the preview went to <erp@bulk\.test>$/);
  assert.ok(info.response.includes(`; ${SENTENCE}; the preview went to`), info.response);
  const files = await outboxFiles(b);
  const text = (await simpleParser(files.get([...files.keys()].find((n) => n.startsWith('preview.'))!)!)).text ?? '';
  assert.match(text, /Options in your mail: .*billing code KST 4711/);
  assert.match(text, /express asked for, but your account may not send express SMS: it would go as a normal SMS/);
  assert.not.match(text, /express \(ahead of normal SMS waiting\)/);
  assert.is(b.sim.sent.length, 0);
});

S('REST API :: priority express and billingCode :: notes carries the 250\'s sentence, options the billing code', async ({ b }) => {
  const r = await call(b, 'POST', '/api/v1/messages/preview', { auth: basic('runner', 'runner-password-1'), body: { to: '+4915112345932', text: 'Nur heute.', priority: 'express', billingCode: 'KST 4711' } });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.notes, [SENTENCE]);
  assert.is(r.body.options.billingCode, 'KST 4711');
  const plain = await call(b, 'POST', '/api/v1/messages/preview', { auth: basic('runner', 'runner-password-1'), body: { to: '+4915112345932', text: 'Nur heute.' } });
  assert.not.ok('notes' in plain.body, 'no notes without express');
});

S.run();
