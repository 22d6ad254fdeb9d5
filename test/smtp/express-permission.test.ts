import nodemailer from 'nodemailer';
import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { bearer, call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';
import { queuedAs } from '../helpers/smtp.js';

/**
 * accounts[].allowExpress: an account that may not send express SMS (a bulk
 * account of a shared gateway) has them sent as normal ones, never refused,
 * and is told so; only the operator's configuration can allow it.
 */
const BULK = '127.0.0.2';
const ACME = '127.0.0.3';
const NOTE = 'sent as a normal SMS: express was asked for, but this account may not send express SMS (ask your administrator)';

const X = suite<{ b: TestBridge; bulkUser: string }>('express permission');
X.before(async (ctx) => {
  ctx.b = await startTestBridge({
    accounts: [
      { name: 'bulk', networks: [BULK], addresses: ['@bulk.test'], allowExpress: false },
      { name: 'acme', networks: [ACME], addresses: ['@acme.test'] },
    ] as never,
  });
  await ctx.b.users.add('mailer', 'bulk', 'bulk-password-1');
  ctx.bulkUser = await bearer(ctx.b, 'mailer', 'bulk-password-1');
});
X.after(async ({ b }) => {
  await b.stop();
  await rm(b.dir, { recursive: true, force: true });
});

function send(b: TestBridge, local: string, from: string, to: string, headers: Record<string, string>, subject = 'Erinnerung') {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: b.port, secure: false, ignoreTLS: true, localAddress: local });
  return t.sendMail({ from, to: `${to}@sms.localhost`, subject, text: 'Bitte zahlen Sie bis Freitag.', headers });
}
const idOf = (response: string) => `${queuedAs(response)}.1`;

X('a mail of high importance from an account without express :: 250, sent as a normal SMS, the 250 and the history say so', async ({ b }) => {
  const r = await send(b, BULK, 'clerk@bulk.test', '+4915112345911', { Importance: 'high', 'X-Priority': '1' });
  assert.match(r.response, new RegExp(`^250 2\\.0\\.0 queued as \\w+ \\(1 SMS\\); ${NOTE.replace(/[().[\]]/g, '\\$&')}$`));
  const id = idOf(r.response);
  const sent = await waitFor('handed over', () => b.sim.sent.find((s) => s.id === id));
  assert.is(sent.priority, undefined);
  assert.is(b.store.get(id)!.history[0].reason, NOTE);
});

X('[QOS:EXPRESS] or X-SMS-Priority from an account allowed express (the default) :: express as before, nothing said', async ({ b }) => {
  const tag = await send(b, ACME, 'clerk@acme.test', '+4915112345912', {}, '[QOS:EXPRESS] Warnung');
  const header = await send(b, ACME, 'erp@acme.test', '+4915112345913', { 'X-SMS-Priority': 'express' });
  for (const r of [tag, header]) assert.match(r.response, /^250 2\.0\.0 queued as \w+ \(1 SMS\)$/);
  const sent = await waitFor('both handed over', () => {
    const found = [tag, header].map((r) => b.sim.sent.find((s) => s.id === idOf(r.response)));
    return found.every(Boolean) ? found : undefined;
  });
  assert.equal(sent.map((s) => s!.priority), ['express', 'express']);
  const bulkTag = await send(b, BULK, 'clerk@bulk.test', '+4915112345914', {}, '[QOS:EXPRESS] Warnung');
  assert.ok(bulkTag.response.endsWith(NOTE), bulkTag.response);
});

X('REST API :: priority express from an account without express is sent as normal and the answer says so; the account cannot allow itself', async ({ b, bulkUser }) => {
  const r = await call(b, 'POST', '/api/v1/messages', { auth: bulkUser, body: { to: '+4915112345915', text: 'Eilt.', priority: 'express' } });
  assert.is(r.status, 201, JSON.stringify(r.body));
  assert.equal([r.body.notes, r.body.messages[0].priority], [[NOTE], 'normal']);
  const patch = await call(b, 'PATCH', '/api/v1/accounts/bulk', { auth: bulkUser, body: { allowExpress: true } });
  assert.is(patch.status, 422, JSON.stringify(patch.body));
  assert.match(patch.body.detail, /allowExpress: cannot be changed at run time/);
  const view = (await call(b, 'GET', '/api/v1/accounts', { auth: bulkUser })).body.find((a: { name: string }) => a.name === 'bulk');
  assert.equal([view.allowExpress, view.editable.includes('allowExpress')], [false, false]);
  const again = await call(b, 'POST', '/api/v1/messages', { auth: bulkUser, body: { to: '+4915112345916', text: 'Eilt.', priority: 'express' } });
  assert.equal(again.body.messages[0].priority, 'normal');
});

X.run();
