import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { portalForm, portalPage, portalSession } from '../helpers/api.js';
import { startTestBridge, stopTestBridge, type TestBridge } from '../helpers/bridge.js';

/** An account's default options in the portal, on a gateway with quiet hours of its own (options.quietHours), over real HTTP. */
const A = suite<{ b: TestBridge; s: { cookie: string; csrf: string } }>('portal account routes');

A.before(async (ctx) => {
  ctx.b = await startTestBridge({ options: { quietHours: { from: '20:00', to: '08:00' } }, accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }] as never });
  await ctx.b.users.add('lead', 'acme', 'lead-password-1');
  ctx.s = await portalSession(ctx.b, 'lead', 'lead-password-1');
});
A.after(async (ctx) => {
  await stopTestBridge(ctx.b);
});

const quietField = (html: string) => /<textarea id="f-quietHours" name="quietHours" rows="3">([^<]*)<\/textarea>/.exec(html)?.[1];
/** Every field of the form as the page shows it: what a browser sends when nothing is touched. */
const asShown = (html: string) => Object.fromEntries([
  ...[...html.matchAll(/<textarea id="f-(\w+)" name="\w+" rows="3">([^<]*)<\/textarea>/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]),
  ...[...html.matchAll(/<input id="f-(\w+)" name="\w+" [^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]),
]);

A('quiet hours {} :: the account\'s "none" shows as {}, not as the empty field of "not set"; saving the page keeps it; emptied, the gateway\'s apply again', async ({ b, s }) => {
  const inherited = (await portalPage(b, '/accounts/acme', s.cookie)).html;
  assert.match(quietField(inherited) ?? '', /20:00/, 'not set: the gateway\'s shown');

  assert.is((await portalForm(b, '/accounts/acme', { _csrf: s.csrf, quietHours: '{}' }, s.cookie)).status, 303);
  assert.is(b.accounts.get('acme')?.quietHours?.from ?? '', '', 'none for this account');
  const none = (await portalPage(b, '/accounts/acme', s.cookie)).html;
  assert.is(quietField(none), '{}');

  assert.is((await portalForm(b, '/accounts/acme', { _csrf: s.csrf, ...asShown(none), description: 'Acme, quiet never' }, s.cookie)).status, 303);
  assert.is(b.accounts.get('acme')?.description, 'Acme, quiet never');
  assert.is(b.accounts.get('acme')?.quietHours?.from ?? '', '', 'still none after the page was saved');
  assert.is(quietField((await portalPage(b, '/accounts/acme', s.cookie)).html), '{}');

  assert.is((await portalForm(b, '/accounts/acme', { _csrf: s.csrf, quietHours: '' }, s.cookie)).status, 303);
  assert.is(b.accounts.get('acme')?.quietHours?.from, '20:00', 'emptied: the gateway\'s');
});

A.run();
