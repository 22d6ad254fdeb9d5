/**
 * Configuration of the SMTP ingress's defences: connection limits, TLS,
 * AUTH, plus the opt-out list and the audit log. Kept beside the handlers
 * that use them; src/config/schema.ts puts them into the one schema.
 */
import { parseNetwork } from '../accounts/networks.js';
import { bool, int, str } from '../config/schema-kit.js';


/** Keys added to `smtp`. */
export const smtpGuardProperties = {
  maxClients: int(500, 'Most client connections at the same time, per listening port; more get 421.', 1, 100000),
  maxConnectionsPerIp: int(20, 'Most connections at the same time from one IP address; more get 421 4.7.0.', 1, 100000),
  maxBadCommands: int(20, 'Refused commands (5xx replies) in one session since its last accepted mail before it is closed with 421 4.7.0 (logged as smtp-too-many-errors). Not counted: 4xx replies (rate, quota), and a pipelined DATA or RCPT refused only because every RCPT or the MAIL before it in the same transaction was.', 1, 10000),
  sessionTimeoutSeconds: int(600, 'Longest a client session may last in all, however busy (a slow-drip client resets the idle timeout with every byte); then 421 4.4.2.', 1, 86400),
};

export const smtpTlsSchema = {
  type: 'object', default: {}, additionalProperties: false,
  description: 'TLS for the SMTP ingress. With no certificate configured a self-signed one is generated on first start and kept in <store.dir>/tls (with a warning in the log).',
  properties: {
    starttls: bool(true, 'Offer STARTTLS on smtp.port.'),
    implicit: bool(false, 'Also listen with implicit TLS (SMTPS, like port 465) on smtp.tls.port.'),
    port: int(4650, 'Port of the implicit TLS listener (0 picks a free port).', 0, 65535),
    cert: str('', 'PEM certificate file (with its chain), relative to the working directory; re-read on SIGHUP. Empty: the self-signed one.'),
    key: str('', 'PEM private key file of the certificate; re-read on SIGHUP.'),
  },
};

export const smtpAuthSchema = {
  type: 'object', default: {}, additionalProperties: false,
  description: 'SMTP AUTH (PLAIN, LOGIN) for the users of accounts (`mail2sms users`).',
  properties: {
    plaintextNetworks: {
      type: 'array', items: { type: 'string', minLength: 1 }, default: ['127.0.0.0/8', '::1/128'],
      description: 'Networks where AUTH is offered without TLS. Everywhere else AUTH is only offered after STARTTLS or on the implicit TLS port, so passwords never cross the network in clear. Empty: TLS always.',
    },
    failureDelayMs: int(1000, 'Delay of the reply to a failed login; it doubles with every further failure from the same IP address or for the same user name within failureWindowMinutes.', 0, 60000),
    maxFailureDelayMs: int(16000, 'Longest such delay.', 0, 300000),
    maxFailuresPerSession: int(3, 'Failed logins in one session before it is closed with 421 4.7.0.', 1, 100),
    maxFailuresPerIp: int(20, 'Failed logins from one IP address within failureWindowMinutes after which its AUTH gets 421 4.7.0 until the window has passed.', 1, 100000),
    failureWindowMinutes: int(15, 'How long failed logins are remembered.', 1, 1440),
    cacheSeconds: int(300, 'How long a successful login is remembered (as a keyed hash, never the password), so that systems opening a new connection per mail do not cost a scrypt computation each time. 0: off.', 0, 86400),
  },
};

export const optoutSchema = {
  type: 'array', default: [], items: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' },
  description: 'Numbers (E.164, "+4915112345678") that never receive an SMS from any sender, refused at RCPT with 550 5.7.1; `mail2sms optout add|remove|list` keeps more in <store.dir>/settings.json, also for one sender (--sender).',
};

export const auditSchema = {
  type: 'object', default: {}, additionalProperties: false,
  description: 'The audit log: one JSON line per accepted, refused and sent message, per login and per administrative change (who, what, when, from where), in <store.dir>/<audit.dir>/YYYY-MM-DD.jsonl, append-only. Never passwords.',
  properties: {
    enabled: bool(true, 'Write the audit log.'),
    dir: str('audit', 'Folder of the audit files (relative to store.dir).'),
    includeText: bool(false, 'Also record the SMS text of accepted messages (off: texts can hold personal data).'),
  },
};

/** What the schema cannot say about these keys; reported with every other problem of the file. */
export function smtpProblems(smtp: { tls: { cert: string; key: string }; auth: { plaintextNetworks: readonly string[] } }): string[] {
  const problems: string[] = [];
  if (!smtp.tls.cert !== !smtp.tls.key) problems.push('smtp.tls: cert and key must be given together (or neither, for the self-signed certificate)');
  smtp.auth.plaintextNetworks.forEach((n, i) => {
    const p = parseNetwork(n);
    if (typeof p === 'string') problems.push(`smtp.auth.plaintextNetworks[${i}]: ${p}`);
  });
  return problems;
}
