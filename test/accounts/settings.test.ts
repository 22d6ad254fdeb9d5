import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { SettingsStore } from '../../src/accounts/settings.js';

/**
 * The settings file is read again when another process (the CLI) changes
 * it. A reading of the file that began before one of our own changes was
 * written must not put the old content back in memory: an opt-out or a
 * brake just written would be forgotten until the next poll.
 */
const S = suite('accounts settings file');

/** Holds the next read of the settings file (its content as at the call) until release() is called. */
function holdNextRead(file: string): { release: () => void } {
  const real = fs.promises.readFile;
  let release = () => undefined as void;
  const gate = new Promise<void>((r) => (release = r));
  fs.promises.readFile = ((path: unknown, ...rest: unknown[]) => {
    const read = (real as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    if (path !== file) return read;
    read.catch(() => undefined); // handled when the gate opens
    fs.promises.readFile = real;
    syncBuiltinESMExports();
    return gate.then(() => read);
  }) as typeof real;
  syncBuiltinESMExports();
  return { release: () => release() };
}

S('a reading begun before our change (the watcher\'s, after a CLI change) :: what we wrote stays in memory, and the next reading has it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-settings-'));
  const file = join(dir, 'settings.json');
  const store = new SettingsStore({ file });
  try {
    await store.open();
    await store.update((d) => {
      d.brakes.beta = { since: '2026-11-30T05:00:00.000Z', reason: 'a file as before' };
    });
    const held = holdNextRead(file);
    const watcher = (store as unknown as { reload(): Promise<void> }).reload();
    await store.update((d) => {
      d.optout['+4915112345678'] = { addedAt: '2026-11-30T06:00:00.000Z', via: 'sms' };
    });
    held.release();
    await watcher;
    assert.ok(store.data.optout['+4915112345678'], 'the opt-out just written is still known');
    await (store as unknown as { reload(): Promise<void> }).reload();
    assert.ok(store.data.optout['+4915112345678'], 'and read back from the file');
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

S('a reading begun and ended while our change is being written (the file not replaced yet) :: what we wrote is what memory and the listeners get', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-settings-'));
  const file = join(dir, 'settings.json');
  const store = new SettingsStore({ file });
  try {
    await store.open();
    const seen: boolean[] = [];
    store.onChange((d) => seen.push(Boolean(d.optout['+4915112345679'])));
    const db = (store as unknown as { db: { write(): Promise<void> } }).db;
    const write = db.write.bind(db);
    db.write = async () => {
      // The watcher's poll fires now: it reads the file as it still is, before the new one is renamed into place.
      await (store as unknown as { reload(): Promise<void> }).reload();
      await write();
    };
    await store.update((d) => {
      d.optout['+4915112345679'] = { addedAt: '2026-11-30T06:00:00.000Z', via: 'sms' };
    });
    assert.ok(store.data.optout['+4915112345679'], 'the opt-out just written is known');
    assert.equal(seen, [true], 'and the listeners (the accounts registry) were given it');
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

S.run();
