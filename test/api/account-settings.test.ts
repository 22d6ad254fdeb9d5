import * as assert from 'uvu/assert';
import { apiSuite, call } from '../helpers/api.js';
import { readFile } from 'node:fs/promises';
import { waitFor } from '../helpers/bridge.js';
import { auditLines } from '../helpers/audit.js';
import { OPERATOR_HEADER } from '../../src/api/auth.js';
import { operatorFile } from '../../src/api/operator-file.js';
import { mailer, queuedAs } from '../helpers/smtp.js';

/** An account's defaults changed over the API (PATCH /api/v1/accounts/{name}): checked like the configuration, applied to the next mail. */
const D = apiSuite('api account defaults');

D('accounts :: defaults changed over the API apply to the next mail; bad values named, nothing changed', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { maxSegments: 0, notify: 'sometimes' } });
  assert.is(bad.status, 422);
  assert.match(bad.body.detail, /maxSegments/);
  assert.match(bad.body.detail, /notify/);
  const ok = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { defaultCountry: 'AT' } });
  assert.is(ok.body.defaultCountry, 'AT');
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '06641234567@sms.localhost', subject: 'x', text: 'Servus.' });
  const id = queuedAs(info.response);
  const sms = await waitFor('SMS', () => b.sim.sent.find((s) => s.id === `${id}.1`));
  assert.is(sms.to, '+436641234567');
  await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { defaultCountry: null } });
  assert.is(b.accounts.get('acme')?.defaultCountry, 'DE');
  assert.is((await call(b, 'PATCH', '/api/v1/accounts/other', { auth: lead, body: { notify: 'all' } })).status, 404);
});

D('regression: audit :: a change of defaults names who made it, from where and how (API user, command line); a save that changes nothing is not audited', async ({ b, lead }) => {
  const changes = async () => (await auditLines(b)).filter((l) => l.evt === 'account-changed' && (l.keys as string[]).includes('notify'));
  assert.is((await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { notify: 'all' } })).status, 200);
  const line = await waitFor('the change in the audit log', async () => (await changes())[0]);
  assert.equal({ ...line, at: undefined }, { evt: 'account-changed', account: 'acme', keys: ['notify'], user: 'lead', role: 'user', ip: '127.0.0.1', via: 'api', at: undefined });
  assert.is((await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { notify: 'all' } })).status, 200, 'the same again');
  const operator = JSON.parse(await readFile(operatorFile(b.dir), 'utf8')).token;
  const cli = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: `Bearer ${operator}`, body: { notify: null }, headers: { [OPERATOR_HEADER]: 'alice' } });
  assert.is(cli.status, 200, JSON.stringify(cli.body));
  // Lines are written in order: once the operator's is there, a line for the repeat would be too.
  const last = await waitFor('the operator\'s change in the audit log', async () => (await changes()).find((l) => l.via === 'cli'));
  assert.equal([last.keys, last.user, last.person], [['notify'], 'operator', 'alice on the command line']);
  assert.is((await changes()).length, 2, 'the repeated PATCH changed nothing and is not audited');
});

D('accounts :: a user\'s PATCH with an unknown time zone and a country outside the number plan :: 422 naming both with what is allowed, nothing saved, mail still flows', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { timeZone: 'Mars/X', defaultCountry: 'XX' } });
  assert.is(bad.status, 422);
  assert.match(bad.type, /^application\/problem\+json/);
  assert.equal([bad.body.title, bad.body.status], ['InvalidDefaults', 422]);
  assert.equal(bad.body.errors, [
    'timeZone: is "Mars/X"; allowed: an IANA time zone such as "Europe/Berlin"',
    'defaultCountry: is "XX"; allowed: a country of the international number plan by its ISO 3166 code, such as "DE", "AT" or "CH"',
  ]);
  assert.is(bad.body.detail, bad.body.errors.join('; '));
  assert.equal([b.accounts.get('acme')?.timeZone, b.accounts.get('acme')?.defaultCountry], ['Europe/Berlin', 'DE']);
  const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345692@sms.localhost', subject: 'x', text: 'Noch da.' });
  assert.match(info.response, /^250 /);
});

D('accounts :: a team lead\'s signature pattern that could backtrack for ever (review 4c: one froze every account for 44 s) :: 422 naming it, nothing saved; a plain one is taken', async ({ b, lead }) => {
  const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: ['^Mit freundlichen', '^(a+)+$', '^(x)\\1'] } });
  assert.is(bad.status, 422);
  assert.equal(bad.body.errors, [
    'signaturePatterns[1]: is "^(a+)+$"; a repeated group such as (…)+, (…)* or (…){2,} can make matching take exponential time and stop the gateway; repeat single characters or classes instead (\\s+, [-–]+)',
    'signaturePatterns[2]: is "^(x)\\\\1"; a back-reference (\\1, \\k<name>) can make matching take exponential time',
  ]);
  assert.equal(b.accounts.get('acme')?.signaturePatterns, []);
  const ok = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: ['^Mit freundlichen Gr(ü|ue)ßen', '^i\\. ?A\\.\\s+\\w+'] } });
  assert.is(ok.status, 200);
  await call(b, 'PATCH', '/api/v1/accounts/acme', { auth: lead, body: { signaturePatterns: null } });
});

D.run();
