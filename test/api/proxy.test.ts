import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config/load.js';
import { call } from '../helpers/api.js';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge.js';

/**
 * api.trustProxy: behind a reverse proxy every request comes from the
 * proxy's address. Only a listed proxy's X-Forwarded-For names the client,
 * for the login throttle, the logs and the audit log; anybody else's is
 * ignored, or a guesser could pick a fresh address for every try.
 */
const T = suite<{ trusted: TestBridge; plain: TestBridge }>('api.trustProxy');

const config = (trustProxy: string[]) => ({
  accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }],
  smtp: { auth: { maxFailuresPerIp: 2, failureDelayMs: 1, maxFailureDelayMs: 5 } },
  api: { trustProxy },
}) as never;

const xff = (value: string) => ({ 'x-forwarded-for': value });
const loginAs = (b: TestBridge, password: string, forwarded?: string) =>
  call(b, 'POST', '/api/v1/login', { body: { user: 'lead', password }, headers: forwarded ? xff(forwarded) : {} });

async function auditLine(b: TestBridge, match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return waitFor('the audit line', async () => {
    const dir = join(b.dir, 'audit');
    const files = await readdir(dir).catch(() => [] as string[]);
    const text = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find(match);
  });
}

T.before(async (ctx) => {
  ctx.trusted = await startTestBridge(config(['127.0.0.1']));
  ctx.plain = await startTestBridge(config([]));
  for (const b of [ctx.trusted, ctx.plain]) await b.users.add('lead', 'acme', 'lead-password-1');
});
T.after(async (ctx) => {
  for (const b of [ctx.trusted, ctx.plain]) {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

T('trusted :: the login and the SMS it sends are audited with the address the proxy names', async ({ trusted: b }) => {
  const r = await loginAs(b, 'lead-password-1', '203.0.113.7');
  assert.is(r.status, 200);
  const login = await auditLine(b, (l) => l.evt === 'login-succeeded');
  assert.equal([login.user, login.account, login.ip, login.via], ['lead', 'acme', '203.0.113.7', 'api']);
  const sent = await call(b, 'POST', '/api/v1/messages', { auth: `Bearer ${r.body.token}`, body: { to: '+4915112345601', text: 'Hallo.' }, headers: xff('203.0.113.7') });
  assert.is(sent.status, 201);
  assert.is(sent.body.messages[0].origin.remoteAddress, '203.0.113.7');
  const accepted = await auditLine(b, (l) => l.evt === 'sms-accepted');
  assert.equal([accepted.user, accepted.ip, accepted.via], ['lead', '203.0.113.7', 'api']);
});

T('trusted :: of a chain, the client is the hop the trusted proxy names, not what the client claims before it', async ({ trusted: b }) => {
  assert.is((await loginAs(b, 'lead-password-1', '198.51.100.1, 203.0.113.20')).status, 200);
  const login = await auditLine(b, (l) => l.evt === 'login-succeeded' && l.ip !== '203.0.113.7');
  assert.is(login.ip, '203.0.113.20');
});

T('trusted :: the throttle locks out the forwarded client, not the proxy and everybody behind it', async ({ trusted: b }) => {
  for (let i = 0; i < 2; i++) assert.is((await loginAs(b, `guess-${i}`, '203.0.113.8')).status, 401);
  const locked = await loginAs(b, 'lead-password-1', '203.0.113.8');
  assert.is(locked.status, 429);
  assert.match(locked.body.detail, /too many failed logins from 203\.0\.113\.8;/);
  assert.equal(Number(locked.headers.get('retry-after')), locked.body.retryAfter, 'Retry-After: the seconds until it may log in again');
  assert.ok(locked.body.retryAfter > 0);
  assert.is((await loginAs(b, 'lead-password-1', '203.0.113.9')).status, 200, 'another client behind the same proxy');
  assert.is((await loginAs(b, 'lead-password-1')).status, 200, 'the proxy itself');
  const failed = await auditLine(b, (l) => l.evt === 'login-failed');
  assert.equal([failed.user, failed.ip], ['lead', '203.0.113.8']);
  assert.is((await auditLine(b, (l) => l.evt === 'login-locked')).ip, '203.0.113.8');
});

T('untrusted (default) :: X-Forwarded-For is ignored: the throttle and the audit see the connection\'s address', async ({ plain: b }) => {
  for (let i = 0; i < 2; i++) assert.is((await loginAs(b, `guess-${i}`, `203.0.113.${30 + i}`)).status, 401);
  const locked = await loginAs(b, 'lead-password-1', '203.0.113.40');
  assert.is(locked.status, 429, 'a fresh forwarded address does not escape the lock');
  assert.match(locked.body.detail, /too many failed logins from 127\.0\.0\.1;/);
  const failed = await auditLine(b, (l) => l.evt === 'login-failed');
  assert.is(failed.ip, '127.0.0.1');
});

T('config :: an entry that is no address or network is refused at start, named', () => {
  try {
    buildConfig({ api: { trustProxy: ['127.0.0.1', 'proxy.example'] } }, 'test');
    assert.unreachable('accepted');
  } catch (e) {
    assert.match((e as Error).message, /api\.trustProxy\[1\]: "proxy\.example" is not an IP address or CIDR range/);
  }
});

T.run();
