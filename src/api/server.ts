import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { replaceFile } from '../store/durable.js';
import { operatorFile, type OperatorFile } from './operator-file.js';
import { sameSecret, type Principal } from './auth.js';
import { apiRoutes } from './api-routes.js';
import { challengeOn401 } from './challenge.js';
import { refuseCrossSite } from './cross-site.js';
import { exposureWarnings } from './exposure.js';
import { buildContext, login, type ApiContext, type ApiDeps } from './context.js';
import { SESSION_COOKIE } from './portal-kit.js';
import { portalRoutes } from './portal-routes.js';
import { explainBadJson } from './json-body.js';
import { metricsGuard } from './metrics-access.js';
import { Problem, sendProblem, toProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** How the principal was established: a cookie only counts for safe methods and CSRF-checked forms. */
    authBy?: 'cookie' | 'header';
    /** The CSRF token of the cookie session. */
    csrf?: string;
  }
}

export interface ApiServer {
  address: AddressInfo;
  close(): Promise<void>;
}

/** Builds the portal and REST API and listens (config.api.host:port). */
export async function startApi(deps: ApiDeps): Promise<ApiServer> {
  const app = await buildApi(deps);
  // Nothing of the caller's close stack knows this app before it is returned: a start failing here closes it itself.
  const address = await announce(app, deps).catch(async (e: Error) => {
    await app.close();
    throw e;
  });
  for (const w of exposureWarnings(deps.config.api)) deps.log('api-exposed', { host: deps.config.api.host, ...w });
  return {
    address,
    // The token dies with the process; a stale file would only send the CLI to a closed port.
    close: async () => {
      await app.close();
      await rm(operatorFile(deps.storeDir), { force: true });
    },
  };
}

/** Listens and writes the operator file that tells the CLI where. */
async function announce(app: FastifyInstance, deps: ApiDeps): Promise<AddressInfo> {
  const { host, port } = deps.config.api;
  const address = await app.listen({ host, port }).then(() => app.server.address() as AddressInfo, (e: Error) => {
    throw new Error(`the portal cannot listen on ${host}:${port}: ${e.message}`);
  });
  const local = address.family === 'IPv6' ? (address.address === '::' ? '[::1]' : `[${address.address}]`) : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  const file: OperatorFile = { url: `http://${local}:${address.port}`, token: deps.operatorToken, pid: process.pid };
  const where = operatorFile(deps.storeDir);
  await replaceFile(where, JSON.stringify(file) + '\n', 0o600).catch((e: Error) => {
    throw new Error(`the portal cannot start: its operator file ${where} cannot be written (${e.message}); mail2sms status and cancel find the bridge by it`);
  });
  return address;
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const ctx = buildContext(deps, join(deps.storeDir, 'stats-cache.json'), join(deps.storeDir, 'sessions.json'));
  await ctx.sessions.open();
  const app = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    // req.ip is then the client that the trusted proxies name (the nearest untrusted hop); nobody else's X-Forwarded-For counts.
    trustProxy: deps.config.api.trustProxy.length ? [...deps.config.api.trustProxy] : false,
    // Our schemas refuse unknown fields instead of dropping them, and name every problem at once; verbose: each
    // error carries the value and its schema, so that a 400 names the value and what is allowed (problems.ts).
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', verbose: true } },
    // The router's refusals (a path part too long, a bad % escape) as problems too, not fastify's own body.
    frameworkErrors: (e, req, reply) => sendProblem(reply, toProblem(e), req),
  });
  explainBadJson(app);
  // fastify reads text/plain by default; a body that is not JSON gets 415, whatever it claims to be.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'mail2sms REST API', version: '1', description: 'Submit SMS, track them, search, statistics and account defaults. Errors are application/problem+json.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/login' },
          basic: { type: 'http', scheme: 'basic', description: 'A user of mail2sms users' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    await authenticate(req, ctx);
  });
  app.setErrorHandler((e, req, reply) => {
    const p = toProblem(e);
    // Only the unplanned: a refusal we answer on purpose (429 for a limit, 422 …) is logged where it is made (api-refused), without a stack.
    if (!(e instanceof Problem) && p.status >= 500) deps.log('api-error', { url: req.url, error: (e as Error).message, stack: (e as Error).stack });
    return sendProblem(reply, p, req);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, new Problem(404, 'NotFound', `there is no ${req.method} ${req.url.split('?')[0]}`), req));
  const mayScrape = metricsGuard(deps.config.api);
  app.get('/metrics', { schema: { hide: true }, onSend: challengeOn401 }, async (req, reply) => {
    mayScrape(req);
    return reply.type(deps.metrics.contentType).send(await deps.metrics.text());
  });
  await app.register(async (api) => {
    api.addHook('onSend', challengeOn401);
    api.addHook('onRequest', refuseCrossSite);
    await apiRoutes(api, ctx);
  }, { prefix: '/api/v1' });
  await app.register(async (portal) => {
    // Forms, for the portal's pages only (no library needed for application/x-www-form-urlencoded). The REST API takes
    // JSON alone: a form post is a request any web page can make a browser send with its saved Basic credentials, where
    // a JSON body needs a CORS preflight, which this server never grants.
    portal.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    await portalRoutes(portal, ctx);
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // After the last request: a logout answered during close is on disk.
  app.addHook('onClose', async () => {
    await ctx.sessions.close();
  });
  await app.ready();
  return app;
}

/** Bearer token (a session or the operator's), HTTP Basic, or the portal's session cookie. */
async function authenticate(req: FastifyRequest, ctx: ApiContext): Promise<void> {
  const auth = req.headers.authorization;
  if (auth) {
    req.authBy = 'header';
    const [scheme, value = ''] = auth.split(' ', 2);
    if (/^bearer$/i.test(scheme)) {
      if (sameSecret(value, ctx.deps.operatorToken)) req.principal = ctx.operator;
      else req.principal = ctx.sessions.use(value)?.principal;
      return;
    }
    if (/^basic$/i.test(scheme)) {
      const text = Buffer.from(value, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      const user = colon > 0 ? await login(ctx, { ip: req.ip, via: 'basic' }, text.slice(0, colon), text.slice(colon + 1)) : undefined;
      req.principal = user ? { name: user.name, account: user.account, role: user.role } : undefined;
      return;
    }
    throw new Problem(401, 'Unauthorized', `unknown authorization scheme "${scheme}": use Bearer <token> or Basic`);
  }
  const cookie = req.cookies[SESSION_COOKIE];
  const s = cookie ? ctx.sessions.use(cookie) : undefined;
  if (s) Object.assign(req, { principal: s.principal, csrf: s.csrf, authBy: 'cookie' });
}

