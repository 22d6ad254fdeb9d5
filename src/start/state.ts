import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingsStore } from '../accounts/settings.js';
import { checkStartFiles } from '../cannot-start.js';
import { packageVersion } from '../cli/help.js';
import { RestoreHold } from '../dispatch/restore-hold.js';
import { countsRecentSends } from '../policy/limits.js';
import { JournalStore } from '../store/journal-store.js';
import { stillOpen } from '../dispatch/restore-receipts.js';
import { KeptReceipts } from '../store/kept-receipts.js';
import { StoreLock } from '../store/lock.js';
import { refuseIncompleteBackup } from '../store/restore-marker.js';
import type { Config } from '../config/types.js';
import type { StartContext } from './context.js';

/** What is kept on disk in store.dir, open under its lock. */
export interface DurableState {
  store: JournalStore;
  /** The hold of a store restored from a backup (its restore-hold.json). */
  restore: RestoreHold;
  /** SMPP receipts kept as evidence while that hold lasts (restore-receipts.json, dispatch/restore-receipts.ts). */
  kept: KeptReceipts;
  /** Account defaults, users, opt-outs and brakes changed at run time (settings.json). */
  settings: SettingsStore;
}

/** The first phase: takes the store's lock and opens the journal, the restore's hold and the settings. */
export async function openState(c: StartContext): Promise<DurableState> {
  const { config, dir, now, log, stack } = c;
  // Refusals no restart cures, before anything is opened or written: an incomplete backup's copy is not replayed and compacted.
  await checkStartFiles(config, now());
  await refuseIncompleteBackup(dir);
  await mkdir(dir, { recursive: true });
  await stack.open('the store lock', () => StoreLock.acquire(dir), (lock) => lock.release());
  const recentSends = countsRecentSends(config.limits, config.accounts.map((a) => a.limits));
  // The reply index is kept only where some account forwards replies: it costs memory per SMS handed over in the window.
  const forwards = forwardsReplies(config);
  const restore = await stack.open('the restore hold', async () => {
    const r = new RestoreHold({ dir, pollMs: 1000, log });
    await r.open();
    return r;
  }, (r) => r.close());
  const store = await stack.open('the store', async () => {
    const s = new JournalStore({
      dir, segmentBytes: config.store.journalSegmentBytes, duplicateWindowHours: config.store.duplicateWindowHours, now, log, recentSends,
      replyWindowHours: forwards ? config.inbound.forward.windowHours : 0, software: `mail2sms ${packageVersion()}`,
      // Read first: the SMS its hold holds are indexed as the store reads its records (queue-marks.ts).
      restoreHeldBefore: restore.active?.finishedAt,
    });
    await s.open();
    return s;
  }, (s) => s.close());
  const kept = new KeptReceipts({ dir, now, keepHours: config.dispatch.receiptTimeoutHours });
  await kept.open(restore.active?.finishedAt);
  // Released (maybe while the bridge was stopped): the receipts of SMS decided since are not needed any more.
  if (kept.released) await kept.keepOnly(stillOpen(store));
  const settings = await stack.open('the settings', async () => {
    const s = new SettingsStore({ file: join(dir, 'settings.json'), pollMs: 1000 });
    await s.open();
    return s;
  }, (s) => s.close());
  return { store, restore, kept, settings };
}

/** Whether handsets' replies go back to the senders of the SMS they answer, for some account (inbound.forward). */
export function forwardsReplies(config: Config): boolean {
  return config.inbound.forward.enabled || config.accounts.some((a) => a.forwardReplies);
}
