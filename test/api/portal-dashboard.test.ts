import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';
import { waitFor, withBridge, type TestBridge } from '../helpers/bridge.js';

/** Whose figures the portal's dashboard shows: a user their account's, an admin the gateway's with its connectors. */
const D = suite('portal dashboard');

const ACCOUNTS = [
  { name: 'acme', networks: ['127.0.0.0/8'], addresses: [] },
  { name: 'beta', networks: ['::1/128'], addresses: [] },
];

async function dashboard(b: TestBridge, user: string, password: string): Promise<string> {
  const cookie = cookieOf(await portalLogin(b, user, password), 'm2s_session');
  const res = await fetch(apiBase(b) + '/', { headers: { cookie, accept: 'text/html' } });
  assert.is(res.status, 200);
  return res.text();
}

const todayCount = (html: string) => /data-metric="today-messages">(\d+)</.exec(html)?.[1];

D('a user sees their own account\'s figures and no connectors; an admin every account\'s and the connectors with what they took', async () => {
  await withBridge({ accounts: ACCOUNTS as never }, async (b) => {
    await b.users.add('lead', 'acme', 'lead-password-1');
    await b.users.add('beta-lead', 'beta', 'beta-password-1');
    await b.users.add('root', 'acme', 'admin-password-1', 'admin');
    const send = async (auth: string, to: string) => (await call(b, 'POST', '/api/v1/messages', { auth, body: { to, text: 'Zählt.' } })).body.messages[0].id as string;
    const acme = await bearer(b, 'lead', 'lead-password-1');
    const beta = await bearer(b, 'beta-lead', 'beta-password-1');
    const ids = [await send(acme, '+4915112345601'), await send(acme, '+4915112345602'), await send(beta, '+4915112345603')];
    await waitFor('all three handed over', () => ids.every((id) => b.store.get(id)?.history.some((e) => e.status === 'submitted')));

    const lead = await dashboard(b, 'lead', 'lead-password-1');
    assert.is(todayCount(lead), '2');
    assert.not.match(lead, /<table class="connectors">|<h2>Connectors<\/h2>/);
    assert.not.match(lead, /<td>3 \/ 3<\/td>/, 'no gateway-wide count of SMS taken');
    assert.is(todayCount(await dashboard(b, 'beta-lead', 'beta-password-1')), '1');

    const root = await dashboard(b, 'root', 'admin-password-1');
    assert.is(todayCount(root), '3');
    const row = /<tr><td>simulator<\/td>[\s\S]*?<\/tr>/.exec(root.slice(root.indexOf('<table class="connectors">')))?.[0] ?? '';
    assert.match(row, /<td>3 \/ 3<\/td>/, row);
  });
});

D.run();
