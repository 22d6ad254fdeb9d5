import { isAbsolute, join } from 'node:path';
import type { Accounts } from './accounts/registry.js';
import type { SettingsStore } from './accounts/settings.js';
import { Users } from './accounts/users.js';
import { VerificationCache } from './accounts/verify-cache.js';
import { AuditLog } from './audit/audit-log.js';
import { CannotStart } from './cannot-start.js';
import type { Config } from './config/types.js';
import type { LogFn } from './log.js';
import { Brake } from './policy/brake.js';
import { OptOutList } from './policy/optout.js';
import { Policy } from './policy/policy.js';
import { loadTls, type TlsMaterial } from './smtp/tls.js';
import type { JournalStore } from './store/journal-store.js';

/**
 * The audit log and the event tap: every event goes to the caller's log,
 * to the audit log (a durable sink of the same events, so the trail cannot
 * drift from the log) and to `observe`, set later, through which the policy
 * learns final statuses without a hook in the dispatcher.
 */
export function auditedLog(config: Config, dir: string, log: LogFn, now: () => Date, textOf: (msgId: string) => string | undefined) {
  const audit = config.audit.enabled
    ? new AuditLog({ dir: isAbsolute(config.audit.dir) ? config.audit.dir : join(dir, config.audit.dir), now, textOf: config.audit.includeText ? textOf : undefined, onError: (e) => log('audit-write-failed', { error: e.message }) })
    : undefined;
  const tap = { observe: (_evt: string, _data: Record<string, unknown>): void => undefined };
  const fanOut: LogFn = (evt, data) => {
    log(evt, data);
    audit?.record(evt, data);
    tap.observe(evt, data);
  };
  return { log: fanOut, tap, close: () => audit?.close() };
}

export interface Guards {
  users: Users;
  optout: OptOutList;
  policy: Policy;
  /** The dispatcher holds the SMS of a stopped account and lets them go when it is released. */
  brake: Brake;
  tls?: TlsMaterial;
  /** Reads the certificate again (SIGHUP); throws when it cannot, leaving the old one in use. */
  reloadTls(): Promise<TlsMaterial | undefined>;
  close(): Promise<void>;
}

interface GuardDeps {
  dir: string;
  settings: SettingsStore;
  accounts: Accounts;
  store: JournalStore;
  now: () => Date;
  log: LogFn;
  tap: { observe: (evt: string, data: Record<string, unknown>) => void };
}

/** Who may send what: users (with the login cache), opt-out list, fraud brake, limits, and the TLS certificate. */
export async function buildGuards(config: Config, d: GuardDeps): Promise<Guards> {
  const { now, log } = d;
  const users = new Users(d.settings, d.accounts, now, new VerificationCache({ ttlMs: config.smtp.auth.cacheSeconds * 1000, now: () => now().getTime() }));
  const optout = new OptOutList(config.optout, d.settings);
  // The certificate first: it opens nothing, so one that cannot be used leaves no brake file open behind it.
  const source = { cert: config.smtp.tls.cert, key: config.smtp.tls.key, selfSignedDir: join(d.dir, 'tls'), hostname: config.smtp.hostname, now };
  const tlsOn = config.smtp.tls.starttls || config.smtp.tls.implicit;
  // Files the service can read that still cannot serve (no certificate in it, the key of another one) are no passing trouble:
  // exit 2, not systemd's restarts. A self-signed pair that cannot be made is left to the store's own errors.
  const tls = tlsOn ? await loadTls(source).catch((e: Error) => {
    throw source.cert ? new CannotStart(e.message) : e;
  }) : undefined;
  if (tls?.selfSigned) {
    log('tls-self-signed', {
      file: tls.file, fingerprint: tls.fingerprint, validTo: tls.validTo,
      warning: 'clients cannot verify this certificate; configure smtp.tls.cert and smtp.tls.key with one from your CA',
    });
  }
  const brake = new Brake({ settings: d.settings, knownFile: join(d.dir, 'known-numbers.tsv'), windowsFile: join(d.dir, 'brake-windows.json'), now, log });
  await brake.open();
  const policy = new Policy({ limits: config.limits, accounts: config.accounts, store: d.store, optout, brake, now });
  d.tap.observe = (evt, data) => {
    // An unconfirmed SMS (the carrier's answer to the handover lost) says nothing about the numbers: a slow SMSC must not stop the account.
    // Nor does one no connector could take (its credentials refused): the gateway's fault, not the account's.
    // Nor one sent by the bridge a restored backup was taken of, whose report went there (unreported).
    if (evt !== 'sms-final' || typeof data.msgId !== 'string' || data.uncertain || data.connectorFault || data.unreported) return;
    const account = d.accounts.get(d.store.get(data.msgId)?.account ?? '');
    if (account) policy.outcome(account, String(data.status));
  };
  return {
    users, optout, policy, brake, tls,
    reloadTls: async () => (tlsOn ? loadTls(source) : undefined),
    close: () => brake.close(),
  };
}
