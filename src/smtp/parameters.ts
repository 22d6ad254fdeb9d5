import { errors, type SmtpError } from './errors.js';

/**
 * The MAIL and RCPT parameters the bridge offers in its EHLO (SIZE,
 * 8BITMIME, SMTPUTF8, DSN, AUTH). smtp-server checks the values of those it
 * knows and passes any other through; RFC 5321 §4.1.1.11 wants a parameter
 * that is not offered refused with 555, so a client relying on an extension
 * we lack (REQUIRETLS, MT-PRIORITY, a typo) learns it instead of being
 * silently ignored.
 */
const KNOWN = {
  MAIL: ['SIZE', 'BODY', 'SMTPUTF8', 'RET', 'ENVID', 'AUTH'],
  RCPT: ['NOTIFY', 'ORCPT'],
} as const;

/** RFC 3461 §4.4. */
const MAX_ENVID = 100;

/** Why the parameters of a MAIL or RCPT are refused (undefined: they are not); `args` as smtp-server parsed them, keys upper-cased. */
export function parameterRefusal(command: 'MAIL' | 'RCPT', args: Record<string, unknown> | false | undefined): SmtpError | undefined {
  if (!args) return undefined;
  const known: readonly string[] = KNOWN[command];
  const unknown = Object.keys(args).find((k) => !known.includes(k));
  if (unknown !== undefined) return errors.UnknownParameter(command, unknown.slice(0, 40), known.join(', '));
  const envid = command === 'MAIL' ? args.ENVID : undefined;
  if (typeof envid === 'string' && envid.length > MAX_ENVID) return errors.EnvidTooLong(String(envid.length));
  return undefined;
}
