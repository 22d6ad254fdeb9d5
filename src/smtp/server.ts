import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Accounts } from '../accounts/registry.js';
import { installEnhancedCodeAdapter } from './enhanced-codes.js';
import { onData, type DataDeps } from './on-data.js';
import { onMailFrom } from './on-mail-from.js';
import { onRcptTo } from './on-rcpt-to.js';

export interface SmtpIngress {
  listen(): Promise<AddressInfo>;
  /** Refuses new mail with 421, lets running transactions finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

export function createSmtpIngress(deps: DataDeps & { accounts: Accounts }): SmtpIngress {
  installEnhancedCodeAdapter();
  const { smtp } = deps.config;
  let stopping = false;
  const server = new SMTPServer({
    name: smtp.hostname,
    banner: 'mail2sms: mail <number>@' + smtp.domains[0] + ' to send an SMS',
    size: smtp.maxMessageSize,
    hideDSN: false,
    hideENHANCEDSTATUSCODES: false,
    // Authentication and TLS arrive with the security work; until then only the trusted default (loopback) listens.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    socketTimeout: smtp.socketTimeoutSeconds * 1000,
    logger: false,
    onMailFrom: onMailFrom({ accounts: deps.accounts, stopping: () => stopping, log: deps.log }),
    onRcptTo: onRcptTo({ ...smtp, replies: deps.replies, log: deps.log }),
    onData: onData(deps),
  });
  server.on('error', (e: Error) => deps.log('smtp-error', { error: e.message }));
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(smtp.port, smtp.host, () => {
          server.off('error', reject);
          resolve(server.server.address() as AddressInfo);
        });
      }),
    close: (graceMs = 5000) => {
      stopping = true;
      (server.options as { closeTimeout?: number }).closeTimeout = graceMs;
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
