import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { apiBase, bearer, call, cookieOf, portalLogin } from '../helpers/api.js';
import { startTestBridge, type TestBridge } from '../helpers/bridge.js';

/** Portal and API logins across a restart of the bridge on the same store (<store.dir>/sessions.json). */
const S = suite('sessions across restarts');

const config = { accounts: [{ name: 'acme', networks: ['127.0.0.0/8'], addresses: [] }], api: { sessionHours: 1 } } as never;

const page = (b: TestBridge, path: string, cookie: string) => fetch(apiBase(b) + path, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
const csrfOf = async (res: Response) => /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
const sessionsFile = async (b: TestBridge) => JSON.parse(await readFile(join(b.dir, 'sessions.json'), 'utf8')) as { sessions: Record<string, { user: string; expires: string }> };

/** Runs `fn` with a bridge on `dir`, stopping it after (a restart is the next call on the same dir). */
async function run<T>(dir: string | undefined, fn: (b: TestBridge) => Promise<T>, now?: () => Date): Promise<{ dir: string; out: T }> {
  const b = await startTestBridge(config, dir, { now });
  try {
    return { dir: b.dir, out: await fn(b) };
  } finally {
    await b.stop();
  }
}

S('restart :: a portal cookie and an API token stay logged in, with the same CSRF token; the file holds digests, never a token', async () => {
  let dir: string | undefined;
  try {
    const first = await run(undefined, async (b) => {
      await b.users.add('lead', 'acme', 'lead-password-1');
      const cookie = cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
      const csrf = await csrfOf(await page(b, '/', cookie));
      return { cookie, csrf, auth: await bearer(b, 'lead', 'lead-password-1') };
    });
    dir = first.dir;
    const { cookie, csrf, auth } = first.out;
    const file = await readFile(join(dir, 'sessions.json'), 'utf8');
    const tokens = [cookie.split('=')[1], auth.split(' ')[1]];
    for (const t of tokens) {
      assert.not.ok(file.includes(t), 'no raw token on disk');
      assert.ok(file.includes(createHash('sha256').update(t).digest('base64url')), 'the token\'s digest is the key');
    }
    assert.is((await stat(join(dir, 'sessions.json'))).mode & 0o777, 0o600);

    await run(dir, async (b) => {
      const home = await page(b, '/', cookie);
      assert.is(home.status, 200, 'the portal cookie still opens the dashboard');
      assert.is(await csrfOf(home), csrf, 'forms rendered before the restart still post');
      const saved = await fetch(apiBase(b) + '/accounts/acme', {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, notify: 'all' }).toString(),
      });
      assert.is(saved.status, 303);
      const me = await call(b, 'GET', '/api/v1/me', { auth });
      assert.is(me.status, 200);
      assert.is(me.body.name, 'lead');
    });
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

S('restart :: a session that expired while the bridge was down is refused and dropped from the file', async () => {
  let dir: string | undefined;
  try {
    const first = await run(undefined, async (b) => {
      await b.users.add('lead', 'acme', 'lead-password-1');
      return cookieOf(await portalLogin(b, 'lead', 'lead-password-1'), 'm2s_session');
    });
    dir = first.dir;
    assert.is(Object.keys((await sessionsFile({ dir } as TestBridge)).sessions).length, 1);
    // Two hours later, with sessionHours 1.
    const later = () => new Date(Date.now() + 2 * 3600_000);
    await run(dir, async (b) => {
      assert.equal((await sessionsFile(b)).sessions, {}, 'expired sessions are not carried on');
      const home = await page(b, '/', first.out);
      assert.is(home.status, 303);
      assert.match(home.headers.get('location') ?? '', /^\/login/);
    }, later);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

S('restart :: a logged-out token and a removed user\'s session do not come back', async () => {
  let dir: string | undefined;
  try {
    const first = await run(undefined, async (b) => {
      await b.users.add('lead', 'acme', 'lead-password-1');
      await b.users.add('temp', 'acme', 'temp-password-1');
      const kept = await bearer(b, 'lead', 'lead-password-1');
      const removed = await bearer(b, 'temp', 'temp-password-1');
      const out = await bearer(b, 'lead', 'lead-password-1');
      await b.users.remove('temp');
      // The last change before the stop: the logout itself must be on disk.
      assert.is((await call(b, 'POST', '/api/v1/logout', { auth: out })).status, 204);
      return { out, kept, removed };
    });
    dir = first.dir;
    await run(dir, async (b) => {
      assert.is((await call(b, 'GET', '/api/v1/me', { auth: first.out.out })).status, 401, 'logged out before the restart');
      assert.is((await call(b, 'GET', '/api/v1/me', { auth: first.out.removed })).status, 401, 'the user was removed');
      assert.is((await call(b, 'GET', '/api/v1/me', { auth: first.out.kept })).status, 200, 'the other session of the same user is kept');
    });
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

S('restart :: an unreadable sessions file logs everybody out, is said in the log, and does not stop the bridge', async () => {
  const b = await startTestBridge(config);
  const dir = b.dir;
  try {
    await b.stop();
    await writeFile(join(dir, 'sessions.json'), '{"version":1,"sess');
    await run(dir, async (b2) => {
      assert.ok(b2.events.some((e) => e.evt === 'sessions-unreadable'));
      await b2.users.add('lead', 'acme', 'lead-password-1');
      assert.is((await call(b2, 'GET', '/api/v1/me', { auth: await bearer(b2, 'lead', 'lead-password-1') })).status, 200, 'a new login works and replaces the file');
      assert.is(Object.keys((await sessionsFile(b2)).sessions).length, 1);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();
