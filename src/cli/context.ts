import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { accountInheritance, Accounts } from '../accounts/registry.js';
import { SettingsStore } from '../accounts/settings.js';
import { appendAuditLine } from '../audit/audit-log.js';
import type { Config } from '../config/types.js';
import { runningAs } from '../cannot-start.js';

/** What the administrative commands share: the settings file, the accounts, and the audit trail of their changes. */
export interface AdminContext {
  settings: SettingsStore;
  accounts: Accounts;
  /** Appends an audit line for a change made by this command (who: the operating-system user). */
  audit(evt: string, data: Record<string, unknown>): Promise<void>;
}

/** `operator`: who runs the command when not the user it runs as (CliIo.operator). */
export async function adminContext(config: Config, operator?: string, now: () => Date = () => new Date()): Promise<AdminContext> {
  const dir = resolve(config.store.dir);
  const settings = new SettingsStore({ file: join(dir, 'settings.json') });
  await settings.open();
  const accounts = new Accounts({ accounts: config.accounts, settings, inherit: accountInheritance(config) });
  const auditDir = isAbsolute(config.audit.dir) ? config.audit.dir : join(dir, config.audit.dir);
  return {
    settings, accounts,
    audit: async (evt, data) => {
      if (!config.audit.enabled) return;
      await appendAuditLine(auditDir, now(), evt, { ...data, via: 'cli', by: operatorName(operator), host: hostname() });
    },
  };
}

/** The person, and the service user it ran as: "alice (as mail2sms)"; the user alone when nobody else is named. */
export function operatorName(operator: string | undefined): string {
  const user = runningAs();
  return operator && operator !== user ? `${operator} (as ${user})` : user;
}
