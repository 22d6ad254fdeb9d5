import { rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, cookieOf, portalLogin } from '../helpers/api.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';

/**
 * A portal form behind a TLS proxy: the browser's Origin names the public
 * host, while the proxy may speak to us with its own Host header. With the
 * proxy in api.trustProxy its X-Forwarded-Host is our host; from anybody
 * else that header means nothing, and such a form is another site's.
 */
const O = suite('portal origin check behind a proxy');

const config = (trustProxy: string[]) => ({ accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }], api: { trustProxy } }) as never;

async function postFromPublicPage(b: TestBridge): Promise<number> {
  const cookie = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
  const page = await fetch(apiBase(b) + '/', { headers: { cookie, accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(apiBase(b) + '/logout', {
    method: 'POST', redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html',
      origin: 'https://sms.example.com', 'x-forwarded-host': 'sms.example.com', 'x-forwarded-proto': 'https',
    },
    body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  return res.status;
}

for (const [what, trust, forbidden] of [['trusted proxy :: its X-Forwarded-Host is our host, the form is ours', ['127.0.0.1'], false], ['no trusted proxy :: the header is ignored, the form is another site\'s (403)', [], true]] as const) {
  O(what, async () => {
    const b = await startTestBridge(config([...trust]));
    try {
      await b.users.add('lead', 'acme', 'lead-password-1');
      const status = await postFromPublicPage(b);
      assert.is(status === 403, forbidden, `status ${status}`);
    } finally {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
  });
}

O.run();
