import { readFile, rm } from 'node:fs/promises';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { NetworkMap } from '../../src/accounts/networks.js';
import { exposureWarnings } from '../../src/api/exposure.js';
import { directLocal } from '../../src/api/metrics-access.js';
import { operatorFile } from '../../src/api/operator-file.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { basic, call } from '../helpers/api.js';
import { startTestBridge, withBridge, type TestBridge } from '../helpers/bridge.js';
import { logLines } from '../helpers/log.js';

/** /metrics names every account with its volume: who may read it, over real HTTP on loopback. */
const M = suite('metrics access');

const TOKEN = 'prometheus-scrape-token-0123';
const ACCOUNTS = [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] }];
/** What a reverse proxy on this machine adds to a request it forwards from the network. */
const PROXIED = { 'x-forwarded-for': '203.0.113.9' };

async function scrape(b: TestBridge, headers: Record<string, string> = {}) {
  const r = await call(b, 'GET', '/metrics', { headers });
  return { status: r.status, challenge: r.headers.get('www-authenticate') ?? '', body: String(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)) };
}

M('a local client without credentials reads them; one forwarded by a proxy gets 401 with a challenge', async () => {
  await withBridge({ accounts: ACCOUNTS as never, api: { metrics: { token: TOKEN } } }, async (b) => {
    const local = await scrape(b);
    assert.is(local.status, 200);
    assert.match(local.body, /^mail2sms_queue_depth/m);
    const proxied = await scrape(b, PROXIED);
    assert.is(proxied.status, 401);
    assert.match(proxied.challenge, /Bearer realm="mail2sms"/);
    assert.not.match(proxied.body, /mail2sms_sms_accepted_total/);
    assert.is((await scrape(b, { forwarded: 'for=203.0.113.9' })).status, 401);
  });
});

M('Prometheus\'s bearer token, an admin user and the operator\'s token open them from anywhere; a user of one account gets 403, a wrong token 401', async () => {
  await withBridge({ accounts: ACCOUNTS as never, api: { metrics: { token: TOKEN } } }, async (b) => {
    await b.users.add('root', 'acme', 'admin-password-1', 'admin');
    await b.users.add('lead', 'acme', 'lead-password-1');
    const operator = JSON.parse(await readFile(operatorFile(b.dir), 'utf8')).token;
    assert.is((await scrape(b, { ...PROXIED, authorization: `Bearer ${TOKEN}` })).status, 200);
    assert.is((await scrape(b, { ...PROXIED, authorization: basic('root', 'admin-password-1') })).status, 200);
    assert.is((await scrape(b, { ...PROXIED, authorization: `Bearer ${operator}` })).status, 200);
    const user = await scrape(b, { authorization: basic('lead', 'lead-password-1') });
    assert.is(user.status, 403);
    assert.match(user.body, /only an admin user or the operator/);
    // Wrong credentials are refused even from where none are needed: a stale token should be noticed.
    const wrong = await scrape(b, { authorization: `Bearer ${TOKEN}x` });
    assert.is(wrong.status, 401);
    assert.match(wrong.challenge, /Bearer realm="mail2sms"/);
  });
});

M('unauthenticated "nowhere" refuses the local client; a declared proxy on loopback is not local; "anywhere" opens them', async () => {
  await withBridge({ accounts: ACCOUNTS as never, api: { metrics: { unauthenticated: 'nowhere' } } }, async (b) => {
    assert.is((await scrape(b)).status, 401);
  });
  await withBridge({ accounts: ACCOUNTS as never, api: { trustProxy: ['127.0.0.1'] } }, async (b) => {
    assert.is((await scrape(b)).status, 401);
  });
  await withBridge({ accounts: ACCOUNTS as never, api: { metrics: { unauthenticated: 'anywhere' } } }, async (b) => {
    assert.is((await scrape(b, PROXIED)).status, 200);
  });
});

