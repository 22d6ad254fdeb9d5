import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';
import { waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';
import { HANDSET, LOGIN, OUR_NUMBER, remind, withSmsc } from '../helpers/replies.js';

/**
 * An account switches the forwarding of handsets' replies itself, as it
 * changes its other default options: PATCH /api/v1/accounts/<name> and the
 * portal's page of the account. The operator's configuration is the
 * default and the limit: switched off there, no account can switch it on.
 */
const A = suite('accounts :: forwardReplies changed at run time');

const unmatched = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-unmatched');
const received = (b: TestBridge) => b.events.filter((e) => e.evt === 'sms-reply-received');

async function lead(b: TestBridge): Promise<string> {
  await b.users.add('lead', 'acme', 'lead-password-1');
  return bearer(b, 'lead', 'lead-password-1');
}

/** The portal's account form, posted as a browser does, with the session's CSRF token. */
async function postForm(b: TestBridge, fields: Record<string, string>): Promise<Response> {
  const cookie = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
  const page = await (await fetch(`${apiBase(b)}/accounts/acme`, { headers: { cookie, accept: 'text/html' } })).text();
  assert.match(page, /<label for="f-forwardReplies">Forward replies from handsets by mail<\/label>/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  return fetch(`${apiBase(b)}/accounts/acme`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
}

A('PATCH :: false stops forwarding the account\'s replies from the next reply on; null restores the configured value; the portal\'s form switches it too', () =>
  withSmsc({}, async (sim, b) => {
    const auth = await lead(b);
    const off = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { forwardReplies: false } });
    assert.is(off.status, 200, JSON.stringify(off.body));
    assert.equal([off.body.forwardReplies, off.body.editable.includes('forwardReplies')], [false, true]);
    await remind(b, sim);
    const mo = (text: string) => sim.sendMo({ systemId: LOGIN.systemId, from: HANDSET, to: OUR_NUMBER.slice(1), text });
    assert.is(await mo('Hallo?'), 0);
    assert.match(String(unmatched(b).at(-1)?.reason), /account "acme" does not forward replies/);
    const back = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { forwardReplies: null } });
    assert.is(back.body.forwardReplies, true, 'inbound.forward.enabled (on by default) again');
    assert.is(await mo('Bezahlt'), 0);
    assert.is(received(b).length, 1);

    const saved = await postForm(b, { forwardReplies: 'off' });
    assert.is(saved.status, 303);
    await waitFor('the change applied', () => b.accounts.get('acme')?.forwardReplies === false);
    assert.is(await mo('Noch eine Frage'), 0);
    assert.is(received(b).length, 1);
  }));

A('PATCH :: the operator switched forwarding off (inbound.forward.enabled: false) :: true is refused with 422 saying so, nothing saved; false is taken; the portal refuses "on" alike', () =>
  withBridge({ inbound: { forward: { enabled: false } }, accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] }, async (b) => {
    const auth = await lead(b);
    const refused = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { forwardReplies: true } });
    assert.is(refused.status, 422);
    assert.match(refused.type, /^application\/problem\+json/);
    assert.equal([refused.body.title, refused.body.errors], ['InvalidDefaults', [
      'forwardReplies: cannot be switched on: the operator has turned forwarding of replies off (inbound.forward.enabled is false); only the operator can change that, in the configuration file',
    ]]);
    assert.is(b.accounts.get('acme')?.forwardReplies, false);
    const stored = JSON.parse(await readFile(join(b.dir, 'settings.json'), 'utf8').catch(() => '{}')) as { accounts?: object };
    assert.equal(stored.accounts ?? {}, {}, 'nothing saved');
    const off = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { forwardReplies: false } });
    assert.equal([off.status, off.body.forwardReplies], [200, false]);
    const page = await postForm(b, { forwardReplies: 'on' });
    assert.is(page.status, 422);
    assert.match(await page.text(), /forwardReplies: cannot be switched on: the operator has turned forwarding of replies off/);
  }));

A('PATCH :: a value that is no boolean :: 422 naming the key and what is allowed, nothing saved', () =>
  withBridge({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }] }, async (b) => {
    const auth = await lead(b);
    const bad = await call(b, 'PATCH', '/api/v1/accounts/acme', { auth, body: { forwardReplies: 'yes' } });
    assert.is(bad.status, 422);
    assert.equal([bad.body.title, bad.body.errors], ['InvalidDefaults', ['forwardReplies: is "yes"; allowed: a value of type boolean']]);
    assert.is(b.accounts.get('acme')?.forwardReplies, true);
  }));

A.run();
