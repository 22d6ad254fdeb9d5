import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './portal-kit.js';

/** The protection space of the REST API (RFC 9110 §11.5): one for every route, as one user logs in to all of them. */
export const REALM = 'mail2sms';

/**
 * The challenges a 401 of the REST API carries (RFC 9110 §11.6.1: a 401
 * must name at least one). Many HTTP clients send Basic credentials only
 * once challenged — wget, Python's HTTPBasicAuthHandler, curl --anyauth,
 * .NET's HttpClientHandler.Credentials, PowerShell's -Credential, Java's
 * Authenticator — and never log in without it; `charset="UTF-8"` (RFC 7617
 * §2.1) has them encode a user name or password beyond ASCII as we read it.
 *
 * A browser gets the Bearer challenge only: it would answer Basic with its
 * login dialog (the portal's CSV link leads here when the session has
 * ended), and then send those credentials with every request to this
 * origin, also those another site's page makes it send. A browser is told
 * by Fetch Metadata (Sec-Fetch-Site; Node's fetch sends Sec-Fetch-Mode
 * alone, and answers no challenge anyway) or, where it sends none (plain
 * http beyond loopback), by the portal's session cookie.
 */
export function challenges(req: FastifyRequest): string[] {
  const bearer = `Bearer realm="${REALM}"`;
  const browser = req.headers['sec-fetch-site'] !== undefined || req.cookies[SESSION_COOKIE] !== undefined;
  return browser ? [bearer] : [`Basic realm="${REALM}", charset="UTF-8"`, bearer];
}

/** An onSend hook for the REST API's routes: every 401 with its challenges. The portal's pages have their login form instead. */
export async function challengeOn401(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (reply.statusCode === 401) void reply.header('www-authenticate', challenges(req));
}
