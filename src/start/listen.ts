import type { AddressInfo } from 'node:net';
import { newToken } from '../api/auth.js';
import type { Metrics } from '../api/metrics.js';
import { startApi } from '../api/server.js';
import { composePreview } from '../notify/preview.js';
import { confirmationsFor } from '../notify/policy.js';
import { createSmtpIngress, type Listening, type SmtpIngress } from '../smtp/server.js';
import { newMailId } from '../store/ids.js';
import type { WayBack } from './confirmations.js';
import type { StartContext } from './context.js';
import type { Services } from './services.js';
import type { DurableState } from './state.js';

export interface Intake extends Listening {
  ingress: SmtpIngress;
  /** The portal, REST API and /metrics; undefined with api.enabled false. */
  api?: AddressInfo;
}

/**
 * The last phase: the SMTP server and the portal listen. Their close stops
 * new mail (421), new API requests and new submits at once, all three
 * together: each lets what is in flight finish, and closing the API first
 * (its keep-alive connections) had let mail still get 250 after a SIGTERM.
 */
export async function listen(c: StartContext, state: DurableState, services: Services, back: WayBack, metrics: Metrics): Promise<Intake> {
  const { config, dir, now, log, random, idBytes, stack } = c;
  const { store } = state;
  const { accounts, guards, optedOut, udhOf, cancel, dispatcher } = services;
  const ingress = createSmtpIngress({
    config, store, accounts, users: guards.users, policy: guards.policy, tls: guards.tls, now, wantsConfirmation: confirmationsFor, log, replies: back.replies, cancel, optedOut, udhOf,
    newMailId: () => newMailId(now(), idBytes), originals: back.originals, sessionTimers: c.options.sessionTimers,
    sendPreview: async (report, mail) => {
      const { raw, messageId } = await composePreview({
        report, from: config.notify.from, to: mail.to, reportingMta: config.smtp.hostname, id: mail.id, now: now(), original: mail.original,
        // "Your time" is the account's, as in its confirmations (review 8, B-L3).
        timeZone: accounts.get(mail.account)?.confirmationTimeZone ?? config.notify.timeZone,
        language: accounts.get(mail.account)?.language ?? config.notify.language,
      });
      return (await back.transport.send({ raw, to: mail.to, from: '', messageId })).where;
    },
  });
  const stopIntake = stack.push('the SMTP server', () => Promise.all([ingress.close(), services.stopSubmits()]));
  const { smtp, smtps } = await ingress.listen().catch((e: Error) => {
    throw new Error(`the SMTP server cannot listen: ${e.message}`);
  });
  if (!config.api.enabled) return { ingress, smtp, smtps };
  // A port already taken must not leave the SMTP side running half-started: the failed start closes it.
  const api = await startApi({
    config, store, policy: guards.policy, optedOut, udhOf, accounts, users: guards.users, connectors: () => services.pool.status(),
    metrics, newMailId: () => newMailId(now(), random), now, wantsConfirmation: confirmationsFor, log, storeDir: dir, operatorToken: newToken(),
    templatesDir: c.templatesDir, cancel, restoreHold: () => state.restore.active,
    markBackupVerdict: (id, verdict, by, carrierId) => dispatcher.markBackupVerdict(id, verdict, by, carrierId),
    backupReceipts: () => dispatcher.backupReceipts(),
  });
  stack.push('the portal and API', () => Promise.all([api.close(), stopIntake()]));
  return { ingress, smtp, smtps, api: api.address };
}