M('directLocal :: by the socket\'s peer: loopback (also IPv4-mapped) without forwarding headers, not a named proxy', () => {
  const none = new NetworkMap<true>();
  const proxy = new NetworkMap<true>();
  proxy.add('127.0.0.2', true);
  const cases: Array<[string | undefined, Record<string, string>, NetworkMap<true>, boolean]> = [
    ['127.0.0.1', {}, none, true],
    ['::1', {}, none, true],
    ['::ffff:127.0.0.1', {}, none, true],
    ['10.0.0.5', {}, none, false],
    ['192.0.2.1', {}, none, false],
    [undefined, {}, none, false],
    ['127.0.0.1', { 'x-real-ip': '10.0.0.5' }, none, false],
    ['127.0.0.2', {}, proxy, false],
    ['127.0.0.1', {}, proxy, true],
  ];
  for (const [peer, headers, proxies, expected] of cases) assert.is(directLocal(peer, headers, proxies), expected, `${peer} ${JSON.stringify(headers)}`);
});

M('config :: a metrics token shorter than 16 characters is a problem, without its value', () => {
  try {
    buildConfig({ api: { metrics: { token: 'short-secret' } } }, 'x', {});
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ConfigError);
    const p = (e as ConfigError).problems.join('\n');
    assert.match(p, /api\.metrics\.token: at least 16 characters/);
    assert.not.match(p, /short-secret/);
  }
});

M('exposureWarnings :: beyond loopback, "anywhere" and plain cookies are warned of; on loopback, a TLS proxy api.trustProxy does not name', () => {
  const at = (host: string, unauthenticated: string, secureCookies: boolean, trustProxy: string[] = []) =>
    exposureWarnings({ host, secureCookies, trustProxy, metrics: { token: '', unauthenticated: unauthenticated as never } }).map((w) => w.setting);
  const cases: Array<[ReturnType<typeof at>, string[]]> = [
    [at('0.0.0.0', 'anywhere', true), ['api.metrics.unauthenticated']],
    [at('::', 'anywhere', false), ['api.secureCookies', 'api.metrics.unauthenticated']],
    [at('192.0.2.1', 'loopback', true), []],
    [at('0.0.0.0', 'loopback', true), []],
    [at('127.0.0.2', 'anywhere', false), []],
    [at('127.0.0.1', 'loopback', false), []], // plain cookies: no TLS proxy need be in front
    [at('127.0.0.1', 'loopback', true), ['api.trustProxy']],
    [at('localhost', 'loopback', true, ['10.0.0.0/8']), ['api.trustProxy']],
    [at('127.0.0.1', 'loopback', true, ['127.0.0.1']), []],
    [at('::1', 'loopback', true, ['::1']), []],
    [at('127.0.0.1', 'loopback', true, ['127.0.0.0/8']), []],
    [at('127.0.0.1', 'nowhere', true), []],
  ];
  cases.forEach(([got, expected], i) => assert.equal(got, expected, `case ${i + 1}`));
});

M('start :: a loopback API with secureCookies whose proxy api.trustProxy does not name warns, at warn, that the proxy\'s requests read /metrics; named, it is not local and nothing is warned', async () => {
  // Only on 127.0.0.1: the warnings of an API beyond loopback (0.0.0.0) are the same function's, tested above without
  // listening there, which would open this test's /metrics to the network while it runs.
  for (const [trustProxy, warned, local] of [[[], ['api.trustProxy'], 200], [['127.0.0.1'], [], 401]] as Array<[string[], string[], number]>) {
    const { lines, log } = logLines();
    const b = await startTestBridge({ accounts: ACCOUNTS as never, api: { host: '127.0.0.1', secureCookies: true, trustProxy } }, undefined, { log });
    try {
      const exposed = lines.filter((l) => l.evt === 'api-exposed');
      assert.equal(exposed.map((l) => l.setting), warned, JSON.stringify(trustProxy));
      for (const l of exposed) {
        assert.is(l.level, 40, 'at warn');
        assert.match(l.warning, /a request it forwards without X-Forwarded-For looks local and reads \/metrics without credentials .*name the proxy in api\.trustProxy/);
      }
      // What the warning says: a proxy on this machine forwarding without a header is taken for a local client until it is named.
      assert.is((await scrape(b)).status, local);
    } finally {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
  }
});

M.run();
