import type { Test } from 'uvu';
import { startTestBridge, stopTestBridge, type TestBridge, type TestBridgeExtras } from './bridge.js';
import { suite } from './suite.js';

/** The portal and API of a test bridge over real HTTP on loopback. */
export function apiBase(b: TestBridge): string {
  if (!b.api) throw new Error('the test bridge has no API');
  return `http://127.0.0.1:${b.api.port}`;
}

export interface JsonReply<T = any> {
  status: number;
  type: string;
  body: T;
  headers: Headers;
}

/** fetch with JSON in and out; `auth` is "Bearer …" or "Basic …". */
export async function call<T = any>(b: TestBridge, method: string, path: string, opts: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonReply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.authorization = opts.auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(apiBase(b) + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, type, headers: res.headers, body: (type.includes('json') && text ? JSON.parse(text) : text) as T };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Logs in through the API and returns the Authorization header value. */
export async function bearer(b: TestBridge, user: string, password: string): Promise<string> {
  const r = await call(b, 'POST', '/api/v1/login', { body: { user, password } });
  if (r.status !== 200) throw new Error(`login of ${user} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return `Bearer ${r.body.token}`;
}

/** The Set-Cookie of `name` as a Cookie header value ("name=value"), or "". */
export const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0] ?? '';

/** Logs in through the portal's form, as a browser does; the answer carries the session cookie (m2s_session). */
export async function portalLogin(b: TestBridge, user: string, password: string, next = '/'): Promise<Response> {
  const login = await fetch(apiBase(b) + '/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
  return fetch(apiBase(b) + '/login', {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(login, 'm2s_login'), accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, user, password, next }).toString(),
  });
}

export interface ApiContext {
  b: TestBridge;
  /** Authorization of lead, a user of account acme. */
  lead: string;
  /** Of stranger, a user of account other. */
  other: string;
  /** Of root, an admin (of acme). */
  admin: string;
}

/** Account acme (mail from 127.0.0.0/8 and @acme.test) and account other (::1 only). */
const ACCOUNTS = [
  { name: 'acme', networks: ['127.0.0.0/8'], addresses: ['@acme.test'] },
  { name: 'other', networks: ['::1/128'], addresses: [] },
];

/**
 * A suite on a bridge of two accounts with a user logged in for each and an admin: lead-password-1, other-password-1, admin-password-1.
 * `dispatch` and `extras` (connectors of its own …) as startTestBridge takes them.
 */
export function apiSuite(name: string, more: { dispatch?: Record<string, unknown>; extras?: TestBridgeExtras } = {}): Test<ApiContext> {
  const s = suite<ApiContext>(name);
  s.before(async (ctx) => {
    // Failed logins here all come from 127.0.0.1: a short delay spares the suites seconds of waiting for it (auth.test tests the delay).
    ctx.b = await startTestBridge({ accounts: ACCOUNTS as never, smtp: { auth: { failureDelayMs: 1, maxFailureDelayMs: 5 } }, ...(more.dispatch ? { dispatch: more.dispatch } : {}) }, undefined, more.extras);
    await ctx.b.users.add('lead', 'acme', 'lead-password-1');
    await ctx.b.users.add('stranger', 'other', 'other-password-1');
    await ctx.b.users.add('root', 'acme', 'admin-password-1', 'admin');
    ctx.lead = await bearer(ctx.b, 'lead', 'lead-password-1');
    ctx.other = await bearer(ctx.b, 'stranger', 'other-password-1');
    ctx.admin = await bearer(ctx.b, 'root', 'admin-password-1');
  });
  s.after(async (ctx) => {
    await stopTestBridge(ctx.b);
  });
  return s;
}

/** A portal page as a browser asks for it (with the session cookie, for HTML); redirects are not followed. */
export async function portalPage(b: TestBridge, path: string, cookie: string): Promise<{ status: number; html: string; res: Response }> {
  const res = await fetch(apiBase(b) + path, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
  return { status: res.status, html: await res.text(), res };
}

/** A form post as the portal's pages make it (urlencoded, asking for HTML); `headers` adds what a browser would (Origin …). */
export function portalForm(b: TestBridge, path: string, fields: Record<string, string>, cookie: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(apiBase(b) + path, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Logs in through the portal and reads a page: the session cookie and the CSRF token its forms carry. */
export async function portalSession(b: TestBridge, user: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const cookie = cookieOf(await portalLogin(b, user, password), 'm2s_session');
  if (!cookie) throw new Error(`portal login of ${user} failed`);
  const { html } = await portalPage(b, '/', cookie);
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1] };
}
