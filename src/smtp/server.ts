import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Accounts } from '../accounts/registry.js';
import type { Users } from '../accounts/users.js';
import type { Policy } from '../policy/policy.js';
import { AuthThrottle } from './auth-throttle.js';
import { limitBadCommands } from './bad-commands.js';
import { MessageIdReuse } from './message-id-reuse.js';
import type { Timers } from '../connectors/smpp/socket.js';
import { ConnectionGuard } from './connection-guard.js';
import { installEnhancedCodeAdapter } from './enhanced-codes.js';
import { greetTrustedAtOnce } from './greeting.js';
import { onAuth } from './on-auth.js';
import { onData, type DataDeps } from './on-data.js';
import { onMailFrom } from './on-mail-from.js';
import { onRcptTo } from './on-rcpt-to.js';
import { addressOf } from './control-address.js';
import { installOwnReplies, logOwnRefusals } from './own-replies.js';
import { installQuotedNumbers } from './quoted-number.js';
import { answerUnplanned } from './unplanned.js';
import type { PemPair } from './self-signed.js';

export interface IngressDeps extends DataDeps {
  accounts: Accounts;
  users: Pick<Users, 'verify' | 'get'>;
  policy: Policy;
  /** Certificate and key; required when STARTTLS or implicit TLS is on. */
  tls?: PemPair;
  /** The session deadline's timers (smtp.sessionTimeoutSeconds; injected for tests). */
  sessionTimers?: Timers;
}

export interface Listening {
  /** The submission port (plain, with STARTTLS when on). */
  smtp: AddressInfo;
  /** The implicit-TLS port, when on. */
  smtps?: AddressInfo;
}

export interface SmtpIngress {
  listen(): Promise<Listening>;
  /** Takes a new certificate for every handshake from now on (SIGHUP); sessions already running keep theirs. */
  reloadTls(pair: PemPair): void;
  /**
   * Takes no new connection and answers every further command with 421 4.3.2
   * (smtp-server's doing, in the registry's words: own-replies.ts); a mail
   * whose DATA is under way is still taken. Sessions left after graceMs are
   * told the same and closed.
   */
  close(graceMs?: number): Promise<void>;
}

export function createSmtpIngress(deps: IngressDeps): SmtpIngress {
  installEnhancedCodeAdapter();
  installOwnReplies();
  installQuotedNumbers();
  const { smtp } = deps.config;
  const starttls = smtp.tls.starttls && !!deps.tls;
  const disabled = starttls ? [] : ['STARTTLS'];
  const guard = new ConnectionGuard({
    maxPerIp: smtp.maxConnectionsPerIp, sessionTimeoutMs: smtp.sessionTimeoutSeconds * 1000,
    plaintextAuthNetworks: smtp.auth.plaintextNetworks, disabled, log: deps.log, timers: deps.sessionTimers,
  });
  const resolved = new WeakMap<SMTPServerAddress, { e164: string; country?: string }>();
  // One for both ports: an id reused on the other port is reused all the same.
  const messageIds = new MessageIdReuse({ ttlMs: deps.config.store.duplicateWindowHours * 3600_000, now: () => deps.now().getTime(), log: deps.log });
  const a = smtp.auth;
  const throttle = new AuthThrottle({
    baseDelayMs: a.failureDelayMs, maxDelayMs: a.maxFailureDelayMs, maxFailuresPerIp: a.maxFailuresPerIp,
    windowMs: a.failureWindowMinutes * 60_000, now: () => deps.now().getTime(),
  });
  const options = (secure: boolean): SMTPServerOptions => ({
    name: smtp.hostname,
    banner: 'mail2sms: mail <number>@' + smtp.domains[0] + ' to send an SMS',
    size: smtp.maxMessageSize,
    hideDSN: false,
    hideENHANCEDSTATUSCODES: false,
    // Unauthenticated mail is decided per network at MAIL FROM (530 outside trusted networks);
    // where AUTH may be used without TLS is decided per connection by the guard, which hides it.
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: secure ? [] : disabled,
    secure,
    ...(deps.tls ? { key: deps.tls.key, cert: deps.tls.cert } : {}),
    maxClients: smtp.maxClients,
    socketTimeout: smtp.socketTimeoutSeconds * 1000,
    disableReverseLookup: !smtp.reverseLookup,
    logger: false,
    // Anything unplanned in a handler is logged and answered from the registry (onData does so itself).
    onConnect: answerUnplanned('CONNECT', deps.log, guard.onConnect),
    onSecure: guard.onSecure,
    onClose: guard.onClose,
    onAuth: answerUnplanned('AUTH', deps.log, onAuth({ users: deps.users, accounts: deps.accounts, throttle, maxFailuresPerSession: a.maxFailuresPerSession, now: deps.now, log: deps.log })),
    onMailFrom: answerUnplanned('MAIL', deps.log, onMailFrom({ accounts: deps.accounts, users: deps.users, policy: deps.policy, log: deps.log })),
    onRcptTo: answerUnplanned('RCPT', deps.log, onRcptTo({ ...smtp, replies: deps.replies, noReply: addressOf(deps.config.notify.from), policy: deps.policy, log: deps.log, resolved })),
    onData: onData({ ...deps, resolved, messageIds, trustedHop: (ip) => deps.accounts.forNetwork(ip) !== undefined }),
  });
  const servers = [new SMTPServer(options(false))];
  if (smtp.tls.implicit && deps.tls) servers.push(new SMTPServer(options(true)));
  for (const s of servers) {
    // Trusted networks (an account's, loopback by default) are greeted without smtp-server's 100 ms early-talker pause.
    greetTrustedAtOnce(s, (ip) => deps.accounts.forNetwork(ip) !== undefined);
    guard.watch(s);
    limitBadCommands(s, smtp.maxBadCommands, deps.log);
    logOwnRefusals(s, deps.log);
    s.on('error', (e: Error) => deps.log('smtp-error', { error: e.message }));
  }
  return {
    listen: async () => {
      const plain = await listen(servers[0], smtp.port, smtp.host);
      return servers[1] ? { smtp: plain, smtps: await listen(servers[1], smtp.tls.port, smtp.host) } : { smtp: plain };
    },
    reloadTls: (pair) => {
      for (const s of servers) s.updateSecureContext({ key: pair.key, cert: pair.cert });
    },
    close: async (graceMs = 5000) => {
      await Promise.all(servers.map((s) => {
        (s.options as { closeTimeout?: number }).closeTimeout = graceMs;
        return new Promise<void>((resolve) => s.close(() => resolve()));
      }));
    },
  };
}

function listen(server: SMTPServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.server.address() as AddressInfo);
    });
  });
}
