import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { startCallbacks } from '../notify/callbacks/start.js';
import { openTransport, type ConfirmationTransport, type TransportSpec } from '../notify/outbox.js';
import { confirmationRefusal, replyRefusal } from '../notify/recipient-guard.js';
import { loadReplyKey, ReplyAddresses } from '../notify/reply-address.js';
import { Notifier } from '../notify/worker.js';
import { Originals } from '../store/originals.js';
import type { StartContext } from './context.js';
import type { Services } from './services.js';
import type { DurableState } from './state.js';

/** The way back to the senders, running: what the SMTP side needs of it. */
export interface WayBack {
  replies: ReplyAddresses;
  /** Mails kept for delivery reports that return them in full (RET=FULL). */
  originals: Originals;
  /** Sends previews; confirmations go by the notifier's thread, with its own transport. */
  transport: ConfirmationTransport;
  /** Where confirmations go, for operators: the outbox directory, or the relay's host:port. */
  outbox: string;
  /** Settles once the confirmation thread has started (a failure is logged, never thrown: Notifier.start). */
  ready: Promise<void>;
}

/** The third phase: the reply key, the kept originals, the preview transport, the notifier and the status callbacks. */
export async function startConfirmations(c: StartContext, state: DurableState, services: Services): Promise<WayBack> {
  const { config, dir, now, log, stack } = c;
  const { store, restore } = state;
  const { accounts, forwarder } = services;
  const replies = new ReplyAddresses(await loadReplyKey(join(dir, 'reply-key'), c.random), config.smtp.domains[0]);
  const outbox = c.under(config.notify.outboxDir);
  const relayCa = config.notify.transport === 'smtp' && config.notify.relay.tlsCaFile ? await readFile(config.notify.relay.tlsCaFile, 'utf8') : undefined;
  const spec = transportSpec(config, outbox, relayCa);
  const originalsDir = join(dir, 'originals');
  const originals = new Originals({ dir: originalsDir, days: config.notify.returnFullDays, maxBytes: config.notify.returnFullMaxBytes, now, log });
  originals.start();
  stack.push('the kept originals', () => originals.close());
  const transport = openTransport(spec);
  stack.push('the preview transport', () => transport.close());
  const notifier = new Notifier({
    store, transport: spec, from: config.notify.from, reportingMta: config.smtp.hostname,
    templatesDir: c.templatesDir, timeZone: config.notify.timeZone,
    retrySeconds: config.notify.retrySeconds, originalsDir, gatherMs: config.notify.gatherSeconds * 1000, correctionWaitMs: config.notify.correctionWaitSeconds * 1000, delayMs: config.notify.delayAfterMinutes * 60_000, cancelAddress: (id) => replies.cancelAddress(id), now, log,
    refusal: (sms) => confirmationRefusal(sms, accounts.get(sms.account)),
    restoreHeld: (sms) => (sms.status === 'accepted' || sms.status === 'submitting') && restore.reason(sms) !== undefined,
    languageOf: (sms) => accounts.get(sms.account)?.language ?? config.notify.language, transliterate: config.text.transliterate,
    timeZoneOf: (sms) => accounts.get(sms.account)?.confirmationTimeZone ?? config.notify.timeZone,
    ...(forwarder ? { replies: { queue: store, smsDomain: config.smtp.domains[0], refusal: (o) => replyRefusal(o, accounts.get(o.account)) } } : {}),
  });
  const stopNotifier = stack.push('the notifier', () => notifier.stop());
  // Its thread loads while the rest starts; the bridge is up once it has (bridge.ts).
  const ready = notifier.start();
  const callbacks = startCallbacks(config, { store, now, log });
  // Both drain at once, neither waiting for the other's sends in flight.
  stack.push('the status callbacks', () => Promise.all([callbacks.stop(), stopNotifier()]));
  const where = config.notify.transport === 'file' ? outbox : `${config.notify.relay.host}:${config.notify.relay.port}`;
  return { replies, originals, transport, outbox: where, ready };
}

function transportSpec(config: Config, outbox: string, ca: string | undefined): TransportSpec {
  if (config.notify.transport === 'file') return { kind: 'file', dir: outbox };
  const r = config.notify.relay;
  return { kind: 'smtp', relay: { host: r.host, port: r.port, secure: r.secure, auth: r.user ? { user: r.user, pass: r.pass } : undefined, name: config.smtp.hostname, ...(ca ? { ca } : {}) } };
}
